//! `genesyscloud_oauth_client_vault_secret`, the sink: its attributes with
//! their replace and default rules. The defaults of `verify`,
//! `verify_on_read` and `on_destroy` are the constants of `plan::sink`; the
//! default key names are declared here (the id and secret key's shared with
//! `oauthclient_from_vault`, which reads what a sink writes) and reach the
//! key-name check through this table.

use super::Kind::{Bool, Number, Str, StringMap};
use super::Presence::{Computed, Optional, OptionalComputed, Required};
use super::{Block, Entry};
use crate::config::genesys::{DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY};
use crate::plan::sink::{OnDestroy, DEFAULT_VERIFY, DEFAULT_VERIFY_ON_READ};

/// The key of the API base URL when `base_url_key` is not set.
pub const DEFAULT_BASE_URL_KEY: &str = "base_url";
/// The key of the token endpoint URL when `token_url_key` is not set.
pub const DEFAULT_TOKEN_URL_KEY: &str = "token_url";

/// The resource.
pub fn block() -> Block {
    Block::new(
        "Obtains a Genesys Cloud OAuth client's secret at the only moment Genesys returns it (regenerating it), writes it to HashiCorp Vault KV, and keeps only a salted hash and the Vault version in state.",
        attributes(),
    )
}

fn attributes() -> Vec<Entry> {
    vec![
        Entry::new("id", Str, Computed, "Where the secret is kept, `<mount>/<path>`, e.g. `secret/genesys/oauth/ci`."),
        Entry::new("client_id", Str, Required, "Id of the OAuth client whose secret is kept. Changing it replaces the sink, except when it is swapped with `standby_client_id` (the same two clients: nothing is regenerated).")
            .replaces(),
        Entry::new("standby_client_id", Str, Optional, "Id of a second OAuth client, equivalent to `client_id` (the same roles in the same divisions), for rotation without downtime: every rotation (create, `rotation_period`, `rotation_triggers`, a drift repair) regenerates the one of the two whose credentials are not in Vault and writes its id and new secret, leaving the other alone, so credentials read before a rotation keep working until the rotation after it. Both must be `CLIENT-CREDENTIALS` clients, and `client_id_key` must not be empty. Changing or removing it rotates nothing while `client_id` is active (the next rotation writes the new standby); when the standby is the active client, the plan rotates to `client_id` and leaves the old standby's secret alone. See the guide \"Rotating without downtime\"."),
        Entry::new("mount", Str, Required, "KV mount (v1 or v2), e.g. `secret`.")
            .replaces(),
        Entry::new("path", Str, Required, "Path inside the mount, e.g. `genesys/oauth/ci`. No leading or trailing `/`, no empty, `.` or `..` segments.")
            .replaces(),
        Entry::new("client_id_key", Str, OptionalComputed, "Key of the client id in the entry; empty leaves it out (not with a `standby_client_id`).")
            .default(DEFAULT_CLIENT_ID_KEY),
        Entry::new("client_secret_key", Str, OptionalComputed, "Key of the client secret in the entry.")
            .default(DEFAULT_CLIENT_SECRET_KEY),
        Entry::new("base_url_key", Str, OptionalComputed, "Key of the API base URL; empty leaves it out.")
            .default(DEFAULT_BASE_URL_KEY),
        Entry::new("token_url_key", Str, OptionalComputed, "Key of the token endpoint URL; empty leaves it out.")
            .default(DEFAULT_TOKEN_URL_KEY),
        Entry::new("extra", StringMap, Optional, "Non-secret values written beside the credentials."),
        Entry::new("custom_metadata", StringMap, Optional, "KV v2 custom metadata added to the entry (the provider adds `managed-by`, `genesys-client-id` (the sink's `client_id`), `genesys-active-client-id`, `genesys-integration-credential-id` (the credential the sink keeps current, if any) and, in Terraform Cloud runs, the workspace and run id)."),
        Entry::new("rotation_period", Str, Optional, "Rotate when this long has passed since the last rotation, e.g. `2160h` or `90d`. The rotation happens at the first apply after `rotate_after`."),
        Entry::new("rotation_triggers", StringMap, Optional, "Arbitrary values; any change rotates the secret (like the random provider's `keepers`)."),
        Entry::new("verify", Bool, OptionalComputed, "After writing, exchange the new credentials at the token endpoint and fail if they do not work (needs a `CLIENT-CREDENTIALS` client). With a `standby_client_id`, the new secret is also exchanged before it is written (a refused one is not written), and when the credentials read back after the write are refused, the other client's, which the entry held before, are written back.")
            .default(DEFAULT_VERIFY),
        Entry::new("verify_on_read", Bool, OptionalComputed, "On every refresh, exchange the credentials stored in Vault; a rejection means the secret was reset outside Terraform, and the plan repairs it.")
            .default(DEFAULT_VERIFY_ON_READ),
        Entry::new("on_destroy", Str, OptionalComputed, "`delete_all` (every version and the metadata), `soft_delete` (latest version, recoverable) or `retain`. An entry someone else has since taken over is never deleted.")
            .default(OnDestroy::DEFAULT.name()),
        Entry::new("integration_credential_id", Str, OptionalComputed, "Id of a `pureCloudOAuthClient` integration credential (what data actions authenticate with) to keep current, e.g. `genesyscloud_oauth_client.x.integration_credential_id`. Every regenerate writes the new secret into it (keeping its name) right after the Vault write, while the entry is read back and verified. A credential that cannot be read stops the rotation before the regenerate. When writing it fails, the apply says so and the next plan writes the secret held in Vault into it, without regenerating; a credential newly set here gets the secret from Vault the same way. One deleted outside Terraform is made again under its name by a rotation that the plan schedules. The entry's custom metadata names it (`genesys-integration-credential-id`): when state loses it (a release from before credentials drops it on refresh) while the configured value is null, the refresh takes it back from that record, the sink keeps it current, and destroying the OAuth client with the sink deletes it. The secret never reaches state, plan or logs."),
        Entry::new("active_client_id", Str, Computed, "The OAuth client whose credentials the entry holds: `client_id` without a `standby_client_id`, else whichever of the two the last rotation wrote. Also recorded in the entry's custom metadata as `genesys-active-client-id`."),
        Entry::new("vault_version", Number, Computed, "KV v2 version holding the current secret (0 on KV v1)."),
        Entry::new("secret_hash", Str, Computed, "`sha256:<hex>` of the secret, salted with the active client's id and domain-separated. Null after import until the next rotation."),
        Entry::new("rotated_at", Str, Computed, "When the secret was last regenerated (RFC 3339); after an import, when the entry's current version was written (KV v2; null on KV v1)."),
        Entry::new("rotate_after", Str, Computed, "`rotated_at + rotation_period`: the first apply after this rotates."),
        Entry::new("verified_at", Str, Computed, "When the current secret was seen to work at the token endpoint. Null once a refresh finds that it cannot work: the OAuth client is gone, or (`verify_on_read`) the token endpoint rejects it."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DefaultValue;

    #[test]
    fn the_table_is_well_formed() {
        crate::schema::assert_well_formed("sink", &block());
    }

    #[test]
    fn the_defaults_are_the_ones_the_rules_use() {
        let b = block();
        let default = |name: &str| b.entry(name).and_then(|e| e.default.clone());
        assert_eq!(default("verify"), Some(DefaultValue::Bool(DEFAULT_VERIFY)));
        assert_eq!(
            default("verify_on_read"),
            Some(DefaultValue::Bool(DEFAULT_VERIFY_ON_READ))
        );
        assert_eq!(
            default("on_destroy"),
            Some(DefaultValue::Text(OnDestroy::DEFAULT.name().to_string()))
        );
        let on_destroy = b
            .entry("on_destroy")
            .map(Entry::description)
            .unwrap_or_default();
        for name in OnDestroy::NAMES {
            assert!(on_destroy.contains(&format!("`{name}`")), "{name}");
        }
    }

    #[test]
    fn only_where_the_entry_is_replaces_the_sink() {
        let replacing: Vec<&str> = block()
            .attributes
            .iter()
            .filter(|e| e.replaces)
            .map(|e| e.name)
            .collect();
        assert_eq!(replacing, ["client_id", "mount", "path"]);
    }
}
