# Integration test: one real apply, then destroy, against Genesys Cloud (or
# the emulator in this repository) and Vault (or OpenBao). The provider is
# configured from the environment only: GENESYSCLOUD_REGION or
# GENESYS_BASE_URL, GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, VAULT_ADDR and
# VAULT_TOKEN (KV v2 at secret/). The repository's end-to-end tests run it
# against the emulator and an OpenBao dev server (tests/e2e/modules.rs).

provider "genesyscloud" {
  vault {}
}

variables {
  name              = "tftest-oauth-client-in-vault"
  owner             = "terraform-test"
  vault_path_prefix = "tftest/genesys/oauth"
  rotation_period   = "720h"
  roles             = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
}

run "creates_the_client_and_its_entry" {
  command = apply

  assert {
    condition     = output.client_id == genesyscloud_oauth_client.this.id && output.client_id != ""
    error_message = "The client exists and client_id is its id."
  }
  assert {
    condition     = output.vault_path == "secret/tftest/genesys/oauth/tftest-oauth-client-in-vault"
    error_message = "vault_path is <mount>/<vault_path_prefix>/<name>."
  }
  assert {
    condition     = output.vault_version == 1
    error_message = "The first write is version 1 of the entry (KV v2)."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.active_client_id == output.client_id
    error_message = "The entry holds the module's client."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.verified_at != null
    error_message = "The credentials read back from Vault were exchanged for a token (verify)."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.rotate_after != null
    error_message = "A rotation_period schedules the next rotation."
  }
}
