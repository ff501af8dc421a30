//! The sink's apply and import, over plain fields: a create or an update
//! that rotates (`rotate_into`: the rotation's outcome turned into the
//! fields and record to keep, what a failure after the regenerate leaves
//! marked for the next plan to repair, a pair's restore); an update that
//! rewrites or relabels; a destroy; an import that adopts the entry as it
//! is.

use super::call::Run;
use super::checks::{adoptable, left_in_place};
use super::credential_phases;
use super::label::label;
use super::outcome::{restore_notes, rotated_notes, verify_failed};
use super::planning::claim;
use super::rotation::{remove, rewrite, rotate, Rotated};
use super::spec::{Expect, SinkSpec};
use super::vault_claim;
use crate::note::Note;
use crate::vault::VaultClient;
use crate::vault_secret::claim::PlannedClaim;
use crate::vault_secret::credential_rules::target;
use crate::vault_secret::fields::{time_field, Field, SinkFields};
use crate::vault_secret::record::SinkRecord;
use crate::vault_secret::rules::{version_in_state, OnDestroy, UpdateWrite};

/// What the sink with fields `s` writes; `None` (said) when its mount and
/// path name no entry.
pub(super) fn spec_of(run: &mut Run<'_>, s: &SinkFields) -> Option<SinkSpec> {
    SinkSpec::of(s)
        .map_err(|e| run.notes.push(Note::AttributeError(e)))
        .ok()
}

/// A create: the secret regenerated into a new entry, the sink's clients
/// claimed first as its plan (`record`) saw their claims.
pub async fn create(
    run: &mut Run<'_>,
    planned: SinkFields,
    record: SinkRecord,
) -> Option<(SinkFields, SinkRecord)> {
    rotate_into(run, planned, None, Expect::New, record.claims).await
}

/// The clients an apply from `prior` (`None`: a create) to `planned`
/// starts keeping, each with its attribute, and the ids it stops keeping.
fn changed_clients(
    prior: Option<&SinkFields>,
    planned: &SinkFields,
) -> (Vec<(&'static str, String)>, Vec<String>) {
    let (new, gone) = crate::vault_secret::claim::changed_clients(
        prior.map(SinkFields::pair_ids),
        planned.pair_ids(),
    );
    let new = new.into_iter().map(|(a, c)| (a, c.to_string())).collect();
    (new, gone.into_iter().map(str::to_string).collect())
}

/// Releases the claims of `clients`, which the sink writing `spec`'s entry
/// no longer keeps; a failure is a warning.
async fn release(run: &mut Run<'_>, vault: &VaultClient, spec: &SinkSpec, clients: &[String]) {
    if clients.is_empty() {
        return;
    }
    let clients: Vec<(&'static str, &str)> =
        clients.iter().map(|c| ("client_id", c.as_str())).collect();
    let notes = vault_claim::release(vault, &spec.entry, &clients).await;
    run.notes.extend(notes);
}

/// An update from `prior` to `planned`, as its plan recorded in `record`:
/// a rotation, a rewrite, new labels, or nothing in Vault; then the
/// integration credential kept current.
pub async fn update(
    run: &mut Run<'_>,
    prior: SinkFields,
    mut planned: SinkFields,
    record: SinkRecord,
) -> Option<(SinkFields, SinkRecord)> {
    let expect = Expect::Observed(record.observed());
    let write = crate::vault_secret::update::write_of(&prior, &planned);
    if write == UpdateWrite::Rotate {
        let claims = record.claims.clone();
        return rotate_into(run, planned, Some((prior, record)), expect, claims).await;
    }
    let genesys = run.genesys()?;
    let vault = run.vault()?;
    let mut spec = spec_of(run, &planned)?;
    // A new standby: claimed before anything is written.
    let (claiming, gone) = changed_clients(Some(&prior), &planned);
    spec.claiming = claiming;
    spec.planned_claims = record.claims.clone();
    match vault_claim::write(&vault, &spec).await {
        Ok(notes) => run.notes.extend(notes),
        Err(e) => {
            run.notes.push(e.note("Could not claim the OAuth client"));
            return None;
        }
    }
    // The metadata written here names the credential the sink keeps.
    let wired = planned.integration_credential_id.str();
    spec.credential = target(wired, record.credential.as_ref());
    let mut after = SinkRecord {
        adopted: false,
        claims: Vec::new(),
        ..record.clone()
    };
    match write {
        UpdateWrite::Rewrite => match rewrite(&genesys, &vault, &spec, &prior.keys(), expect).await
        {
            Ok(version) => {
                planned.vault_version = Field::Known(version_in_state(version));
                after = SinkRecord::after_write(version);
            }
            Err(e) => {
                run.notes.push(e.note("Could not rewrite the Vault entry"));
                return None;
            }
        },
        UpdateWrite::Relabel => {
            let active = spec.pair().active(&[spec.active_client_id.as_deref()]);
            if let Err(e) = label(&vault, &spec, active).await {
                return run.fail("Could not update the Vault entry's metadata", e);
            }
        }
        // A rotation went to rotate_into above.
        UpdateWrite::Rotate | UpdateWrite::Nothing => {}
    }
    let mut kept = record.credential;
    let (written, wired) = (
        after.written_version,
        &mut planned.integration_credential_id,
    );
    credential_phases::keep_current(run, (&genesys, &vault), &spec, written, wired, &mut kept)
        .await;
    after.credential = kept;
    release(run, &vault, &spec, &gone).await;
    after_swap(run, &vault, &spec, &prior).await;
    Some((planned, after))
}

/// After an update from `prior` that swapped the pair's two ids (the
/// entry's mark moved to the new `client_id`): the claims follow the mark.
async fn after_swap(run: &mut Run<'_>, vault: &VaultClient, spec: &SinkSpec, prior: &SinkFields) {
    if prior.client_id.str() != Some(spec.client_id.as_str()) {
        let notes = vault_claim::follow_mark(vault, spec).await;
        run.notes.extend(notes);
    }
}

/// Runs a rotation and turns its outcome into fields, record and notes.
/// `prior` is the state an update starts from (`None` on create): what an
/// update leaves when it fails after the regenerate is recorded there, so
/// that the next plan repairs it.
async fn rotate_into(
    run: &mut Run<'_>,
    mut planned: SinkFields,
    prior: Option<(SinkFields, SinkRecord)>,
    expect: Expect,
    planned_claims: Vec<PlannedClaim>,
) -> Option<(SinkFields, SinkRecord)> {
    let genesys = run.genesys()?;
    let vault = run.vault()?;
    let mut spec = spec_of(run, &planned)?;
    let (claiming, gone) = changed_clients(prior.as_ref().map(|(p, _)| p), &planned);
    spec.claiming = claiming;
    spec.planned_claims = planned_claims;
    // The client in Vault, as state says, when state can be trusted.
    spec.active_client_id = prior
        .as_ref()
        .and_then(|(state, record)| record.trusted(state.active_client_id.str()));
    claim(run, &planned)?;
    let mut kept = prior.as_ref().and_then(|(_, r)| r.credential.clone());
    credential_phases::warn_unkept(run, &planned, kept.as_ref());
    spec.credential = target(planned.integration_credential_id.str(), kept.as_ref());
    let mut r = match rotate(&genesys, &vault, &spec, expect).await {
        Ok(r) => r,
        Err(e) => {
            run.notes
                .push(e.note("Could not rotate the OAuth client secret into Vault"));
            // The secret may have been regenerated without reaching
            // Vault. On an update, keep the prior state and mark it, so
            // the next plan repairs the entry even if the config changes
            // back.
            let (state, mut record) = prior.filter(|_| e.maybe_dead())?;
            record.maybe_dead = true;
            record.claims.clear();
            return Some((state, record));
        }
    };
    run.notes.append(&mut r.claim_notes);
    if let Some(restored) = after_restore(run, &spec, prior.as_ref(), &mut r) {
        return Some(restored);
    }
    run.say(rotated_notes(&spec, &r));
    release(run, &vault, &spec, &gone).await;
    if let Some((prior, _)) = &prior {
        after_swap(run, &vault, &spec, prior).await;
    }
    planned.active_client_id = Field::Known(r.client_id);
    planned.id = Field::Known(spec.entry.to_string());
    planned.vault_version = Field::Known(version_in_state(r.version));
    planned.secret_hash = Field::Known(r.hash);
    planned.rotated_at = time_field(Some(r.rotated_at));
    planned.rotate_after = planned.next_rotation();
    planned.verified_at = time_field(r.verified_at);
    let mut record = SinkRecord::after_write(r.version);
    let wired = &mut planned.integration_credential_id;
    credential_phases::record(run, wired, &mut kept, r.credential, prior.is_none());
    record.credential = kept;
    if let Some(e) = r.verify_error {
        record.unverified = prior.is_some();
        let failed = verify_failed(&spec, &e, prior.is_some());
        run.notes.push(failed);
    }
    Some((planned, record))
}

/// After a rotation in a pair whose new credentials did not work: reports
/// the restore (the other client's credentials put back), and on an update
/// whose restore was written, returns the prior state at the version the
/// restore wrote. `None` when nothing was put back, or on a create: the
/// rotation is recorded as usual.
fn after_restore(
    run: &mut Run<'_>,
    spec: &SinkSpec,
    prior: Option<&(SinkFields, SinkRecord)>,
    r: &mut Rotated,
) -> Option<(SinkFields, SinkRecord)> {
    let restored = r.restored.take()?;
    run.say(restore_notes(spec, r, &restored));
    let restored = restored.ok()?;
    let (state, record) = prior?;
    let mut state = state.clone();
    state.vault_version = Field::Known(version_in_state(restored.version));
    let mut after = SinkRecord::after_write(restored.version);
    after.credential = record.credential.clone();
    Some((state, after))
}

/// A destroy of the sink in `prior`: a recovered integration credential
/// handed to its client's destroy, then the entry removed as `on_destroy`
/// says (never one someone else has since taken over).
pub async fn destroy(
    run: &mut Run<'_>,
    prior: SinkFields,
    record: Option<&SinkRecord>,
) -> Option<()> {
    let kept = record.and_then(|r| r.credential.as_ref());
    credential_phases::hand_over(run.credentials, &prior, kept);
    let on_destroy = OnDestroy::or_default(&prior.on_destroy.text());
    let vault = run.vault()?;
    let spec = spec_of(run, &prior)?;
    let removed = match remove(&vault, &spec, on_destroy).await {
        Ok(removed) => removed,
        Err(e) => {
            run.notes.push(e.note("Could not remove the Vault entry"));
            return None;
        }
    };
    // The sink no longer keeps its clients: their claims go.
    let clients: Vec<String> = spec.pair().clients().map(str::to_string).collect();
    release(run, &vault, &spec, &clients).await;
    run.say(left_in_place(&spec, removed))
}

/// An import of `id` (`crate::vault_secret::import::check_import_id`'s grammar) into a
/// sink whose other attributes hold their `defaults`: the entry adopted as
/// it is, the rotation clock running from when it was written.
pub async fn import(
    run: &mut Run<'_>,
    id: &str,
    defaults: SinkFields,
) -> Option<(SinkFields, SinkRecord)> {
    let key = defaults.client_id_key.text();
    let parsed = match crate::vault_secret::import::check_import_id(id, &key) {
        Ok(parsed) => parsed,
        Err(refusals) => {
            let notes = refusals.into_iter().map(|(s, d)| Note::Error(s, d));
            run.notes.extend(notes);
            return None;
        }
    };
    let entry = parsed.entry.clone();
    let mut state = SinkFields {
        id: Field::Known(entry.to_string()),
        client_id: Field::Known(parsed.client_id.clone()),
        standby_client_id: Field::or_null(parsed.standby.clone()),
        mount: Field::Known(entry.mount().to_string()),
        path: Field::Known(entry.path().to_string()),
        ..defaults
    };
    let vault = run.vault()?;
    let adopted = adoptable(&vault, &parsed).await;
    let (active, written_at) = adopted.map_err(|n| run.notes.push(n)).ok()?;
    state.active_client_id = Field::Known(active);
    // The rotation clock runs from when the entry was written.
    state.rotated_at = time_field(written_at);
    let record = SinkRecord {
        adopted: true,
        ..SinkRecord::default()
    };
    Some((state, record))
}
