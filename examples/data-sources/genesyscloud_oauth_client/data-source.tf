data "genesyscloud_oauth_client" "ci" {
  name = "ci-pipeline"
}
