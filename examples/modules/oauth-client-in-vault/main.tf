# A reusable module: one client-credentials OAuth client whose secret lives
# in Vault only. Call it once per consumer (CI pipeline, integration, …).
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

variable "name" {
  description = "OAuth client name (unique in the org); also the last segment of the Vault path."
  type        = string
}

variable "description" {
  description = "What the client is for."
  type        = string
  default     = null
}

variable "roles" {
  description = "Roles granted to the client, each in a division (\"*\" for all)."
  type = list(object({
    role_id     = string
    division_id = optional(string, "*")
  }))
}

variable "vault_mount" {
  description = "KV mount (v1 or v2) the secret is written to."
  type        = string
  default     = "secret"
}

variable "vault_path_prefix" {
  description = "Path under the mount; the entry is <prefix>/<name>."
  type        = string
  default     = "genesys/oauth"
}

variable "rotation_period" {
  description = "Regenerate the secret when it is older than this (e.g. 2160h); null never rotates by age."
  type        = string
  default     = "2160h"
}

variable "owner" {
  description = "Team recorded in the Vault entry's custom metadata."
  type        = string
}

resource "genesyscloud_oauth_client" "this" {
  name                          = var.name
  description                   = var.description
  authorized_grant_type         = "CLIENT-CREDENTIALS"
  access_token_validity_seconds = 3600

  dynamic "roles" {
    for_each = var.roles
    content {
      role_id     = roles.value.role_id
      division_id = roles.value.division_id
    }
  }
}

resource "genesyscloud_oauth_client_vault_secret" "this" {
  client_id       = genesyscloud_oauth_client.this.client_id
  mount           = var.vault_mount
  path            = "${var.vault_path_prefix}/${var.name}"
  rotation_period = var.rotation_period
  custom_metadata = {
    owner = var.owner
  }
}

output "client_id" {
  description = "The OAuth client's id."
  value       = genesyscloud_oauth_client.this.client_id
}

output "vault_path" {
  description = "<mount>/<path> of the Vault entry holding client_id, client_secret, base_url and token_url."
  value       = genesyscloud_oauth_client_vault_secret.this.id
}

output "vault_version" {
  description = "KV version written last (0 on a KV v1 mount)."
  value       = genesyscloud_oauth_client_vault_secret.this.vault_version
}
