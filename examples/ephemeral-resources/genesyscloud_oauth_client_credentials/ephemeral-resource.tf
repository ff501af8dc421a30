terraform {
  required_version = ">= 1.11"
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {}

resource "genesyscloud_oauth_client" "automation" {
  name                  = "automation"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {
    role_id     = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11"
    division_id = "*"
  }
}

resource "genesyscloud_oauth_client_vault_secret" "automation" {
  client_id       = genesyscloud_oauth_client.automation.client_id
  mount           = "secret"
  path            = "genesys/oauth/automation"
  rotation_period = "720h"
}

# The credentials the sink wrote, read for this run only: never in the plan
# or the state. Pinning the version to the sink's makes Terraform open this
# during the apply, after the sink's write, whenever the apply writes a new
# version (the first apply, a rotation).
ephemeral "genesyscloud_oauth_client_credentials" "automation" {
  mount   = genesyscloud_oauth_client_vault_secret.automation.mount
  path    = genesyscloud_oauth_client_vault_secret.automation.path
  version = genesyscloud_oauth_client_vault_secret.automation.vault_version
}

# Another configuration of this provider, logged in as the rotated client.
# The official provider is configured the same way (see the guide
# "Configuring other providers with a rotated client").
provider "genesyscloud" {
  alias              = "automation"
  oauthclient_id     = ephemeral.genesyscloud_oauth_client_credentials.automation.client_id
  oauthclient_secret = ephemeral.genesyscloud_oauth_client_credentials.automation.client_secret
}

data "genesyscloud_oauth_client" "as_automation" {
  provider   = genesyscloud.automation
  name       = "automation"
  depends_on = [genesyscloud_oauth_client_vault_secret.automation]
}
