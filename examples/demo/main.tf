# The demo: two OAuth clients made with the reusable module in
# ../modules/oauth-client-in-vault; their secrets go straight from Genesys
# Cloud to Vault, and consumer.py gets a token with nothing but Vault access.
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

module "ci" {
  source      = "../modules/oauth-client-in-vault"
  name        = "ci-pipeline"
  description = "Deploys flows from CI"
  owner       = "platform-team"
  roles       = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
}

module "reporting" {
  source          = "../modules/oauth-client-in-vault"
  name            = "reporting-export"
  description     = "Nightly analytics export"
  owner           = "data-team"
  roles           = [{ role_id = "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90", division_id = "*" }]
  rotation_period = "720h"
}

output "client_id" {
  value = module.ci.client_id
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
