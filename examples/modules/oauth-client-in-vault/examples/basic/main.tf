# One OAuth client for a CI pipeline, its secret in Vault at
# secret/genesys/oauth/ci-pipeline. Provider settings come from the
# environment: GENESYSCLOUD_REGION (or GENESYS_BASE_URL),
# GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, VAULT_ADDR and VAULT_TOKEN.
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {
  vault {}
}

module "ci" {
  source = "../.."

  name        = "ci-pipeline"
  description = "Deploys flows from CI"
  owner       = "platform-team"
  roles       = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
}

output "vault_path" {
  value = module.ci.vault_path
}
