//! The sink's integration credential (`integration_credential_id`): glue
//! between the sink resource, the rules in `crate::plan::sink_credential`
//! and the steps in `crate::sink`. The state's `integration_credential_id`
//! is the configured id once the credential holds the secret in Vault, and
//! null while it does not (a failed write), so that the next plan shows
//! the change; the private state's [`Kept`] says which credential holds it.
//! When state lost the id (an older release's refresh), [`recover`] takes
//! it back from the entry's own record; [`hand_over`] passes it to the
//! client's destroy.

use std::collections::BTreeMap;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::diag::{attribute_error, attribute_warning, genesys_error};
use super::sink_state::{SinkPrivate, SinkState};
use crate::genesys::GenesysClient;
use crate::plan;
use crate::plan::sink::Repair;
use crate::plan::sink_credential::{Kept, Step, Target};
use crate::registry::credentials::{Handed, IntegrationCredentials};
use crate::sink::{self, SinkSpec, Written};
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
        .map(|id| plan::sink_credential::check_id(id))
    {
        attribute_error(diags, e);
    }
}

/// Where a rotation writes the secret too, for the planned id.
pub fn target(input: &Value<String>, kept: Option<&Kept>) -> Option<Target> {
    plan::sink_credential::target(input.as_ref_option().map(String::as_str), kept)
}

/// Refreshes what the private state keeps: the credential's name, or that
/// it was deleted outside Terraform.
pub async fn refresh(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    kept: &mut Option<Kept>,
) -> Option<()> {
    let Some(k) = kept else {
        return Some(());
    };
    match genesys.get_credential(&k.id).await {
        Ok(Some(found)) => {
            if !found.name.is_empty() {
                k.name = found.name;
            }
            k.gone = false;
        }
        Ok(None) => {
            tracing::info!(credential_id = %k.id, "the integration credential the sink keeps is gone");
            k.gone = true;
        }
        Err(e) => {
            genesys_error(
                diags,
                "Could not read the sink's integration credential",
                &e,
            );
            return None;
        }
    }
    Some(())
}

/// Takes back the credential the sink kept current when state lost it (an
/// older release's refresh drops `integration_credential_id` and private
/// state): the one the entry's own record names for this client
/// (`plan::sink_credential::recover` says why that is certain), if it
/// still exists in Genesys Cloud.
pub async fn recover(
    genesys: &GenesysClient,
    diags: &mut Diagnostics,
    client_id: &str,
    state_id: &mut Value<String>,
    kept: &mut Option<Kept>,
    metadata: &BTreeMap<String, String>,
) -> Option<()> {
    let in_state = state_id.as_ref_option().map(String::as_str);
    let Some(id) = plan::sink_credential::recover(client_id, in_state, kept.as_ref(), metadata)
    else {
        return Some(());
    };
    match genesys.get_credential(&id).await {
        Ok(Some(found)) => {
            tracing::info!(client_id, credential_id = %id, "integration credential found again from the Vault entry's record");
            *kept = Some(plan::sink_credential::recovered(&id, &found.name));
            *state_id = Value::Value(id);
            Some(())
        }
        Ok(None) => {
            tracing::info!(client_id, credential_id = %id, "the credential the Vault entry names is gone");
            Some(())
        }
        Err(e) => {
            genesys_error(
                diags,
                "Could not read the integration credential the Vault entry names",
                &e,
            );
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
    plan::sink_credential::planned_id(config, prior, kept).map_or(Value::Null, Value::Value)
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
    if let Some(k) = kept.filter(|k| k.recovered && k.stands_for(id)) {
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
    if let Some(w) =
        plan::sink_credential::unkept(client_id, registered.as_deref(), known(input), kept)
    {
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
    if client_id.is_unknown() || standby_client_id.is_unknown() {
        return Some(());
    }
    let clients: Vec<&str> = [client_id, standby_client_id]
        .into_iter()
        .filter_map(|c| c.as_ref_option().map(String::as_str))
        .collect();
    let owner = registry.owner(input);
    match plan::sink_credential::foreign(input, owner.as_deref(), &clients) {
        Some(e) => {
            attribute_error(diags, e);
            None
        }
        None => Some(()),
    }
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
    if let Some(w) = plan::sink_credential::stale(id, kept) {
        attribute_warning(diags, w);
    }
    if let Some(w) = plan::sink_credential::made_here(id, kept) {
        attribute_warning(diags, w);
    }
    let repair = plan::sink_credential::repair(id, kept)?;
    attribute_warning(diags, plan::sink_credential::remade(&repair));
    Some(repair)
}

/// Records what a write into the credential did: the credential it holds
/// the secret in, or an error, a null id in state (the next plan shows the
/// change and writes it) and a kept credential that is not current.
/// `creating`: the write was part of the sink's create, which Terraform
/// taints on an error (the next apply replaces the sink instead).
pub fn record(
    diags: &mut Diagnostics,
    input: &mut Value<String>,
    kept: &mut Option<Kept>,
    written: Option<Written>,
    creating: bool,
) {
    let (Some(written), Value::Value(wired)) = (written, &*input) else {
        *kept = None;
        return;
    };
    let current = written.error.is_none();
    let recovered = kept
        .as_ref()
        .is_some_and(|k| k.recovered && k.stands_for(wired));
    *kept = Some(Kept {
        wired: wired.clone(),
        id: written.id,
        name: written.name,
        current,
        gone: false,
        recovered,
    });
    if let Some(e) = written.error {
        let tainted = if creating {
            " This was the sink's create, so Terraform marks the sink tainted instead: the next apply replaces it, which regenerates the secret and writes it into the credential."
        } else {
            ""
        };
        diags.error(
            "The integration credential does not hold the new secret",
            format!("{e}{tainted}"),
            AttributePath::new("integration_credential_id"),
        );
        *input = Value::Null;
    }
}

/// On an update that does not rotate: records the configured credential, or
/// writes the secret held in Vault (version `written`) into it.
pub async fn keep_current(
    genesys: &GenesysClient,
    vault: &VaultClient,
    diags: &mut Diagnostics,
    spec: &SinkSpec,
    written: Option<u64>,
    input: &mut Value<String>,
    kept: &mut Option<Kept>,
) {
    match plan::sink_credential::step(input.as_ref_option().map(String::as_str), kept.as_ref()) {
        Step::Forget => *kept = None,
        Step::Record => {
            if let (Some(k), Value::Value(id)) = (kept.as_mut(), &*input) {
                k.wired = id.clone();
            }
        }
        Step::Sync(target) => {
            match sink::sync_credential(genesys, vault, spec, &target, written).await {
                Ok(done) => record(diags, input, kept, Some(done), false),
                Err(e) => {
                    diags.error(
                        "Could not write the secret into the integration credential",
                        e.to_string(),
                        AttributePath::new("integration_credential_id"),
                    );
                    *input = Value::Null;
                }
            }
        }
    }
}
