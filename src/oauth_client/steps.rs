//! The steps of `genesyscloud_oauth_client`: what create, read, update and
//! delete do with Genesys Cloud, as plain async functions over
//! `ClientFields`.

use time::OffsetDateTime;

use super::credential_steps as integration_credential;
use super::planning;
use super::rules::failed;
use crate::genesys::{GenesysClient, OAuthClient};
use crate::note::{Failure, Note};
use crate::oauth_client::credential_rules::{
    record_of as credential_record, to_delete, OwnCredential,
};
use crate::oauth_client::rules::{self as rules, ClientFields};
use crate::process_records::integration_credentials::{Handed, IntegrationCredentials};
use crate::process_records::unheld_secrets::unheld_secrets;

/// What a create or an update leaves: the state to record and what to say.
#[derive(Debug)]
pub struct Applied {
    /// The client's state.
    pub state: ClientFields,
    /// The credential to record as the client's own (private state).
    pub record: Option<OwnCredential>,
    /// Warnings, and failures of the credential's part.
    pub notes: Vec<Note>,
}

/// What a read found.
#[derive(Debug)]
pub enum Found {
    /// The client, its credential refreshed, and the private record of
    /// its credential.
    Client {
        /// The client's state.
        state: Box<ClientFields>,
        /// The credential recorded as the client's own.
        record: Option<OwnCredential>,
        /// Warnings.
        notes: Vec<Note>,
    },
    /// The client is gone from Genesys Cloud.
    Gone(Vec<Note>),
}

/// Gives the roles planned without a division the home division.
async fn fill_home_division(
    genesys: &GenesysClient,
    planned: &mut ClientFields,
) -> Result<(), Failure> {
    let Some(roles) = planned.roles.as_mut() else {
        return Ok(());
    };
    if roles.iter().all(|r| r.division_id.is_some()) {
        return Ok(());
    }
    let home = genesys
        .home_division()
        .await
        .map_err(failed("Could not look up the home division"))?;
    for role in roles.iter_mut().filter(|r| r.division_id.is_none()) {
        role.division_id = Some(home.clone());
    }
    Ok(())
}

/// Creates the client `planned` describes and, when it names one, its
/// integration credential from the create answer's secret, recorded in
/// `process_records` for the sinks.
pub async fn create(
    genesys: &GenesysClient,
    registry: &IntegrationCredentials,
    mut planned: ClientFields,
) -> Result<Applied, Failure> {
    fill_home_division(genesys, &mut planned).await?;
    let created = genesys
        .create_client(&rules::request(&planned))
        .await
        .map_err(failed("Could not create OAuth client"))?;
    let mut state = rules::after_apply(&planned, &created.client);
    let mut notes = Vec::new();
    let taken = created.same_name.as_ref().map(|same| {
        same.iter()
            .map(|c| (c.id.clone(), c.date_created.clone()))
            .collect()
    });
    if let Some((summary, detail)) = rules::name_taken_warning(
        &created.client.name,
        &taken.map_err(Clone::clone),
        &created.client.id,
    ) {
        notes.push(Note::Warning(summary, detail));
    }
    if created.adopted {
        notes.push(Note::Warning(
            "OAuth client adopted after a lost answer".into(),
            format!(
                "Genesys Cloud did not confirm the create, but client {} with this name was found and is now managed here (no duplicate was made).",
                created.client.id
            ),
        ));
    }
    // The create's answer is the only time anyone sees the secret: unless
    // an integration credential gets it, nobody holds it.
    if !created.adopted && planned.integration_credential_name.is_none() {
        unheld_secrets().record(&created.client.id);
    }
    state.integration_credential_id = integration_credential::create(
        genesys,
        planned.integration_credential_name.as_deref(),
        created,
        &mut notes,
    )
    .await;
    Ok(applied(registry, state, notes))
}

/// What an apply leaves, its credential recorded for the sinks.
fn applied(registry: &IntegrationCredentials, state: ClientFields, notes: Vec<Note>) -> Applied {
    let id = state.id.as_deref();
    let record = credential_record(id, state.integration_credential_id.as_deref());
    if let Some(id) = id {
        planning::remember(registry, id, Some(&state));
    }
    Applied {
        state,
        record,
        notes,
    }
}

/// Updates client `id` from `prior` to `planned`; the credential's part
/// (only a delete ever reaches Genesys) keeps the prior credential when it
/// fails. The credential is recorded in `process_records` for the sinks.
pub async fn update(
    genesys: &GenesysClient,
    registry: &IntegrationCredentials,
    id: &str,
    prior: &ClientFields,
    mut planned: ClientFields,
) -> Result<Applied, Failure> {
    fill_home_division(genesys, &mut planned).await?;
    let answer = genesys
        .update_client(id, &rules::request(&planned))
        .await
        .map_err(failed("Could not update OAuth client"))?;
    let mut state = rules::after_apply(&planned, &answer);
    let mut notes = Vec::new();
    match integration_credential::update(
        genesys,
        prior,
        planned.integration_credential_name.as_deref(),
    )
    .await
    {
        Ok(credential_id) => state.integration_credential_id = credential_id,
        Err(note) => {
            notes.push(note);
            state.integration_credential_name = prior.integration_credential_name.clone();
            state.integration_credential_id = prior.integration_credential_id.clone();
        }
    }
    Ok(applied(registry, state, notes))
}

/// Deletes client `id` and, first, its credentials: the one recorded in
/// `prior`, and the one its sink, destroyed just before, found again or
/// made in its place and handed over (`handed`) under this client's
/// credential name (`crate::oauth_client::credential_rules::to_delete`).
pub async fn delete(
    genesys: &GenesysClient,
    id: &str,
    prior: &ClientFields,
    handed: Option<&Handed>,
) -> Result<(), Failure> {
    let own = to_delete(
        prior.integration_credential_id.as_deref(),
        prior.integration_credential_name.as_deref(),
        handed.map(|h| (h.id.as_str(), h.name.as_str())),
    );
    for credential in &own {
        integration_credential::delete(genesys, Some(credential)).await?;
    }
    genesys
        .delete_client(id, &rules::request(prior))
        .await
        .map_err(failed("Could not delete OAuth client"))
}

/// Reads client `id` and its credential; `record` is the private record
/// of the credential the provider made or was told of. What was found of
/// the credential is recorded in `process_records` for the sinks.
pub async fn read(
    genesys: &GenesysClient,
    registry: &IntegrationCredentials,
    id: &str,
    prior: &ClientFields,
    mut record: Option<OwnCredential>,
) -> Result<Found, Failure> {
    let answer = genesys
        .get_client(id, created_at(prior))
        .await
        .map_err(failed("Could not read OAuth client"))?;
    match answer {
        Some(c) if !c.is_deleted() => {
            let mut state = rules::from_read(prior, &c);
            let notes = integration_credential::read(genesys, id, &mut state, &mut record).await?;
            planning::remember(registry, id, Some(&state));
            Ok(Found::Client {
                state: Box::new(state),
                record,
                notes,
            })
        }
        _ => {
            tracing::info!(client_id = %id, "OAuth client is gone from Genesys Cloud; removing it from state");
            planning::remember(registry, id, None);
            Ok(Found::Gone(
                integration_credential::orphaned(id, prior)
                    .into_iter()
                    .collect(),
            ))
        }
    }
}

/// When the state says the client was created, for waiting out Genesys
/// Cloud's propagation on a refresh right after an apply.
fn created_at(s: &ClientFields) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(
        s.date_created.as_deref()?,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
}

/// The one client named `name`, for the data source: the clients of that
/// name (listed once propagation allows) narrowed by
/// `rules::the_one_named`. What went wrong is the [`Note`] to say.
pub async fn find_named(genesys: &GenesysClient, name: &str) -> Result<OAuthClient, Note> {
    let found = genesys
        .find_clients_by_name_settled(name)
        .await
        .map_err(|e| Note::Failed(Box::new(failed("Could not list OAuth clients")(e))))?;
    rules::the_one_named(name, found).map_err(Note::AttributeError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_creation_time_is_read_from_state() {
        let at = |date: Option<&str>| {
            created_at(&ClientFields {
                date_created: date.map(Into::into),
                ..Default::default()
            })
        };
        assert_eq!(
            at(Some("2026-01-01T00:00:00.000Z")).map(|t| t.unix_timestamp()),
            Some(1_767_225_600)
        );
        assert!(at(Some("yesterday")).is_none() && at(None).is_none());
    }
}
