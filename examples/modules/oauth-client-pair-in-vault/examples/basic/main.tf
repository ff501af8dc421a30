# A pair of OAuth clients for a CI pipeline (ci-pipeline-blue and
# ci-pipeline-green), rotated without downtime; the entry is
# secret/genesys/oauth/ci-pipeline. Changing var.rotation rotates once, to
# the client that is not in Vault. Provider settings come from the
# environment: GENESYSCLOUD_REGION (or GENESYS_BASE_URL),
# GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, VAULT_ADDR and VAULT_TOKEN.
terraform {
  required_providers {
    genesyscloud = {
      source = "genesys-vault/genesyscloud"
    }
  }
}

provider "genesyscloud" {
  vault {}
}

variable "rotation" {
  description = "Change it to rotate the pair once."
  type        = string
  default     = "1"
}

module "ci" {
  source = "../.."

  name              = "ci-pipeline"
  description       = "Deploys flows from CI"
  owner             = "platform-team"
  roles             = [{ role_id = "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11" }]
  rotation_period   = "720h"
  rotation_triggers = { rotation = var.rotation }
}

output "active_client_id" {
  value = module.ci.active_client_id
}

output "vault_path" {
  value = module.ci.vault_path
}
