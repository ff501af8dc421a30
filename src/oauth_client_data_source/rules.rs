//! Rules of `data "genesyscloud_oauth_client"`: its schema table
//! ([`data_source_block`]: every attribute but `name` read from Genesys
//! Cloud) and what it reports of a client ([`as_found`]: the answer alone,
//! over the resource's plain [`ClientFields`]).

use crate::genesys::OAuthClient;
use crate::oauth_client::roles::answered_roles;
use crate::oauth_client::rules::{
    answered_grant_types_markdown, client_states_markdown, ClientFields, ROLE_FIELDS,
};
use crate::schema::Kind::{Number, ObjectSet, Str, StringSet};
use crate::schema::Presence::{Computed, Required};
use crate::schema::{Block, Entry};

/// A client as the data source reports it: the answer alone, a blank
/// grant type as none, lists left out as empty ones.
pub fn as_found(c: &OAuthClient) -> ClientFields {
    let set = |list: &Option<Vec<String>>| Some(list.iter().flatten().cloned().collect());
    ClientFields {
        id: Some(c.id.clone()),
        name: Some(c.name.clone()),
        description: c.description.clone(),
        access_token_validity_seconds: c.access_token_validity_seconds,
        registered_redirect_uris: set(&c.registered_redirect_uri),
        authorized_grant_type: Some(c.authorized_grant_type.clone()).filter(|g| !g.is_empty()),
        scopes: set(&c.scope),
        roles: Some(answered_roles(c)),
        state: c.state.clone(),
        client_id: Some(c.id.clone()),
        ..Default::default()
    }
}

/// The data source's schema: every attribute but `name` is read from
/// Genesys Cloud.
pub fn data_source_block() -> Block {
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
    use std::collections::BTreeSet;

    use super::*;
    use crate::oauth_client::roles::RoleRef;
    use crate::oauth_client::rules::CLIENT_STATES;

    #[test]
    fn the_table_is_well_formed() {
        crate::schema::assert_well_formed("data oauth_client", &data_source_block());
    }

    #[test]
    fn the_data_source_reports_the_answer_alone() {
        let bare: OAuthClient = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "n", "authorizedGrantType": ""
        }))
        .expect("valid");
        let found = as_found(&bare);
        assert_eq!(
            (found.id.as_deref(), found.client_id.as_deref()),
            (Some("c1"), Some("c1"))
        );
        assert_eq!(found.authorized_grant_type, None, "a blank grant is none");
        assert_eq!(
            found.scopes,
            Some(BTreeSet::new()),
            "a list left out is empty"
        );
        assert_eq!(found.roles, Some(vec![]));
        assert_eq!((found.description, found.state), (None, None));
        let full: OAuthClient = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "n", "authorizedGrantType": "CLIENT-CREDENTIALS",
            "scope": ["a"], "state": "active",
            "roleDivisions": [{"roleId": "r1"}]
        }))
        .expect("valid");
        let found = as_found(&full);
        assert_eq!(found.scopes, Some(["a".to_string()].into()));
        assert_eq!(
            found.authorized_grant_type.as_deref(),
            Some("CLIENT-CREDENTIALS")
        );
        assert_eq!(found.state.as_deref(), Some("active"));
        let role = RoleRef {
            role_id: "r1".into(),
            division_id: None,
        };
        assert_eq!(found.roles, Some(vec![role]));
    }

    #[test]
    fn only_the_name_is_configured_and_states_are_listed() {
        let b = data_source_block();
        for e in &b.attributes {
            assert_eq!(e.presence == Required, e.name == "name", "{}", e.name);
        }
        let state = b.entry("state").map(Entry::description).unwrap_or_default();
        for s in CLIENT_STATES {
            assert!(state.contains(&format!("`{s}`")), "{s}");
        }
    }
}
