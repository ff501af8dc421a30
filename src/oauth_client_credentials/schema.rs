//! The ephemeral resource's schema table and the defaults its rules use:
//! the key names are the sink's (`crate::config::genesys`), so an entry a
//! sink wrote with its defaults is read with these.

use crate::config::genesys_input::{DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY};
use crate::schema::Kind::{Bool, Number, Str};
use crate::schema::Presence::{Computed, OptionalComputed, Required};
use crate::schema::{Block, Entry};

/// `verify` when not set: a secret that does not work is found at open.
pub const DEFAULT_VERIFY: bool = true;
/// `access_token` when not set: no token is obtained.
pub const DEFAULT_ACCESS_TOKEN: bool = false;

/// The schema of `ephemeral "genesyscloud_oauth_client_credentials"`.
pub fn ephemeral_block() -> Block {
    Block::new(
        "Reads the credentials of a Genesys Cloud OAuth client that a `genesyscloud_oauth_client_vault_secret` keeps in Vault, for use inside the same Terraform run: to configure another provider (the official Genesys Cloud provider, or an alias of this one) or a write-only argument. An ephemeral resource is never stored in the plan or the state. For a sink with a `standby_client_id`, the answer is the member of the pair the entry holds: the one in use. See the guide \"Configuring other providers with a rotated client\".",
        vec![
            Entry::new("mount", Str, Required, "KV mount of the entry (v1 or v2): the sink's `mount`."),
            Entry::new("path", Str, Required, "Path of the entry inside the mount: the sink's `path`."),
            Entry::new("client_id_key", Str, OptionalComputed, "Key of the client id in the entry: the sink's `client_id_key`. Empty: the entry holds no id, and the client is the one its custom metadata records (`genesys-active-client-id`; KV v2 only).")
                .default(DEFAULT_CLIENT_ID_KEY),
            Entry::new("client_secret_key", Str, OptionalComputed, "Key of the client secret in the entry: the sink's `client_secret_key`.")
                .default(DEFAULT_CLIENT_SECRET_KEY),
            Entry::new("version", Number, OptionalComputed, "The KV v2 version read; the latest when not set (or 0, as on KV v1). Set it to the sink's `vault_version`: when the same apply writes the entry (the sink is created, or rotates), that value is unknown at plan, so Terraform opens this resource during the apply, after the write, and reads what was written."),
            Entry::new("verify", Bool, OptionalComputed, "Exchange the credentials once at the token endpoint when opening, and fail, naming the client and the entry, if Genesys Cloud refuses them (a secret reset outside Terraform shows here, not as another provider's failed login). A refusal within the provider's `consistency_timeout_seconds` after the entry was written is retried until that window has passed, as a new secret takes a moment to be accepted everywhere.")
                .default(DEFAULT_VERIFY),
            Entry::new("access_token", Bool, OptionalComputed, "Also answer an access token of the client (`bearer_token`, from the same exchange as `verify`), revoked when Terraform closes this resource, at the end of the run's use of it.")
                .default(DEFAULT_ACCESS_TOKEN),
            Entry::new("client_id", Str, Computed, "The OAuth client id the entry holds."),
            Entry::new("client_secret", Str, Computed, "The client secret the entry holds.")
                .sensitive(),
            Entry::new("created_time", Str, Computed, "When the version read was written (RFC 3339, as Vault records it); null on KV v1."),
            Entry::new("bearer_token", Str, Computed, "With `access_token`: an access token of the client (client credentials grant); null otherwise.")
                .sensitive(),
            Entry::new("bearer_token_expires_at", Str, Computed, "With `access_token`: when `bearer_token` expires (RFC 3339); null otherwise."),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DefaultValue;

    #[test]
    fn the_table_is_well_formed() {
        crate::schema::assert_well_formed("oauth_client_credentials", &ephemeral_block());
    }

    #[test]
    fn the_key_names_default_to_the_sinks() {
        let sink = crate::vault_secret::fields::resource_block();
        let ours = ephemeral_block();
        for key in ["client_id_key", "client_secret_key"] {
            let default = |b: &Block| {
                b.attributes
                    .iter()
                    .find(|e| e.name == key)
                    .and_then(|e| e.default.clone())
            };
            assert_eq!(default(&ours), default(&sink), "{key}");
        }
        let verify = ours.attributes.iter().find(|e| e.name == "verify");
        assert_eq!(
            verify.and_then(|e| e.default.clone()),
            Some(DefaultValue::Bool(DEFAULT_VERIFY))
        );
    }

    #[test]
    fn the_secrets_are_sensitive() {
        let sensitive: Vec<_> = ephemeral_block()
            .attributes
            .iter()
            .filter(|e| e.sensitive)
            .map(|e| e.name)
            .collect();
        assert_eq!(sensitive, ["client_secret", "bearer_token"]);
    }
}
