//! `data "genesyscloud_oauth_client"`: every attribute but `name` is read
//! from Genesys Cloud. The grant types and states are listed from
//! `plan::oauth_client`.

use super::Block;
use super::Entry;
use super::Kind::{Number, ObjectSet, Str, StringSet};
use super::Presence::{Computed, Required};
use crate::plan::oauth_client::{answered_grant_types_markdown, client_states_markdown};

/// The fields of each of `roles`.
pub const ROLE_FIELDS: &[&str] = &["role_id", "division_id"];

/// The data source.
pub fn block() -> Block {
    Block::new(
        "Looks up an existing Genesys Cloud OAuth client by name. Never exposes its secret.",
        vec![
            Entry::new("name", Str, Required, "Exact name of the client. Exactly one client (not being deleted) must have it."),
            Entry::new("id", Str, Computed, "The OAuth client id."),
            Entry::new("client_id", Str, Computed, "The OAuth client id (same as `id`)."),
            Entry::new("description", Str, Computed, "The client's description, as written in Genesys Cloud."),
            Entry::new("authorized_grant_type", Str, Computed, format!("OAuth grant the client uses: {}.", answered_grant_types_markdown())),
            Entry::new("access_token_validity_seconds", Number, Computed, "Token lifetime in seconds."),
            Entry::new("registered_redirect_uris", StringSet, Computed, "Redirect URIs registered for the code and token (implicit) grants."),
            Entry::new("scopes", StringSet, Computed, "OAuth scopes granted to clients that act for a user (every grant but client credentials)."),
            Entry::new("roles", ObjectSet(ROLE_FIELDS), Computed, "Roles of a client-credentials client, each with the division it applies in (`*` for all)."),
            Entry::new("state", Str, Computed, format!("{}; only an active client gets new tokens.", client_states_markdown())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::oauth_client::CLIENT_STATES;

    #[test]
    fn only_the_name_is_configured_and_states_are_listed() {
        let b = block();
        for e in &b.attributes {
            assert_eq!(e.presence == Required, e.name == "name", "{}", e.name);
        }
        let state = b.entry("state").map(Entry::description).unwrap_or_default();
        for s in CLIENT_STATES {
            assert!(state.contains(&format!("`{s}`")), "{s}");
        }
    }
}
