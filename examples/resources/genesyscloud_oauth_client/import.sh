terraform import genesyscloud_oauth_client.ci 6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10
