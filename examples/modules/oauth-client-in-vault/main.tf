# One client-credentials OAuth client whose secret lives in Vault only. Call
# it once per consumer (CI pipeline, integration, …). The provider
# configuration (Genesys Cloud and Vault) is the caller's.

resource "genesyscloud_oauth_client" "this" {
  name                          = var.name
  description                   = var.description
  authorized_grant_type         = "CLIENT-CREDENTIALS"
  access_token_validity_seconds = var.access_token_validity_seconds

  dynamic "roles" {
    for_each = var.roles
    content {
      role_id     = roles.value.role_id
      division_id = roles.value.division_id
    }
  }
}

resource "genesyscloud_oauth_client_vault_secret" "this" {
  client_id       = genesyscloud_oauth_client.this.client_id
  mount           = var.vault_mount
  path            = "${var.vault_path_prefix}/${var.name}"
  rotation_period = var.rotation_period
  custom_metadata = {
    owner = var.owner
  }
}
