terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

# Provider settings: the provider block (examples/provider/provider.tf) or
# the environment (GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, GENESYSCLOUD_REGION,
# VAULT_ADDR, VAULT_TOKEN).
resource "genesyscloud_oauth_client" "ci" {
  name                          = "ci-pipeline"
  description                   = "Deploys flows from CI"
  authorized_grant_type         = "CLIENT-CREDENTIALS"
  access_token_validity_seconds = 3600

  roles {
    role_id     = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11"
    division_id = "*"
  }
}
