//! A refresh of the sink (Terraform's read), over plain fields: a client
//! gone from Genesys plans a replacement (the entry this provider wrote is
//! deleted, never left behind by a sink dropped from state); what Vault
//! holds is recorded for the plan's drift rules; an integration credential
//! state lost is found again from the entry's record; a state from before
//! `active_client_id` adopts the entry's record; `verify_on_read` exchanges
//! the stored credentials.

use std::collections::BTreeMap;

use super::call::Run;
use super::checks::stored_note;
use super::credential_steps as credential;
use super::preflight::observe;
use super::spec::SinkSpec;
use super::verify::{stored_credentials, Stored};
use crate::genesys::GenesysClient;
use crate::note::Note;
use crate::vault::VaultClient;
use crate::vault_secret::fields::{Field, SinkFields};
use crate::vault_secret::record::SinkRecord;

/// What a refresh finds of the sink in `state`, recorded last in `record`:
/// the state and record to keep, `None` when a read failed (said).
pub async fn read(
    run: &mut Run<'_>,
    mut state: SinkFields,
    mut record: SinkRecord,
) -> Option<(SinkFields, SinkRecord)> {
    let genesys = run.genesys()?;
    let vault = run.vault()?;
    let spec = SinkSpec::of(&state)
        .map_err(|e| run.say([Note::AttributeError(e)]))
        .ok()?;
    // Independent reads, overlapped; their outcomes are judged in the
    // order they were made in before: Genesys first.
    let (client, seen) = tokio::join!(
        genesys.get_client(&spec.client_id, None),
        observe(&vault, &spec.entry, &spec.keys.client_id)
    );
    match client {
        Ok(Some(c)) if !c.is_deleted() => {}
        Ok(_) => {
            // Its secret can no longer work: plan a replacement, which
            // deletes the entry this provider wrote, rather than dropping
            // the sink and leaving the entry behind.
            tracing::info!(client_id = %spec.client_id, "OAuth client is gone; the sink will be replaced");
            record.client_gone = true;
            // Shown by a refresh-only plan (drift detection).
            state.verified_at = Field::Null;
            return Some((state, record));
        }
        Err(e) => return run.fail("Could not read the sink's OAuth client", e),
    }
    let seen = match seen {
        Ok(seen) => seen,
        Err(e) => return run.fail("Could not read the Vault entry", e),
    };
    let observed = seen.observed;
    record.written_version = observed.adopted_written(record.written_version);
    refresh_credential(
        run,
        &genesys,
        &spec,
        &mut state,
        &mut record,
        &seen.metadata,
    )
    .await?;
    record.observed_version = observed.current_version;
    record.observed_live = observed.latest_live;
    record.secret_rejected = false;
    let verify_on_read = state.verify_on_read.known().copied();
    if verify_on_read.unwrap_or(crate::vault_secret::rules::DEFAULT_VERIFY_ON_READ)
        && observed.latest_live
    {
        check_stored(run, &genesys, &vault, &spec, &mut state, &mut record).await?;
    }
    state.vault_version = Field::or_null(observed.live_version().map(|v| v as i64));
    if state.id.is_null() {
        state.id = Field::Known(spec.entry.to_string());
    }
    if state.active_client_id.is_null() {
        // Written before the attribute existed, or dropped by an older
        // release's refresh: the entry's record says.
        let recorded = seen.recorded.as_deref();
        let active =
            crate::vault_secret::import::active_when_state_has_none(&spec.client_id, recorded);
        state.active_client_id = Field::Known(active);
    }
    Some((state, record))
}

/// What the record keeps of the credential, refreshed, and the credential
/// state lost, found again from the entry's record (`metadata`).
async fn refresh_credential(
    run: &mut Run<'_>,
    genesys: &GenesysClient,
    spec: &SinkSpec,
    state: &mut SinkFields,
    record: &mut SinkRecord,
    metadata: &BTreeMap<String, String>,
) -> Option<()> {
    if let Err(e) = credential::refresh(genesys, &mut record.credential).await {
        return run.fail("Could not read the sink's integration credential", e);
    }
    let in_state = state.integration_credential_id.str();
    let kept = &mut record.credential;
    match credential::recover(genesys, &spec.client_id, in_state, kept, metadata).await {
        Ok(found) => {
            if let Some(id) = found {
                state.integration_credential_id = Field::Known(id);
            }
            Some(())
        }
        Err(e) => run.fail(
            "Could not read the integration credential the Vault entry names",
            e,
        ),
    }
}

/// `verify_on_read`: exchanges the credentials stored in Vault and
/// records a rejection for the plan (a repair) and for a refresh-only
/// plan (`verified_at` cleared).
async fn check_stored(
    run: &mut Run<'_>,
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    state: &mut SinkFields,
    record: &mut SinkRecord,
) -> Option<()> {
    match stored_credentials(genesys, vault, spec).await {
        Ok(stored) => {
            if stored == Stored::Rejected {
                record.secret_rejected = true;
                state.verified_at = Field::Null;
            }
            run.say(stored_note(spec, &stored))
        }
        Err(e) => run.fail("Could not check the credentials stored in Vault", e),
    }
}
