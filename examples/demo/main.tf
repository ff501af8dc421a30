# The demo module: a client-credentials OAuth client for a CI pipeline.
# Provider settings come from the environment (GENESYS_BASE_URL,
# GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET).
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {}

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

output "client_id" {
  value = genesyscloud_oauth_client.ci.client_id
}

# The secret goes straight from Genesys Cloud to Vault (VAULT_ADDR /
# VAULT_TOKEN); state keeps only its hash and the KV version.
resource "genesyscloud_oauth_client_vault_secret" "ci" {
  client_id = genesyscloud_oauth_client.ci.client_id
  mount     = "secret"
  path      = "genesys/oauth/${genesyscloud_oauth_client.ci.name}"

  rotation_period = "2160h"
  custom_metadata = {
    owner = "platform-team"
  }
}

output "vault_path" {
  value = genesyscloud_oauth_client_vault_secret.ci.id
}

output "vault_version" {
  value = genesyscloud_oauth_client_vault_secret.ci.vault_version
}
