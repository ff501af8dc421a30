# The demo: OAuth clients made with the reusable modules in ../modules; their
# secrets go straight from Genesys Cloud to Vault, and consumer.py gets a
# token with nothing but Vault access. "ci" is a pair rotated without
# downtime (../modules/oauth-client-pair-in-vault): changing var.rotation
# rotates it once, to the client that is not in Vault.
# Provider settings come from the environment (GENESYS_BASE_URL,
# GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, VAULT_ADDR, VAULT_TOKEN).
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {}

variable "rotation" {
  description = "Change it to rotate the ci pair once."
  type        = string
  default     = "1"
}

module "ci" {
  source            = "../modules/oauth-client-pair-in-vault"
  name              = "ci-pipeline"
  description       = "Deploys flows from CI"
  owner             = "platform-team"
  roles             = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
  rotation_triggers = { rotation = var.rotation }
}

module "reporting" {
  source          = "../modules/oauth-client-in-vault"
  name            = "reporting-export"
  description     = "Nightly analytics export"
  owner           = "data-team"
  roles           = [{ role_id = "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90", division_id = "*" }]
  rotation_period = "720h"
}

output "client_ids" {
  value = module.ci.client_ids
}

output "active_client_id" {
  value = module.ci.active_client_id
}

output "vault_path" {
  value = module.ci.vault_path
}

output "vault_version" {
  value = module.ci.vault_version
}

output "reporting_vault_path" {
  value = module.reporting.vault_path
}
