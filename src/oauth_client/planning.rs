//! `genesyscloud_oauth_client` at plan, beyond the defaults of the attribute
//! table: its roles, its integration credential's id, and what the sinks
//! planned in the same process learn of it. What it keeps true:
//!
//! - a credential name is claimed by one client per process
//!   (`crate::process_records::integration_credentials`): a second client naming it
//!   is refused on `integration_credential_name`;
//! - an existing credential is never renamed, a removed name plans its
//!   delete, and a name with no credential behind it is warned about (the
//!   rules are `crate::oauth_client::credential_rules`'s);
//! - once a client's id and its credential's are known, they are recorded
//!   for the sinks, and so is the `state` the client is planned with
//!   (`crate::process_records::client_states`); [`remember`] does the same after a
//!   read or an apply.

use crate::attribute_error::AttributeError;
use crate::note::Note;
use crate::oauth_client::credential_rules::{self as credential, CredentialPlan};
use crate::oauth_client::roles::{plan_roles, PlannedRole, RoleRef};
use crate::oauth_client::rules::{implicit_grant, ClientFields};
use crate::process_records::client_states::configured_states;
use crate::process_records::integration_credentials::{Claimant, IntegrationCredentials};

/// What the glue knows at plan, as plain values.
#[derive(Debug, Default)]
pub struct PlanInput<'a> {
    /// The client's id; `None` for a client about to be created.
    pub client_id: Option<&'a str>,
    /// The configured `roles` blocks.
    pub roles: Vec<PlannedRole>,
    /// The roles of the prior state (none at create).
    pub prior_roles: Vec<RoleRef>,
    /// `integration_credential_name` as planned; `None` while unknown.
    pub credential_name: Option<Option<&'a str>>,
    /// The prior state's `integration_credential_name`.
    pub prior_credential_name: Option<&'a str>,
    /// The prior state's `integration_credential_id`.
    pub prior_credential_id: Option<&'a str>,
    /// `state` as planned.
    pub state: Option<&'a str>,
    /// `authorized_grant_type` as planned; `None` while unknown.
    pub grant_type: Option<&'a str>,
}

/// What a plan decided.
#[derive(Debug)]
pub struct ClientPlan {
    /// The planned `roles`.
    pub roles: Vec<PlannedRole>,
    /// What becomes of `integration_credential_id` (`Keep`: the prior one).
    pub credential: CredentialPlan,
    /// Warnings.
    pub notes: Vec<Note>,
}

/// Plans the client `input` describes, configured as `config` (which tells
/// a client to be created apart from another in the name claim). An error
/// on an attribute refuses the plan.
pub fn plan(
    registry: &IntegrationCredentials,
    input: &PlanInput<'_>,
    config: &impl serde::Serialize,
) -> Result<ClientPlan, AttributeError> {
    let roles = plan_roles(&input.roles, &input.prior_roles);
    if let Some(Some(name)) = input.credential_name {
        registry
            .claim_name(name, Claimant::of(input.client_id, config))
            .map_err(|other| credential::name_taken(name, other.client_id.as_deref()))?;
    }
    let Some(client_id) = input.client_id else {
        let credential = credential::planned_at_create(input.credential_name);
        // Only a client about to be made: an existing one keeps its grant
        // until Genesys withdraws it, which no plan here can change.
        let notes = implicit_grant(input.grant_type)
            .map(Note::AttributeWarning)
            .into_iter()
            .collect();
        return Ok(ClientPlan {
            roles,
            credential,
            notes,
        });
    };
    let planned = credential::planned_rename(
        input.prior_credential_name,
        input.prior_credential_id,
        input.credential_name,
    )?;
    let notes = credential::unbacked_name(input.credential_name, input.prior_credential_id)
        .map(Note::AttributeWarning)
        .into_iter()
        .collect();
    match planned {
        CredentialPlan::Keep => registry.record(client_id, input.prior_credential_id),
        CredentialPlan::Delete => registry.record(client_id, None),
        CredentialPlan::Unknown => {}
    }
    configured_states().record(client_id, input.state);
    Ok(ClientPlan {
        roles,
        credential: planned,
        notes,
    })
}

/// Records, for the sinks, the credential of a client read or applied as
/// `state` (`None`: the client is gone, and so is its credential).
pub fn remember(registry: &IntegrationCredentials, id: &str, state: Option<&ClientFields>) {
    let credential = state.and_then(|s| s.integration_credential_id.as_deref());
    registry.record(id, credential);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(client_id: Option<&'static str>, name: &'static str) -> PlanInput<'static> {
        PlanInput {
            client_id,
            credential_name: Some(Some(name)),
            ..Default::default()
        }
    }

    #[test]
    fn a_credential_name_is_claimed_by_one_client() {
        let registry = IntegrationCredentials::default();
        let first = plan(&registry, &named(None, "shared"), &"config a");
        assert_eq!(
            first.map(|p| p.credential).ok(),
            Some(CredentialPlan::Unknown)
        );
        let second = plan(&registry, &named(None, "shared"), &"config b");
        assert!(second.is_err());
    }

    #[test]
    fn an_update_records_the_credential_kept_for_the_sinks() {
        let registry = IntegrationCredentials::default();
        let input = PlanInput {
            client_id: Some("planning-c1"),
            credential_name: Some(Some("n")),
            prior_credential_name: Some("n"),
            prior_credential_id: Some("k1"),
            state: Some("active"),
            ..Default::default()
        };
        let planned = plan(&registry, &input, &"config").expect("planned");
        assert_eq!(planned.credential, CredentialPlan::Keep);
        assert_eq!(registry.of("planning-c1").as_deref(), Some("k1"));
        assert_eq!(
            configured_states().of("planning-c1").as_deref(),
            Some("active")
        );
    }

    #[test]
    fn a_rename_is_refused_and_an_unbacked_name_warned_about() {
        let registry = IntegrationCredentials::default();
        let rename = PlanInput {
            client_id: Some("c2"),
            credential_name: Some(Some("new")),
            prior_credential_name: Some("old"),
            prior_credential_id: Some("k2"),
            ..Default::default()
        };
        assert!(plan(&registry, &rename, &"config").is_err());
        let unbacked = plan(&registry, &named(Some("c3"), "fresh"), &"config").expect("planned");
        assert!(matches!(unbacked.notes[..], [Note::AttributeWarning(_)]));
        assert_eq!(unbacked.credential, CredentialPlan::Keep);
    }
}
