//! `genesyscloud_oauth_client`: its attributes and the `roles` block. The
//! token-validity range and default, the grant types and the default state
//! are the constants of `plan::oauth_client`, which the checks use.

use super::Kind::{Number, Str, StringSet};
use super::Nesting;
use super::Presence::{Computed, Optional, OptionalComputed, Required};
use super::{Block, Entry};
use crate::plan::oauth_client::{
    grant_types_markdown, validity_sentence, DEFAULT_STATE, DEFAULT_VALIDITY,
};

/// The resource.
pub fn block() -> Block {
    Block::new(
        "A Genesys Cloud OAuth client. The client secret Genesys returns at creation goes only into the integration credential named by `integration_credential_name`, if any, and is then discarded: use `genesyscloud_oauth_client_vault_secret` to obtain a secret and keep it in Vault.",
        attributes(),
    )
    .nest("roles", Nesting::Set, roles())
}

fn attributes() -> Vec<Entry> {
    vec![
        Entry::new("id", Str, Computed, "The OAuth client id."),
        Entry::new("name", Str, Required, "Client name (Genesys Cloud allows duplicates)."),
        Entry::new("description", Str, Optional, "Free-text description."),
        Entry::new("access_token_validity_seconds", Number, OptionalComputed, format!("Lifetime of the tokens the client obtains, {}.", validity_sentence()))
            .default(DEFAULT_VALIDITY),
        Entry::new("registered_redirect_uris", StringSet, Optional, "Redirect URIs (code and token grants)."),
        Entry::new("authorized_grant_type", Str, Required, format!("One of {}.", grant_types_markdown())),
        Entry::new("scopes", StringSet, Optional, "Scopes (grants other than `CLIENT-CREDENTIALS`)."),
        Entry::new("state", Str, OptionalComputed, "`active`, `inactive` (no new tokens; those already issued run out) or `disabled` (the tokens already issued stop working too).")
            .default(DEFAULT_STATE),
        Entry::new("client_id", Str, Computed, "The OAuth client id, as a consumer uses it (same as `id`)."),
        Entry::new("date_created", Str, Computed, "Creation time (ISO-8601)."),
        Entry::new("integration_credential_name", Str, Optional, "Name of an integration credential (type `pureCloudOAuthClient`, what data actions authenticate with) to make holding this client's id and secret. It is made when the client is created, from the secret of the create answer, which never reaches state. Removing the name deletes the credential. An existing credential cannot be renamed here, since Genesys Cloud needs the secret to rename it: rename it in Genesys Cloud and set the new name, or replace the client with `terraform taint` (a new client and credential are made). To keep the credential current when the secret is regenerated later, set `integration_credential_id` on the client's `genesyscloud_oauth_client_vault_secret` to this resource's `integration_credential_id`: every rotation then writes the new secret into it (a sink that does not is warned about at plan)."),
        Entry::new("integration_credential_id", Str, Computed, "Id of the integration credential named by `integration_credential_name`: the one made at create, or named at import as `<client id>:<credential id>`; null when there is none (the client was adopted after a lost create answer, or imported without it). A credential is never taken for this client's by its name, since Genesys Cloud does not say whose id and secret a credential holds: one deleted outside Terraform keeps its id here, with a warning (the client's sink makes a new one and keeps it current), and destroy deletes only this id."),
    ]
}

/// One `roles` block.
fn roles() -> Block {
    Block::new(
        "A role granted to a client-credentials client, in one division.",
        vec![
            Entry::new("role_id", Str, Required, "Id of a Genesys Cloud authorization role (Admin > Roles, or `GET /api/v2/authorization/roles`). The provider's own admin client must be allowed to grant it."),
            Entry::new("division_id", Str, OptionalComputed, "Division id; `*` means all divisions. When left out, the provider grants the role in the organization's home division (looked up once per run) and records its id."),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::oauth_client::{CLIENT_STATES, GRANT_TYPES, VALIDITY_RANGE};
    use crate::schema::DefaultValue;

    #[test]
    fn the_texts_name_what_the_checks_use() {
        let b = block();
        let text = |name: &str| b.entry(name).map(Entry::description).unwrap_or_default();
        let validity = text("access_token_validity_seconds");
        assert!(validity.contains(&VALIDITY_RANGE.start().to_string()));
        assert!(validity.contains(&VALIDITY_RANGE.end().to_string()));
        assert!(validity.ends_with(&format!("Default: `{DEFAULT_VALIDITY}`.")));
        for g in GRANT_TYPES {
            assert!(
                text("authorized_grant_type").contains(&format!("`{g}`")),
                "{g}"
            );
        }
        for s in CLIENT_STATES {
            assert!(text("state").contains(&format!("`{s}`")), "{s}");
        }
        assert_eq!(
            b.entry("state").and_then(|e| e.default.clone()),
            Some(DefaultValue::Text(DEFAULT_STATE.to_string()))
        );
    }
}
