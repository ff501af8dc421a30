# Unit tests: a mocked provider, plans only. No Genesys Cloud, no Vault:
#   terraform test -filter=tests/plan.tftest.hcl
# What the module passes to each resource, and the variables it refuses
# before any API call, each with the module's own message.

mock_provider "genesyscloud" {
  mock_resource "genesyscloud_oauth_client" {
    override_during = plan
    defaults = {
      client_id = "6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10"
    }
  }
}

variables {
  name  = "ci-pipeline"
  owner = "platform-team"
  roles = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
}

run "client_settings" {
  command = plan

  assert {
    condition     = genesyscloud_oauth_client.this.name == "ci-pipeline"
    error_message = "The client is named after var.name."
  }
  assert {
    condition     = genesyscloud_oauth_client.this.authorized_grant_type == "CLIENT-CREDENTIALS"
    error_message = "The client uses the client-credentials grant."
  }
  assert {
    condition     = genesyscloud_oauth_client.this.access_token_validity_seconds == 86400
    error_message = "Tokens last a day by default, as the resource's do."
  }
  assert {
    condition     = genesyscloud_oauth_client.this.description == null
    error_message = "No description unless one is given."
  }
  assert {
    condition = (
      length(genesyscloud_oauth_client.this.roles) == 1 &&
      one(genesyscloud_oauth_client.this.roles).role_id == "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" &&
      one(genesyscloud_oauth_client.this.roles).division_id != "*"
    )
    error_message = "A role without a division is left to the resource (the home division), not granted in all divisions."
  }
}

run "sink_settings" {
  command = plan

  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.client_id == "6b1d4bd6-3a23-4a2e-8c5f-0b2f9c1e7d10"
    error_message = "The sink writes the secret of the module's own client."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.standby_client_id == null
    error_message = "One client: no standby."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.mount == "secret"
    error_message = "The default mount is secret."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.path == "genesys/oauth/ci-pipeline"
    error_message = "The entry is <vault_path_prefix>/<name>."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.rotation_period == "2160h"
    error_message = "The secret is rotated every 90 days by default."
  }
  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.custom_metadata == tomap({ owner = "platform-team" })
    error_message = "The entry's custom metadata records the owner, and nothing else."
  }
}

run "every_input_reaches_its_resource" {
  command = plan

  variables {
    name                          = "reporting-export"
    description                   = "Nightly analytics export"
    access_token_validity_seconds = 300
    vault_mount                   = "team/kv"
    vault_path_prefix             = "apps"
    rotation_period               = "1h30m"
    owner                         = "data-team"
    roles = [
      { role_id = "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90", division_id = "3c4f8a9e-1b2d-4e6f-8a0b-9c1d2e3f4a5b" },
      { role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11", division_id = "*" },
    ]
  }

  assert {
    condition = (
      genesyscloud_oauth_client.this.name == "reporting-export" &&
      genesyscloud_oauth_client.this.description == "Nightly analytics export" &&
      genesyscloud_oauth_client.this.access_token_validity_seconds == 300
    )
    error_message = "name, description and access_token_validity_seconds reach the client."
  }
  assert {
    condition = toset([for r in genesyscloud_oauth_client.this.roles : "${r.role_id}@${r.division_id}"]) == toset([
      "5e0f7a62-3b1d-4c8e-9f21-7d6a0b4c2e90@3c4f8a9e-1b2d-4e6f-8a0b-9c1d2e3f4a5b",
      "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11@*",
    ])
    error_message = "Each role reaches the client in its division."
  }
  assert {
    condition = (
      genesyscloud_oauth_client_vault_secret.this.mount == "team/kv" &&
      genesyscloud_oauth_client_vault_secret.this.path == "apps/reporting-export" &&
      genesyscloud_oauth_client_vault_secret.this.rotation_period == "1h30m" &&
      genesyscloud_oauth_client_vault_secret.this.custom_metadata["owner"] == "data-team"
    )
    error_message = "vault_mount, vault_path_prefix, rotation_period and owner reach the sink."
  }
}

run "null_rotation_period_never_rotates_by_age" {
  command = plan

  variables {
    rotation_period = null
  }

  assert {
    condition     = genesyscloud_oauth_client_vault_secret.this.rotation_period == null
    error_message = "A null rotation_period is passed on as null."
  }
}

# Refused before any API call, each by its own validation.

run "refuses_a_path_prefix_with_a_leading_slash" {
  command = plan
  variables {
    vault_path_prefix = "/genesys/oauth"
  }
  expect_failures = [var.vault_path_prefix]
}

run "refuses_a_path_prefix_with_a_trailing_slash" {
  command = plan
  variables {
    vault_path_prefix = "genesys/oauth/"
  }
  expect_failures = [var.vault_path_prefix]
}

run "refuses_a_path_prefix_with_a_dot_dot_segment" {
  command = plan
  variables {
    vault_path_prefix = "genesys/../oauth"
  }
  expect_failures = [var.vault_path_prefix]
}

run "refuses_a_mount_with_a_leading_slash" {
  command = plan
  variables {
    vault_mount = "/secret"
  }
  expect_failures = [var.vault_mount]
}

run "refuses_a_rotation_period_the_provider_cannot_read" {
  command = plan
  variables {
    rotation_period = "quarterly"
  }
  expect_failures = [var.rotation_period]
}

run "refuses_a_rotation_period_without_a_unit" {
  command = plan
  variables {
    rotation_period = "2160"
  }
  expect_failures = [var.rotation_period]
}

run "refuses_a_rotation_period_under_a_second" {
  command = plan
  variables {
    rotation_period = "500ms"
  }
  expect_failures = [var.rotation_period]
}

run "refuses_a_name_with_a_slash" {
  command = plan
  variables {
    name = "ci/pipeline"
  }
  expect_failures = [var.name]
}

run "refuses_a_blank_name" {
  command = plan
  variables {
    name = "  "
  }
  expect_failures = [var.name]
}

run "refuses_a_blank_role_id" {
  command = plan
  variables {
    roles = [{ role_id = "" }]
  }
  expect_failures = [var.roles]
}

run "refuses_a_token_validity_genesys_refuses" {
  command = plan
  variables {
    access_token_validity_seconds = 60
  }
  expect_failures = [var.access_token_validity_seconds]
}

run "refuses_a_blank_owner" {
  command = plan
  variables {
    owner = ""
  }
  expect_failures = [var.owner]
}
