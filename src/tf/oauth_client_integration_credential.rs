//! The integration credential of `genesyscloud_oauth_client` at plan:
//! glue between the resource's two attributes
//! (`integration_credential_name`, `integration_credential_id`), the rules
//! in `crate::plan::integration_credential` and the registry the sinks
//! read (`crate::registry::integration_credentials`). What an apply or a read does
//! with the credential in Genesys is in `crate::oauth_client::integration_credential`.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::diag::{attribute_error, attribute_warning};
use crate::plan;
use crate::plan::integration_credential::CredentialPlan;
use crate::registry::integration_credentials::{Claimant, IntegrationCredentials};

/// The two attributes, as state, plan and configuration hold them.
pub struct CredentialAttrs<'a> {
    /// `integration_credential_name`.
    pub name: &'a mut Value<String>,
    /// `integration_credential_id`.
    pub id: &'a mut Value<String>,
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
    let planned_name = match &*planned.name {
        Value::Unknown => None,
        known => Some(known.as_ref_option().map(String::as_str)),
    };
    let decided = plan::integration_credential::plan_update(
        prior_name.as_ref_option().map(String::as_str),
        prior_id.as_ref_option().map(String::as_str),
        planned_name,
    );
    *planned.id = match decided {
        Ok(CredentialPlan::Keep) => prior_id.clone(),
        Ok(CredentialPlan::Delete) => Value::Null,
        Ok(CredentialPlan::Unknown) => Value::Unknown,
        Err(e) => {
            attribute_error(diags, e);
            return None;
        }
    };
    let prior_id = prior_id.as_ref_option().map(String::as_str);
    if let Some(w) = plan::integration_credential::unbacked_name(planned_name, prior_id) {
        attribute_warning(diags, w);
    }
    Some(())
}

/// Records, for the sinks planned in this process, the credential of the
/// client `client_id` once both are known (a null id: it has none).
pub fn register(registry: &IntegrationCredentials, client_id: &Value<String>, id: &Value<String>) {
    if let (Value::Value(client_id), false) = (client_id, id.is_unknown()) {
        registry.record(client_id, id.as_ref_option().map(String::as_str));
    }
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
    match registry.claim_name(name, Claimant::of(client_id, config)) {
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
