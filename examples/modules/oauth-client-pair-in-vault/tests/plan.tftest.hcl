# Unit tests: a mocked provider, plans only. No Genesys Cloud, no Vault:
#   terraform test -filter=tests/plan.tftest.hcl
# What the module passes to each resource, and the variables it refuses
# before any API call, each with the module's own message.

mock_provider "genesyscloud" {}

override_resource {
  target          = genesyscloud_oauth_client.this["blue"]
  override_during = plan
  values = {
    client_id = "11111111-1111-4111-8111-111111111111"
  }
}

override_resource {
  target          = genesyscloud_oauth_client.this["green"]
  override_during = plan
  values = {
    client_id = "22222222-2222-4222-8222-222222222222"
  }
}

variables {
  name  = "ci-pipeline"
  owner = "platform-team"
  roles = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
}

run "two_equivalent_clients" {
  command = plan

  assert {
    condition     = toset(keys(genesyscloud_oauth_client.this)) == toset(["blue", "green"])
    error_message = "The pair is a blue and a green client."
  }
  assert {
    condition = (
      genesyscloud_oauth_client.this["blue"].name == "ci-pipeline-blue" &&
      genesyscloud_oauth_client.this["green"].name == "ci-pipeline-green"
    )
    error_message = "The clients are named <name>-blue and <name>-green."
  }
  assert {
    condition = alltrue([
      for c in genesyscloud_oauth_client.this :
      c.authorized_grant_type == "CLIENT-CREDENTIALS" && c.access_token_validity_seconds == 86400 &&
      c.description == null && length(c.roles) == 1 &&
      one(c.roles).role_id == "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" && one(c.roles).division_id != "*"
    ])
    error_message = "Both clients are client-credentials clients with the same roles (the home division unless one is given, as the resource does) and token lifetime (a day by default)."
  }
}

run "one_sink_for_the_pair" {
  command = plan

  assert {
    condition = (
      genesyscloud_oauth_client_vault_secret.this.client_id == "11111111-1111-4111-8111-111111111111" &&
      genesyscloud_oauth_client_vault_secret.this.standby_client_id == "22222222-2222-4222-8222-222222222222"
    )
    error_message = "Blue is the sink's client_id, green its standby_client_id."
  }
  assert {
    condition = (
      genesyscloud_oauth_client_vault_secret.this.mount == "secret" &&
      genesyscloud_oauth_client_vault_secret.this.path == "genesys/oauth/ci-pipeline"
    )
    error_message = "The entry is secret/genesys/oauth/<name> by default."
  }
  assert {
    condition = (
      genesyscloud_oauth_client_vault_secret.this.rotation_period == "2160h" &&
      length(genesyscloud_oauth_client_vault_secret.this.rotation_triggers) == 0
    )
    error_message = "90 days between rotations by default, and no triggers."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.custom_metadata == tomap({ owner = "platform-team" })
    error_message = "The entry's custom metadata records the owner, and nothing else."
  }
}

run "every_input_reaches_its_resource" {
  command = plan

  variables {
    name                          = "billing"
    client_names                  = { blue = "billing-a", green = "billing-b" }
    description                   = "Invoices export"
    access_token_validity_seconds = 7200
    vault_mount                   = "kv"
    vault_path_prefix             = "apps/genesys"
    rotation_period               = "30d"
    rotation_triggers             = { rotation = "2" }
    owner                         = "finance"
    roles                         = [{ role_id = "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90", division_id = "3c4f8a9e-1b2d-4e6f-8a0b-9c1d2e3f4a5b" }]
  }

  assert {
    condition = (
      genesyscloud_oauth_client.this["blue"].name == "billing-a" &&
      genesyscloud_oauth_client.this["green"].name == "billing-b"
    )
    error_message = "client_names replace <name>-blue and <name>-green."
  }
  assert {
    condition = alltrue([
      for c in genesyscloud_oauth_client.this :
      c.description == "Invoices export" && c.access_token_validity_seconds == 7200 &&
      one(c.roles).role_id == "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90" &&
      one(c.roles).division_id == "3c4f8a9e-1b2d-4e6f-8a0b-9c1d2e3f4a5b"
    ])
    error_message = "description, access_token_validity_seconds and roles reach both clients."
  }
  assert {
    condition = (
      genesyscloud_oauth_client_vault_secret.this.mount == "kv" &&
      genesyscloud_oauth_client_vault_secret.this.path == "apps/genesys/billing" &&
      genesyscloud_oauth_client_vault_secret.this.rotation_period == "30d" &&
      genesyscloud_oauth_client_vault_secret.this.rotation_triggers == tomap({ rotation = "2" }) &&
      genesyscloud_oauth_client_vault_secret.this.custom_metadata["owner"] == "finance"
    )
    error_message = "vault_mount, vault_path_prefix, rotation_period, rotation_triggers and owner reach the sink."
  }
}

# Refused before any API call, each by its own validation.

run "refuses_two_clients_with_the_same_name" {
  command = plan
  variables {
    client_names = { blue = "ci", green = "ci" }
  }
  expect_failures = [var.client_names]
}

run "refuses_a_blank_client_name" {
  command = plan
  variables {
    client_names = { blue = "ci-a", green = " " }
  }
  expect_failures = [var.client_names]
}

run "refuses_a_path_prefix_with_a_leading_slash" {
  command = plan
  variables {
    vault_path_prefix = "/genesys/oauth"
  }
  expect_failures = [var.vault_path_prefix]
}

run "refuses_a_path_prefix_with_an_empty_segment" {
  command = plan
  variables {
    vault_path_prefix = "genesys//oauth"
  }
  expect_failures = [var.vault_path_prefix]
}

run "refuses_a_mount_with_a_trailing_slash" {
  command = plan
  variables {
    vault_mount = "secret/"
  }
  expect_failures = [var.vault_mount]
}

run "refuses_a_rotation_period_the_provider_cannot_read" {
  command = plan
  variables {
    rotation_period = "90 dias"
  }
  expect_failures = [var.rotation_period]
}

run "refuses_a_zero_rotation_period" {
  command = plan
  variables {
    rotation_period = "0h"
  }
  expect_failures = [var.rotation_period]
}

run "refuses_a_name_with_a_slash" {
  command = plan
  variables {
    name = "team/ci"
  }
  expect_failures = [var.name]
}

run "refuses_a_blank_division" {
  command = plan
  variables {
    roles = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11", division_id = "" }]
  }
  expect_failures = [var.roles]
}

run "refuses_a_fractional_token_validity" {
  command = plan
  variables {
    access_token_validity_seconds = 3600.5
  }
  expect_failures = [var.access_token_validity_seconds]
}

run "refuses_an_owner_beyond_vaults_limit" {
  command = plan
  variables {
    owner = join("", [for i in range(513) : "x"])
  }
  expect_failures = [var.owner]
}
