terraform import genesyscloud_oauth_client.ci 6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10

# With the integration credential named by integration_credential_name:
terraform import genesyscloud_oauth_client.ci 6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10:9c0f3a52-7e1b-4d2a-8f6e-1b3c5d7e9a20
