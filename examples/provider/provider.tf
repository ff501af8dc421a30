provider "genesyscloud" {
  aws_region = "eu-west-1"
  # Credentials of an admin OAuth client (client-credentials grant); prefer the
  # environment: GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET.

  vault {
    address = "https://vault.example.com:8200"
    # token: VAULT_TOKEN or ~/.vault-token
  }
}
