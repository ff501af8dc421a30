//! The sink's `integration_credential_id` over plain fields: the rules of
//! `crate::vault_secret::credential_rules` and the steps of
//! `integration_credential.rs` called, their errors and warnings said.
//! The state's id is the configured one once the credential holds the
//! secret in Vault, and null while it does not (a failed write), so that
//! the next plan shows the change; the record's [`Kept`] says which
//! credential holds it. [`hand_over`] passes a recovered one to the
//! client's destroy.

use super::credential_rules::{self as rules, Kept};
use super::credential_steps as credential;
use super::credential_steps::Written;
use crate::genesys::GenesysClient;
use crate::note::Note;
use crate::process_records::integration_credentials::{Handed, IntegrationCredentials};
use crate::vault::VaultClient;
use crate::vault_secret::call::Run;
use crate::vault_secret::fields::{Field, SinkFields};
use crate::vault_secret::record::SinkRecord;
use crate::vault_secret::rules::Repair;
use crate::vault_secret::spec::SinkSpec;

/// The planned id: the configured one, or a recovered one while the
/// configured id is null; unknown while the configuration is.
pub fn planned_id(config: &SinkFields, prior: &SinkFields, record: &SinkRecord) -> Field<String> {
    let config = &config.integration_credential_id;
    if config.is_unknown() {
        return Field::Unknown;
    }
    let prior = prior.integration_credential_id.str();
    let kept = record.credential.as_ref();
    Field::or_null(rules::planned_id(config.str(), prior, kept))
}

/// On the sink's destroy: hands a recovered credential over to the sink's
/// client, whose destroy follows and deletes it.
pub fn hand_over(registry: &IntegrationCredentials, prior: &SinkFields, kept: Option<&Kept>) {
    let (Some(client_id), Some(id)) =
        (prior.client_id.str(), prior.integration_credential_id.str())
    else {
        return;
    };
    if let Some(k) = rules::to_hand_over(id, kept) {
        let handed = Handed {
            id: k.id.clone(),
            name: k.name.clone(),
        };
        registry.hand_over(client_id, handed);
    }
}

/// Warns when the sink's client has an integration credential (recorded by
/// the client resource in this process) that the sink does not keep.
pub fn warn_unkept(run: &mut Run<'_>, s: &SinkFields, kept: Option<&Kept>) {
    let Some(client_id) = s.client_id.str() else {
        return;
    };
    let registered = run.credentials.of(client_id);
    let input = s.integration_credential_id.when_known();
    if let Some(w) = rules::unkept(client_id, registered.as_deref(), input, kept) {
        run.notes.push(Note::AttributeWarning(w));
    }
}

/// Refuses, on `integration_credential_id`, a credential this process
/// recorded as a client's other than the sink's (`client_id`) and its
/// standby's: a rotation must never write one client's secret into another
/// client's credential.
pub fn check_owner(run: &mut Run<'_>, s: &SinkFields) -> Option<()> {
    let Field::Known(input) = &s.integration_credential_id else {
        return Some(());
    };
    let owner = run.credentials.owner(input);
    let (client, standby) = (s.client_id.when_known(), s.standby_client_id.when_known());
    match rules::check_owner(input, owner.as_deref(), client, standby) {
        Ok(()) => Some(()),
        Err(e) => run.say([Note::AttributeError(e)]),
    }
}

/// At plan: the warnings about the credential, and the repair it needs (a
/// rotation that makes it again), if any.
pub fn plan(run: &mut Run<'_>, s: &SinkFields, kept: Option<&Kept>) -> Option<Repair> {
    warn_unkept(run, s, kept);
    let (warnings, repair) = rules::at_plan(s.integration_credential_id.str(), kept);
    run.notes
        .extend(warnings.into_iter().map(Note::AttributeWarning));
    repair
}

/// Records what a write into the credential did
/// (`integration_credential::record`); on an error, the state's id goes
/// null so the next plan shows the change.
pub fn record(
    run: &mut Run<'_>,
    input: &mut Field<String>,
    kept: &mut Option<Kept>,
    written: Option<Written>,
    creating: bool,
) {
    if let Some(e) = credential::record(input.str(), kept, written, creating) {
        run.notes.push(Note::AttributeError(e));
        *input = Field::Null;
    }
}

/// On an update that does not rotate: records the configured credential, or
/// writes the secret held in Vault (version `written`) into it
/// (`integration_credential::keep_current`).
pub async fn keep_current(
    run: &mut Run<'_>,
    (genesys, vault): (&GenesysClient, &VaultClient),
    spec: &SinkSpec,
    written: Option<u64>,
    input: &mut Field<String>,
    kept: &mut Option<Kept>,
) {
    let wired = input.str();
    if let Some(e) = credential::keep_current(genesys, vault, spec, written, wired, kept).await {
        run.notes.push(Note::AttributeError(e));
        *input = Field::Null;
    }
}
