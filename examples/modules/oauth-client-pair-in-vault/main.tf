# A variant of ../oauth-client-in-vault for rotation without downtime: two
# equivalent client-credentials OAuth clients (<name>-blue and <name>-green,
# same roles) share one Vault entry. Each rotation regenerates the client
# whose credentials are not in Vault, so consumers that read the entry
# before a rotation keep working until the rotation after it. The provider
# configuration (Genesys Cloud and Vault) is the caller's.

locals {
  client_names = var.client_names != null ? var.client_names : {
    blue  = "${var.name}-blue"
    green = "${var.name}-green"
  }
}

resource "genesyscloud_oauth_client" "this" {
  for_each = local.client_names

  name                          = each.value
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
  client_id         = genesyscloud_oauth_client.this["blue"].client_id
  standby_client_id = genesyscloud_oauth_client.this["green"].client_id
  mount             = var.vault_mount
  path              = "${var.vault_path_prefix}/${var.name}"
  rotation_period   = var.rotation_period
  rotation_triggers = var.rotation_triggers
  custom_metadata = {
    owner = var.owner
  }
}
