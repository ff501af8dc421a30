# A variant of ../oauth-client-in-vault for rotation without downtime: two
# equivalent client-credentials OAuth clients (<name>-blue and <name>-green,
# same roles) share one Vault entry. Each rotation regenerates the client
# whose credentials are not in Vault, so consumers that read the entry
# before a rotation keep working until the rotation after it.
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

variable "name" {
  description = "Base name of the two OAuth clients (<name>-blue, <name>-green); also the last segment of the Vault path."
  type        = string
}

variable "description" {
  description = "What the clients are for."
  type        = string
  default     = null
}

variable "roles" {
  description = "Roles granted to both clients, each in a division (\"*\" for all)."
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
  description = "Rotate when the secret in Vault is older than this (e.g. 2160h); null never rotates by age. Consumers must re-read Vault more often than this."
  type        = string
  default     = "2160h"
}

variable "rotation_triggers" {
  description = "Any change rotates once (to the other client)."
  type        = map(string)
  default     = {}
}

variable "owner" {
  description = "Team recorded in the Vault entry's custom metadata."
  type        = string
}

resource "genesyscloud_oauth_client" "this" {
  for_each = toset(["blue", "green"])

  name                          = "${var.name}-${each.key}"
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
  client_id         = genesyscloud_oauth_client.this["blue"].client_id
  standby_client_id = genesyscloud_oauth_client.this["green"].client_id
  mount             = var.vault_mount
  path              = "${var.vault_path_prefix}/${var.name}"
  rotation_period   = var.rotation_period
  rotation_triggers = var.rotation_triggers
  custom_metadata = {
    owner = var.owner
  }
}

output "client_ids" {
  description = "The two OAuth clients' ids, blue (client_id) then green (standby_client_id)."
  value       = [for k in ["blue", "green"] : genesyscloud_oauth_client.this[k].client_id]
}

output "active_client_id" {
  description = "The client whose credentials the Vault entry holds now."
  value       = genesyscloud_oauth_client_vault_secret.this.active_client_id
}

output "vault_path" {
  description = "<mount>/<path> of the Vault entry holding client_id, client_secret, base_url and token_url."
  value       = genesyscloud_oauth_client_vault_secret.this.id
}

output "vault_version" {
  description = "KV version written last (0 on a KV v1 mount)."
  value       = genesyscloud_oauth_client_vault_secret.this.vault_version
}
