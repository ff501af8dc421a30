# Integration test: real applies, then destroy, against Genesys Cloud (or
# the emulator in this repository) and Vault (or OpenBao). The provider is
# configured from the environment only: GENESYSCLOUD_REGION or
# GENESYS_BASE_URL, GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, VAULT_ADDR and
# VAULT_TOKEN (KV v2 at secret/). The repository's end-to-end tests run it
# against the emulator and an OpenBao dev server (tests/e2e/modules.rs).

provider "genesyscloud" {
  vault {}
}

variables {
  name              = "tftest-oauth-client-pair-in-vault"
  owner             = "terraform-test"
  vault_path_prefix = "tftest/genesys/oauth"
  roles             = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
  rotation_triggers = { rotation = "1" }
}

run "creates_the_pair_and_writes_blue" {
  command = apply

  assert {
    condition     = length(output.client_ids) == 2 && output.client_ids[0] != output.client_ids[1]
    error_message = "Two distinct clients."
  }
  assert {
    condition     = output.active_client_id == output.client_ids[0]
    error_message = "Creating the entry writes blue (client_id) first."
  }
  assert {
    condition     = output.vault_path == "secret/tftest/genesys/oauth/tftest-oauth-client-pair-in-vault"
    error_message = "vault_path is <mount>/<vault_path_prefix>/<name>."
  }
  assert {
    condition     = output.vault_version == 1 && genesyscloud_oauth_client_vault_secret.this.verified_at != null
    error_message = "Version 1 of the entry was written and its credentials verified."
  }
}

run "a_trigger_rotates_to_green" {
  command = apply

  variables {
    rotation_triggers = { rotation = "2" }
  }

  assert {
    condition     = output.client_ids == run.creates_the_pair_and_writes_blue.client_ids
    error_message = "A rotation keeps both clients."
  }
  assert {
    condition     = output.active_client_id == output.client_ids[1]
    error_message = "The rotation regenerates and writes green, leaving blue's secret working."
  }
  assert {
    condition     = output.vault_version == 2
    error_message = "The rotation writes version 2."
  }
}
