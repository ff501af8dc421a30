//! The integration credential of an OAuth client: what the client's steps
//! do with it in Genesys Cloud. The client secret passes through here once,
//! from the create answer into the credential's create body, and is dropped
//! (zeroized) right after; it never reaches state, plan or a log line.
//! Later secrets reach the credential through the client's sink
//! (`vault_secret/credential_*.rs`). A credential is never taken for this
//! client's by its name alone: only when its GET shows this client's id
//! ([`read`]; `crate::oauth_client::credential_rules` says why).

use super::rules::failed;
use crate::genesys::{CreatedClient, GenesysClient, Held, OAuthClientCredential};
use crate::note::{Failure, Note};
use crate::oauth_client::credential_rules::{self as rules, CredentialPlan, OwnCredential};
use crate::oauth_client::rules::ClientFields;

/// After a client create: puts the secret of the create answer into a new
/// credential when `name` is set, and returns its id (`None` without a
/// name, or when the client was adopted and its secret is unknown, with a
/// warning). A failure is a note and no id: the caller still records the
/// client, which Terraform then marks for replacement.
pub async fn create(
    genesys: &GenesysClient,
    name: Option<&str>,
    created: CreatedClient,
    notes: &mut Vec<Note>,
) -> Option<String> {
    let name = name?;
    let Some(secret) = created.secret else {
        let why = if created.adopted {
            "was not confirmed (the client was found and adopted), so its secret is unknown"
        } else {
            "was answered without a secret"
        };
        notes.push(Note::Warning(
            "Integration credential not created".into(),
            format!(
                "The create of OAuth client {} {why}: no credential {name:?} could be made.",
                created.client.id
            ),
        ));
        notes.push(Note::AttributeWarning(rules::no_credential(name)));
        return None;
    };
    let request = OAuthClientCredential {
        name: name.to_string(),
        client_id: created.client.id.clone(),
        client_secret: secret,
    };
    match genesys.create_credential(&request).await {
        Ok(credential) => {
            tracing::info!(client_id = %created.client.id, credential_id = %credential.id, "integration credential created");
            Some(credential.id)
        }
        Err(error) => {
            notes.push(Note::Failed(Box::new(failed(format!("Could not create integration credential {name:?}; the new client will be replaced at the next apply"))(error))));
            None
        }
    }
}

/// Carries out the planned change from `prior`'s credential to
/// `planned_name` (only a delete ever reaches Genesys) and returns the id
/// to record; on failure, the note to report.
pub async fn update(
    genesys: &GenesysClient,
    prior: &ClientFields,
    planned_name: Option<&str>,
) -> Result<Option<String>, Note> {
    let prior_id = prior.integration_credential_id.as_deref();
    match rules::planned_rename(
        prior.integration_credential_name.as_deref(),
        prior_id,
        Some(planned_name),
    ) {
        Ok(CredentialPlan::Delete) => {
            delete(genesys, prior_id)
                .await
                .map_err(|f| Note::Failed(Box::new(f)))?;
            Ok(None)
        }
        Ok(_) => Ok(prior_id.map(str::to_string)),
        Err(e) => Err(Note::AttributeError(e)),
    }
}

/// Deletes the credential recorded in state, by its id; one already gone
/// is not an error.
pub async fn delete(genesys: &GenesysClient, id: Option<&str>) -> Result<(), Failure> {
    let Some(id) = id else {
        return Ok(());
    };
    genesys
        .delete_credential(id)
        .await
        .map_err(failed("Could not delete integration credential"))
}

/// Refreshes the credential in `state`: its name as Genesys has it. The
/// credential read is the one in state or, when state lost the id (an
/// older release's refresh drops it), the one the private `record` names
/// for this client (`rules::own_credential`). One deleted outside
/// Terraform is replaced by the credential of its name whose GET shows
/// this client's id (the one the client's sink made again, say), if
/// exactly one does; else it keeps its id and is warned about. A client
/// with a credential name and no credential known takes one the same way.
pub async fn read(
    genesys: &GenesysClient,
    client_id: &str,
    state: &mut ClientFields,
    record: &mut Option<OwnCredential>,
) -> Result<Vec<Note>, Failure> {
    let in_state = state.integration_credential_id.as_deref();
    let Some(id) = rules::own_credential(client_id, in_state, record.as_ref()) else {
        *record = None;
        if let Some(name) = state.integration_credential_name.clone() {
            if let Ok(Held::One(found)) = genesys.find_held(&name, client_id).await {
                tracing::info!(client_id, credential_id = %found.id, "integration credential found by the client id its GET shows");
                take(client_id, state, record, found.id, found.name);
            }
        }
        return Ok(vec![]);
    };
    let found_again = in_state.is_none();
    let found = genesys
        .get_credential(&id)
        .await
        .map_err(failed("Could not read integration credential"))?;
    match found {
        Some(credential) => {
            if found_again {
                tracing::info!(client_id, credential_id = %id, "integration credential found again from the provider's own record");
            }
            take(client_id, state, record, id, credential.name);
            Ok(vec![])
        }
        None if found_again => {
            tracing::info!(client_id, credential_id = %id, "the recorded integration credential is gone too");
            *record = None;
            Ok(vec![])
        }
        None => {
            let name = state.integration_credential_name.clone();
            let held = match &name {
                Some(name) => genesys.find_held(name, client_id).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not read the credentials of the same name");
                    Held::None
                }),
                None => Held::None,
            };
            if let Held::One(found) = held {
                tracing::info!(client_id, deleted = %id, credential_id = %found.id, "integration credential deleted outside Terraform; the one of its name holding this client's id is recorded instead");
                take(client_id, state, record, found.id, found.name);
                return Ok(vec![]);
            }
            Ok(vec![Note::Warning(
                "Integration credential deleted outside Terraform".into(),
                rules::deleted(&label(name.as_deref(), &id), &held),
            )])
        }
    }
}

/// Records credential `id`, named `name`, as client `client_id`'s, in state
/// and in the private record.
fn take(
    client_id: &str,
    state: &mut ClientFields,
    record: &mut Option<OwnCredential>,
    id: String,
    name: String,
) {
    state.integration_credential_name = Some(name);
    state.integration_credential_id = Some(id.clone());
    *record = Some(OwnCredential {
        client_id: client_id.to_string(),
        id,
    });
}

/// When a client is gone from Genesys, the warning that its credential
/// (holding a secret that no longer works) is no longer managed.
pub fn orphaned(client_id: &str, prior: &ClientFields) -> Option<Note> {
    let id = prior.integration_credential_id.as_deref()?;
    Some(Note::Warning(
        "Integration credential left behind".into(),
        format!(
            "OAuth client {client_id} no longer exists, so integration credential {}, if it still exists, holds a secret that does not work. Terraform no longer manages it: delete it in Genesys Cloud.",
            label(prior.integration_credential_name.as_deref(), id),
        ),
    ))
}

/// `"name" (id)`, or the id alone.
fn label(name: Option<&str>, id: &str) -> String {
    match name {
        Some(name) => format!("{name:?} ({id})"),
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_left_behind_is_named_when_the_state_knows_it() {
        let prior = |name: Option<&str>, id: Option<&str>| ClientFields {
            integration_credential_name: name.map(Into::into),
            integration_credential_id: id.map(Into::into),
            ..Default::default()
        };
        let detail = |p: ClientFields| match orphaned("c1", &p) {
            Some(Note::Warning(_, detail)) => Some(detail),
            _ => None,
        };
        let cases = [
            (prior(Some("actions"), Some("k1")), Some("\"actions\" (k1)")),
            (prior(None, Some("k1")), Some("credential k1,")),
            (prior(Some("actions"), None), None),
        ];
        for (p, expected) in cases {
            let got = detail(p);
            match expected {
                Some(part) => assert!(got.as_deref().is_some_and(|d| d.contains(part)), "{got:?}"),
                None => assert!(got.is_none(), "{got:?}"),
            }
        }
    }
}
