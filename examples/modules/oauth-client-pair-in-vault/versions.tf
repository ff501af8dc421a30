terraform {
  # optional() object attributes with defaults, startswith/endswith.
  required_version = ">= 1.3.0"

  required_providers {
    genesyscloud = {
      source  = "genesys-vault/genesyscloud"
      version = ">= 0.1.0"
    }
  }
}
