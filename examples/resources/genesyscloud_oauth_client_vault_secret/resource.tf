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
  name                  = "ci-pipeline"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {
    role_id     = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11"
    division_id = "*"
  }
}

# The secret goes to Vault at secret/genesys/oauth/ci-pipeline; state keeps
# only its hash and the KV version.
resource "genesyscloud_oauth_client_vault_secret" "ci" {
  client_id       = genesyscloud_oauth_client.ci.client_id
  mount           = "secret"
  path            = "genesys/oauth/${genesyscloud_oauth_client.ci.name}"
  rotation_period = "2160h" # 90 days

  custom_metadata = {
    owner = "platform-team"
  }
}

# A data-actions style client: its integration credential (what the data
# actions integration authenticates with) is made at create, and the sink
# writes every new secret into it as well as into Vault, so the integration
# never holds a dead secret.
resource "genesyscloud_oauth_client" "data_actions" {
  name                        = "data-actions"
  authorized_grant_type       = "CLIENT-CREDENTIALS"
  integration_credential_name = "data-actions-credential"
  roles {
    role_id     = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11"
    division_id = "*"
  }
}

resource "genesyscloud_oauth_client_vault_secret" "data_actions" {
  client_id                 = genesyscloud_oauth_client.data_actions.client_id
  integration_credential_id = genesyscloud_oauth_client.data_actions.integration_credential_id
  mount                     = "secret"
  path                      = "genesys/oauth/data-actions"
  rotation_period           = "2160h"
}
