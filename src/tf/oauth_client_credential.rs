//! The integration credential of `genesyscloud_oauth_client`: glue between
//! the resource's two attributes (`integration_credential_name`,
//! `integration_credential_id`), the rules in
//! `crate::plan::integration_credential` and the calls in
//! `crate::genesys`. The client secret passes through here once, from the
//! create answer into the credential's create body, and is dropped
//! (zeroized) right after; it never reaches state, plan or a log line.
//! Later secrets reach the credential through a sink
//! (`genesyscloud_oauth_client_vault_secret.integration_credential_id`),
//! which finds the credential's id in the registry filled here
//! ([`register`]) and makes a new credential under the same name when it
//! was deleted outside Terraform. A credential is never taken for this
//! client's by its name ([`read`]).

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use std::hash::{Hash, Hasher};

use super::diag::{attribute_error, attribute_warning, genesys_error};
use crate::genesys::{CreatedClient, GenesysClient, OAuthClientCredential};
use crate::plan;
use crate::plan::credentials::{Claimant, IntegrationCredentials};
use crate::plan::integration_credential::{CredentialPlan, OwnCredential};

/// The two attributes, as state, plan and configuration hold them.
pub struct CredentialAttrs<'a> {
    /// `integration_credential_name`.
    pub name: &'a mut Value<String>,
    /// `integration_credential_id`.
    pub id: &'a mut Value<String>,
}

/// Checks the configured name.
pub fn validate(diags: &mut Diagnostics, name: &Value<String>) {
    if let Err(e) = name
        .as_ref_option()
        .map_or(Ok(()), |n| plan::integration_credential::check_name(n))
    {
        attribute_error(diags, e);
    }
}

/// Plans the id of a client about to be created: unknown when a credential
/// is (or may be) asked for.
pub fn plan_create(planned: CredentialAttrs<'_>) {
    *planned.id = if planned.name.is_null() {
        Value::Null
    } else {
        Value::Unknown
    };
}

/// Plans the id on an update, or refuses the change on its attribute.
/// Warns when a name has no credential behind it.
pub fn plan_update(
    diags: &mut Diagnostics,
    prior_name: &Value<String>,
    prior_id: &Value<String>,
    planned: CredentialAttrs<'_>,
) -> Option<()> {
    *planned.id = match decide(prior_name, prior_id, planned.name) {
        Ok(CredentialPlan::Keep) => prior_id.clone(),
        Ok(CredentialPlan::Delete) => Value::Null,
        Ok(CredentialPlan::Unknown) => Value::Unknown,
        Err(e) => {
            attribute_error(diags, e);
            return None;
        }
    };
    if let (Value::Value(name), Value::Null) = (&*planned.name, &*planned.id) {
        attribute_warning(diags, plan::integration_credential::no_credential(name));
    }
    Some(())
}

fn decide(
    prior_name: &Value<String>,
    prior_id: &Value<String>,
    planned_name: &Value<String>,
) -> Result<CredentialPlan, crate::attribute_error::AttributeError> {
    let planned = match planned_name {
        Value::Unknown => None,
        known => Some(known.as_ref_option().map(String::as_str)),
    };
    plan::integration_credential::plan_update(
        prior_name.as_ref_option().map(String::as_str),
        prior_id.as_ref_option().map(String::as_str),
        planned,
    )
}

/// After a client create: puts the secret of the create answer into a new
/// credential when a name is set, and returns its id (null without a name,
/// or when the client was adopted and its secret is unknown, with a
/// warning). A failure is an error diagnostic and a null id: the caller
/// still records the client, which Terraform then marks for replacement.
pub async fn create(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    name: &Value<String>,
    created: CreatedClient,
) -> Value<String> {
    let Value::Value(name) = name else {
        return Value::Null;
    };
    let Some(secret) = created.secret else {
        let why = if created.adopted {
            "was not confirmed (the client was found and adopted), so its secret is unknown"
        } else {
            "was answered without a secret"
        };
        diags.root_warning(
            "Integration credential not created",
            format!(
                "The create of OAuth client {} {why}: no credential {name:?} could be made.",
                created.client.id
            ),
        );
        attribute_warning(diags, plan::integration_credential::no_credential(name));
        return Value::Null;
    };
    let request = OAuthClientCredential {
        name: name.clone(),
        client_id: created.client.id.clone(),
        client_secret: secret,
    };
    match genesys.create_credential(&request).await {
        Ok(credential) => {
            tracing::info!(client_id = %created.client.id, credential_id = %credential.id, "integration credential created");
            Value::Value(credential.id)
        }
        Err(e) => {
            genesys_error(
                diags,
                &format!("Could not create integration credential {name:?}; the new client will be replaced at the next apply"),
                &e,
            );
            Value::Null
        }
    }
}

/// Carries out a planned update of the credential (only a delete ever
/// reaches Genesys) and returns the id to record.
pub async fn update(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    prior_name: &Value<String>,
    prior_id: &Value<String>,
    planned_name: &Value<String>,
) -> Option<Value<String>> {
    match decide(prior_name, prior_id, planned_name) {
        Ok(CredentialPlan::Delete) => {
            destroy(genesys, diags, prior_id).await?;
            Some(Value::Null)
        }
        Ok(_) => Some(prior_id.clone()),
        Err(e) => {
            attribute_error(diags, e);
            None
        }
    }
}

/// Deletes the credential recorded in state, by its id; one already gone
/// is not an error.
pub async fn destroy(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    id: &Value<String>,
) -> Option<()> {
    let Value::Value(id) = id else {
        return Some(());
    };
    match genesys.delete_credential(id).await {
        Ok(()) => Some(()),
        Err(e) => {
            genesys_error(diags, "Could not delete integration credential", &e);
            None
        }
    }
}

/// The credential a destroy of client `client_id` deletes: the one in its
/// state (`id`), else one its sink, destroyed just before, handed over
/// with this client's credential name (`name`)
/// (`plan::integration_credential::to_delete`).
pub fn to_delete(
    registry: &IntegrationCredentials,
    client_id: &str,
    name: &Value<String>,
    id: &Value<String>,
) -> Value<String> {
    let handed = registry.handed_over(client_id);
    plan::integration_credential::to_delete(
        id.as_ref_option().map(String::as_str),
        name.as_ref_option().map(String::as_str),
        handed.as_ref().map(|h| (h.id.as_str(), h.name.as_str())),
    )
    .map_or(Value::Null, Value::Value)
}

/// Records, for the sinks planned in this process, the credential of the
/// client `client_id` once both are known (a null id: it has none).
pub fn register(registry: &IntegrationCredentials, client_id: &Value<String>, id: &Value<String>) {
    if let (Value::Value(client_id), false) = (client_id, id.is_unknown()) {
        registry.record(client_id, id.as_ref_option().map(String::as_str));
    }
}

/// Refreshes the credential in state: its name as Genesys has it. The
/// credential read is the one in state or, when state lost the id (an
/// older release's refresh drops it), the one the private `record` names
/// for this client (`plan::integration_credential::own_credential` says why
/// nothing else is certain). One deleted outside Terraform keeps its id and
/// is warned about: a credential of the same name is never adopted.
pub async fn read(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    client_id: &str,
    state: CredentialAttrs<'_>,
    record: &mut Option<OwnCredential>,
) -> Option<()> {
    let in_state = state.id.as_ref_option().map(String::as_str);
    let Some(id) =
        plan::integration_credential::own_credential(client_id, in_state, record.as_ref())
    else {
        *record = None;
        return Some(());
    };
    let found_again = in_state.is_none();
    match genesys.get_credential(&id).await {
        Ok(Some(credential)) => {
            if found_again {
                tracing::info!(client_id, credential_id = %id, "integration credential found again from the provider's own record");
            }
            *state.name = Value::Value(credential.name);
            *state.id = Value::Value(id.clone());
            *record = Some(OwnCredential {
                client_id: client_id.to_string(),
                id,
            });
            return Some(());
        }
        Ok(None) if found_again => {
            tracing::info!(client_id, credential_id = %id, "the recorded integration credential is gone too");
            *record = None;
            return Some(());
        }
        Ok(None) => {}
        Err(e) => {
            genesys_error(diags, "Could not read integration credential", &e);
            return None;
        }
    }
    let same_name = match state.name.as_ref_option() {
        Some(name) => match genesys.find_credentials_by_name(name).await {
            Ok(found) => found.iter().filter(|c| c.is_oauth_client()).count(),
            Err(e) => {
                tracing::warn!(error = %e, "could not list the credentials of the same name");
                0
            }
        },
        None => 0,
    };
    diags.root_warning(
        "Integration credential deleted outside Terraform",
        plan::integration_credential::deleted(&label(state.name, &id), same_name),
    );
    Some(())
}

/// Claims the configured credential name for this client in this process:
/// a name another client planned already is an error on
/// `integration_credential_name`. `client_id`: `None` for a client to be
/// created; `config`: its configuration, which tells it apart then.
pub fn claim_name(
    diags: &mut Diagnostics,
    registry: &IntegrationCredentials,
    client_id: Option<&str>,
    name: &Value<String>,
    config: &impl serde::Serialize,
) -> Option<()> {
    let Value::Value(name) = name else {
        return Some(());
    };
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(config)
        .unwrap_or_default()
        .hash(&mut hasher);
    let claimant = Claimant {
        client_id: client_id.map(str::to_string),
        fingerprint: hasher.finish(),
    };
    match registry.claim_name(name, claimant) {
        Ok(()) => Some(()),
        Err(other) => {
            attribute_error(
                diags,
                plan::integration_credential::name_taken(name, other.client_id.as_deref()),
            );
            None
        }
    }
}

/// Says, when a client is gone from Genesys, that its credential (holding
/// a secret that no longer works) is no longer managed.
pub fn orphaned(diags: &mut Diagnostics, client_id: &str, state: CredentialAttrs<'_>) {
    if let Value::Value(id) = &*state.id {
        diags.root_warning(
            "Integration credential left behind",
            format!(
                "OAuth client {client_id} no longer exists, so integration credential {}, if it still exists, holds a secret that does not work. Terraform no longer manages it: delete it in Genesys Cloud.",
                label(state.name, id),
            ),
        );
    }
}

/// `"name" (id)`, or the id alone.
fn label(name: &Value<String>, id: &str) -> String {
    match name.as_ref_option() {
        Some(name) => format!("{name:?} ({id})"),
        None => id.to_string(),
    }
}
