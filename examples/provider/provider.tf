terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {
  aws_region = "eu-west-1" # or GENESYSCLOUD_REGION

  # The admin OAuth client (client-credentials grant) the provider works as,
  # read from Vault at configuration. Alternatives: oauthclient_id and
  # oauthclient_secret, or GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET.
  oauthclient_from_vault {
    path = "genesys/admin" # keys client_id and client_secret on mount "secret"
  }

  vault {
    address = "https://vault.example.com:8200" # or VAULT_ADDR
    # In HCP Terraform: log in with the run's workload identity token
    # (TFC_WORKLOAD_IDENTITY_TOKEN). Elsewhere VAULT_TOKEN or ~/.vault-token
    # is enough and this block can be left out.
    auth_login_jwt {
      role = "tfc-genesys"
    }
  }
}
