//! The sink's integration credential (`integration_credential_id`): glue
//! between the sink resource, the rules in `crate::plan::sink_integration_credential`
//! and the steps in `crate::sink`. The state's `integration_credential_id`
//! is the configured id once the credential holds the secret in Vault, and
//! null while it does not (a failed write), so that the next plan shows
//! the change; the private state's [`Kept`] says which credential holds it.
//! When state lost the id (an older release's refresh), [`recover`] takes
//! it back from the entry's own record; [`hand_over`] passes it to the
//! client's destroy.

use std::collections::BTreeMap;

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::diag::{attribute_error, attribute_warning, genesys_error};
use super::sink_state::{SinkPrivate, SinkState};
use crate::genesys::GenesysClient;
use crate::plan;
use crate::plan::sink::Repair;
use crate::plan::sink_integration_credential::{Kept, Target};
use crate::registry::integration_credentials::{Handed, IntegrationCredentials};
use crate::sink::{integration_credential as credential, SinkSpec, Written};
use crate::vault::VaultClient;

/// The configured id: `None` while unknown, `Some(None)` when null.
fn known(input: &Value<String>) -> Option<Option<&str>> {
    match input {
        Value::Unknown => None,
        other => Some(other.as_ref_option().map(String::as_str)),
    }
}

/// Checks the configured id.
pub fn validate(diags: &mut Diagnostics, input: &Value<String>) {
    if let Some(Err(e)) = input
        .as_ref_option()
        .map(|id| plan::sink_integration_credential::check_id(id))
    {
        attribute_error(diags, e);
    }
}

/// Where a rotation writes the secret too, for the planned id.
pub fn target(input: &Value<String>, kept: Option<&Kept>) -> Option<Target> {
    plan::sink_integration_credential::target(input.as_ref_option().map(String::as_str), kept)
}

/// Refreshes what the private state keeps (`sink::integration_credential::refresh`).
pub async fn refresh(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    kept: &mut Option<Kept>,
) -> Option<()> {
    let read = credential::refresh(genesys, kept).await;
    read.map_err(|e| {
        genesys_error(
            diags,
            "Could not read the sink's integration credential",
            &e,
        )
    })
    .ok()
}

/// Takes back the credential the sink kept current when state lost it
/// (`sink::integration_credential::recover`) into `state_id` and `kept`.
pub async fn recover(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    client_id: &str,
    state_id: &mut Value<String>,
    kept: &mut Option<Kept>,
    metadata: &BTreeMap<String, String>,
) -> Option<()> {
    let in_state = state_id.as_ref_option().map(String::as_str);
    match credential::recover(genesys, client_id, in_state, kept, metadata).await {
        Ok(found) => {
            if let Some(id) = found {
                *state_id = Value::Value(id);
            }
            Some(())
        }
        Err(e) => {
            let summary = "Could not read the integration credential the Vault entry names";
            genesys_error(diags, summary, &e);
            None
        }
    }
}

/// The planned id: the configured one, or a recovered one while the
/// configured id is null; unknown while the configuration is.
pub fn planned_id(config: &SinkState, prior: &SinkState, private: &SinkPrivate) -> Value<String> {
    let config = &config.integration_credential_id;
    if config.is_unknown() {
        return Value::Unknown;
    }
    let config = config.as_ref_option().map(String::as_str);
    let prior = prior
        .integration_credential_id
        .as_ref_option()
        .map(String::as_str);
    let kept = private.credential.as_ref();
    plan::sink_integration_credential::planned_id(config, prior, kept)
        .map_or(Value::Null, Value::Value)
}

/// On the sink's destroy: hands a recovered credential over to the sink's
/// client, whose destroy follows and deletes it.
pub fn hand_over(
    registry: &IntegrationCredentials,
    client_id: &Value<String>,
    id: &Value<String>,
    kept: Option<&Kept>,
) {
    let (Value::Value(client_id), Value::Value(id)) = (client_id, id) else {
        return;
    };
    if let Some(k) = plan::sink_integration_credential::to_hand_over(id, kept) {
        let handed = Handed {
            id: k.id.clone(),
            name: k.name.clone(),
        };
        registry.hand_over(client_id, handed);
    }
}

/// Warns when the sink's client has an integration credential (recorded by
/// the client resource in this process) that the sink does not keep.
pub fn warn_unkept(
    diags: &mut Diagnostics,
    registry: &IntegrationCredentials,
    client_id: &Value<String>,
    input: &Value<String>,
    kept: Option<&Kept>,
) {
    let Some(client_id) = client_id.as_ref_option() else {
        return;
    };
    let registered = registry.of(client_id);
    if let Some(w) = plan::sink_integration_credential::unkept(
        client_id,
        registered.as_deref(),
        known(input),
        kept,
    ) {
        attribute_warning(diags, w);
    }
}

/// Refuses, on `integration_credential_id`, a credential this process
/// recorded as a client's other than the sink's (`client_id`) and its
/// standby's: a rotation must never write one client's secret into another
/// client's credential.
pub fn check_owner(
    diags: &mut Diagnostics,
    registry: &IntegrationCredentials,
    client_id: &Value<String>,
    standby_client_id: &Value<String>,
    input: &Value<String>,
) -> Option<()> {
    let Value::Value(input) = input else {
        return Some(());
    };
    let owner = registry.owner(input);
    let (client, standby) = (known(client_id), known(standby_client_id));
    plan::sink_integration_credential::check_owner(input, owner.as_deref(), client, standby)
        .map_err(|e| attribute_error(diags, e))
        .ok()
}

/// At plan: the warnings about the credential, and the repair it needs (a
/// rotation that makes it again), if any.
pub fn plan(
    diags: &mut Diagnostics,
    registry: &IntegrationCredentials,
    client_id: &Value<String>,
    input: &Value<String>,
    kept: Option<&Kept>,
) -> Option<Repair> {
    warn_unkept(diags, registry, client_id, input, kept);
    let id = input.as_ref_option().map(String::as_str);
    let (warnings, repair) = plan::sink_integration_credential::at_plan(id, kept);
    for w in warnings {
        attribute_warning(diags, w);
    }
    repair
}

/// Records what a write into the credential did
/// (`sink::integration_credential::record`); on an error, the state's id goes null so
/// the next plan shows the change.
pub fn record(
    diags: &mut Diagnostics,
    input: &mut Value<String>,
    kept: &mut Option<Kept>,
    written: Option<Written>,
    creating: bool,
) {
    let wired = input.as_ref_option().map(String::as_str);
    if let Some(e) = credential::record(wired, kept, written, creating) {
        attribute_error(diags, e);
        *input = Value::Null;
    }
}

/// On an update that does not rotate: records the configured credential, or
/// writes the secret held in Vault (version `written`) into it
/// (`sink::integration_credential::keep_current`).
pub async fn keep_current(
    genesys: &GenesysClient,
    vault: &VaultClient,
    diags: &mut Diagnostics,
    spec: &SinkSpec,
    written: Option<u64>,
    input: &mut Value<String>,
    kept: &mut Option<Kept>,
) {
    let wired = input.as_ref_option().map(String::as_str);
    if let Some(e) = credential::keep_current(genesys, vault, spec, written, wired, kept).await {
        attribute_error(diags, e);
        *input = Value::Null;
    }
}
