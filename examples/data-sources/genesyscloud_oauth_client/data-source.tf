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
data "genesyscloud_oauth_client" "ci" {
  name = "ci-pipeline"
}
