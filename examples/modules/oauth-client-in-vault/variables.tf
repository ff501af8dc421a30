# Each validation refuses, before any API call, a value the provider or the
# APIs behind it would refuse later (or that would break the module's own
# layout); the provider still checks everything itself.

variable "name" {
  description = "OAuth client name (unique in the org); also the last segment of the Vault path."
  type        = string

  validation {
    condition = (
      trimspace(var.name) != "" && !can(regex("/", var.name)) &&
      !contains([".", ".."], var.name) && !can(regex("\\p{Cc}", var.name))
    )
    error_message = "The name must not be blank, hold a \"/\" or a control character, or be \".\" or \"..\": it is also the last segment of the Vault path."
  }
}

variable "description" {
  description = "What the client is for."
  type        = string
  default     = null
}

variable "roles" {
  description = "Roles granted to the client, each in a division (\"*\" for all; left out, the organization's home division, as the resource does)."
  type = list(object({
    role_id     = string
    division_id = optional(string)
  }))

  validation {
    condition = alltrue([
      for r in var.roles : trimspace(r.role_id) != "" && try(trimspace(r.division_id) != "", r.division_id == null)
    ])
    error_message = "Every role needs a non-blank role_id, and a division_id that is left out (the home division) or not blank (\"*\" for all divisions)."
  }
}

variable "access_token_validity_seconds" {
  description = "Lifetime of the tokens the client obtains, 300 to 38880000 seconds."
  type        = number
  default     = 86400

  validation {
    condition = (
      var.access_token_validity_seconds >= 300 &&
      var.access_token_validity_seconds <= 38880000 &&
      floor(var.access_token_validity_seconds) == var.access_token_validity_seconds
    )
    error_message = "The access_token_validity_seconds must be a whole number from 300 to 38880000, as Genesys Cloud accepts."
  }
}

variable "vault_mount" {
  description = "KV mount (v1 or v2) the secret is written to."
  type        = string
  default     = "secret"

  validation {
    condition = (
      var.vault_mount != "" && !startswith(var.vault_mount, "/") && !endswith(var.vault_mount, "/") &&
      alltrue([for s in split("/", var.vault_mount) : !contains(["", ".", ".."], s)]) &&
      !can(regex("\\p{Cc}", var.vault_mount))
    )
    error_message = "The vault_mount must be a mount name such as \"secret\": not empty, no leading or trailing \"/\", no empty, \".\" or \"..\" segments, no control characters."
  }
}

variable "vault_path_prefix" {
  description = "Path under the mount; the entry is <prefix>/<name>."
  type        = string
  default     = "genesys/oauth"

  validation {
    condition = (
      var.vault_path_prefix != "" && !startswith(var.vault_path_prefix, "/") && !endswith(var.vault_path_prefix, "/") &&
      alltrue([for s in split("/", var.vault_path_prefix) : !contains(["", ".", ".."], s)]) &&
      !can(regex("\\p{Cc}", var.vault_path_prefix))
    )
    error_message = "The vault_path_prefix must be a path inside the mount such as \"genesys/oauth\": not empty, no leading or trailing \"/\", no empty, \".\" or \"..\" segments, no control characters."
  }
}

variable "rotation_period" {
  description = "Regenerate the secret when it is older than this (e.g. 2160h, 90d, 1h30m); null never rotates by age."
  type        = string
  default     = "2160h"

  # The provider's grammar (humantime): numbers, each with a unit, adding up
  # to at least one second. Summed in nanoseconds; the half is float slack.
  validation {
    condition = var.rotation_period == null || try(
      length(regexall("^\\s*(?:[0-9]+(?:\\.[0-9]+)?\\s*[a-zA-Zµ]+\\s*)+$", var.rotation_period)) == 1 &&
      sum([
        for t in regexall("([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Zµ]+)", var.rotation_period) :
        tonumber(t[0]) * {
          nanos   = 1, nsec = 1, ns = 1,
          usec    = 1e3, us = 1e3, "µs" = 1e3,
          millis  = 1e6, msec = 1e6, ms = 1e6,
          seconds = 1e9, second = 1e9, secs = 1e9, sec = 1e9, s = 1e9,
          minutes = 6e10, minute = 6e10, mins = 6e10, min = 6e10, m = 6e10,
          hours   = 3.6e12, hour = 3.6e12, hrs = 3.6e12, hr = 3.6e12, h = 3.6e12,
          days    = 8.64e13, day = 8.64e13, d = 8.64e13,
          weeks   = 6.048e14, week = 6.048e14, wks = 6.048e14, wk = 6.048e14, w = 6.048e14,
          months  = 2.630016e15, month = 2.630016e15, M = 2.630016e15,
          years   = 3.15576e16, year = 3.15576e16, yrs = 3.15576e16, yr = 3.15576e16, y = 3.15576e16,
        }[t[1]]
      ]) >= 999999999.5,
      false
    )
    error_message = "The rotation_period must be a duration of at least one second such as \"2160h\", \"90d\" or \"1h30m\" (units ns, us, ms, s, m, h, d, w, M for months, y), or null to never rotate by age."
  }
}

variable "owner" {
  description = "Team recorded in the Vault entry's custom metadata (key owner)."
  type        = string

  validation {
    condition     = trimspace(var.owner) != "" && length(var.owner) <= 512
    error_message = "The owner must not be blank and must fit Vault's custom metadata values (512 bytes)."
  }
}
