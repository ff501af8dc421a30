terraform import genesyscloud_oauth_client_vault_secret.ci 6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10:secret/genesys/oauth/ci-pipeline

# A sink with a standby_client_id: both ids, client_id first.
terraform import genesyscloud_oauth_client_vault_secret.ci 6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10,0c9e2f4a-7b1d-4e3a-9d52-1f6a8b3c5e70:secret/genesys/oauth/ci-pipeline
