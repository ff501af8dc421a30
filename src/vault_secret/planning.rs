//! The sink at plan, over plain fields: a create's plan and an update's
//! (replace when an attribute that forces it changed or the client is
//! gone; else rotate, rewrite or keep by `crate::vault_secret::update::decide`), and
//! what every plan checks before anything is destroyed or regenerated: the
//! clients' ids, one client one sink, the integration credential's owner,
//! that the token may write the entry, and the client a rotation writes.

use time::OffsetDateTime;

use super::call::Run;
use super::checks::{self, vault_writable};
use super::credential_phases;
use super::preflight::check_ahead;
use super::target::planned_target;
use super::vault_claim::{self, Claiming};
use crate::note::Note;
use crate::vault_secret::fields::{Field, SinkFields};
use crate::vault_secret::input::check_config_clients;
use crate::vault_secret::record::SinkRecord;
use crate::vault_secret::rules::Update;

/// A create's plan of `planned` (defaults applied); `None` when it must
/// stop (said).
pub async fn plan_new_sink(run: &mut Run<'_>, mut planned: SinkFields) -> Option<SinkFields> {
    planned.id = planned
        .entry()
        .map_or(Field::Unknown, |e| Field::Known(e.to_string()));
    planned.mark_rotation_unknown();
    check_known_clients(run, &planned)?;
    claim(run, &planned)?;
    credential_phases::warn_unkept(run, &planned, None);
    let (claiming, _) = crate::vault_secret::claim::changed_clients(None, planned.pair_ids());
    before_rotation(run, &planned, false, None, &[], &claiming).await?;
    Some(planned)
}

/// A destroy's plan of the sink in `prior`: its clients' claims in Vault
/// are this configuration's own to take over (by a sink that replaces it).
pub fn plan_removal(run: &mut Run<'_>, prior: &SinkFields) {
    leave(run, prior);
}

/// Records that the sink in `prior` stops keeping its clients in this
/// plan (destroyed or replaced).
fn leave(run: &mut Run<'_>, prior: &SinkFields) {
    let Some(entry) = prior.entry() else {
        return;
    };
    for id in [prior.client_id.str(), prior.standby_client_id.str()]
        .into_iter()
        .flatten()
    {
        run.claims.leave(id, &entry);
    }
}

/// An update's plan from `prior` to `planned` (defaults applied), with
/// `config` as written, `record` as the last read left it and `replace`
/// the attributes that changed and force a replacement. Returns the plan
/// and the attributes Terraform replaces the sink for (none: an update).
pub async fn plan_change(
    run: &mut Run<'_>,
    prior: &SinkFields,
    mut planned: SinkFields,
    config: &SinkFields,
    record: &SinkRecord,
    mut replace: Vec<String>,
) -> Option<(SinkFields, Vec<String>)> {
    check_known_clients(run, &planned)?;
    claim(run, &planned)?;
    if crate::vault_secret::pair::same_pair(prior.pair_ids(), planned.pair_ids()) {
        replace.retain(|name| name != "client_id");
    }
    if !replace.is_empty() || record.client_gone {
        leave(run, prior);
        let replace = replacement(run, &mut planned, replace).await?;
        return Some((planned, replace));
    }
    // A new standby: its claim is checked (with the rotation's checks
    // when there is one).
    let (client, standby) = planned.pair_ids();
    let ids = (client.map(str::to_string), standby.map(str::to_string));
    let after = (ids.0.as_deref(), ids.1.as_deref());
    let (claiming, _) = crate::vault_secret::claim::changed_clients(Some(prior.pair_ids()), after);
    planned.carry_computed(prior);
    planned.integration_credential_id = credential_phases::planned_id(config, prior, record);
    let remake = credential_phases::plan(run, &planned, record.credential.as_ref());
    let now = OffsetDateTime::now_utc();
    let update = crate::vault_secret::update::decide(prior, &planned, config, record, remake, now);
    match update {
        Update::Rotate { reasons, repair } => {
            let active = prior.active_client_id.str();
            before_rotation(run, &planned, true, active, &reasons, &claiming).await?;
            planned.mark_rotation_unknown();
            if repair && record.repair().is_some() {
                let (mount, path) = (planned.mount.text(), planned.path.text());
                let notice = crate::vault_secret::rules::repair_notice(&mount, &path, &reasons);
                run.notes.push(Note::AttributeWarning(notice));
            }
        }
        Update::Rewrite => {
            check_vault(run, &planned).await?;
            check_claims(run, &planned, &claiming).await?;
            planned.vault_version = Field::Unknown;
        }
        Update::Keep => check_claims(run, &planned, &claiming).await?,
    }
    Some((planned, Vec::new()))
}

/// The plan of a replacement: attributes that force one changed
/// (`replace`), or the client is gone. Returns the attributes Terraform
/// replaces for.
async fn replacement(
    run: &mut Run<'_>,
    planned: &mut SinkFields,
    replace: Vec<String>,
) -> Option<Vec<String>> {
    planned.mark_rotation_unknown();
    if replace.is_empty() {
        // The client is gone. Terraform replaces only for a path whose
        // value changes: the secret's hash, unknown until the new sink
        // writes one.
        let (client_id, entry) = (planned.client_id.text(), planned.id.text());
        let notice = crate::vault_secret::rules::client_gone_notice(&client_id, &entry);
        run.notes.push(Note::AttributeWarning(notice));
        return Some(vec!["secret_hash".into()]);
    }
    planned.id = Field::Unknown;
    // A typo in mount or path must fail here, not after the old entry
    // is deleted and the secret regenerated.
    let why = ["the sink is replaced (an attribute that forces replacement changed)".into()];
    // The new sink's claims are checked by its create's plan.
    before_rotation(run, planned, false, None, &why, &[]).await?;
    Some(replace)
}

/// The checks of the sink's clients on the values the plan knows: an
/// error on the attribute for each problem.
fn check_known_clients(run: &mut Run<'_>, s: &SinkFields) -> Option<()> {
    let errors = check_config_clients(s);
    run.say(errors.into_iter().map(Note::AttributeError))
}

/// Claims the sink's clients (its client and its standby) for its entry
/// (one client, one sink); an error on the attribute naming a client
/// another entry holds, or a credential recorded as another client's.
pub(super) fn claim(run: &mut Run<'_>, s: &SinkFields) -> Option<()> {
    credential_phases::check_owner(run, s)?;
    let Some(entry) = s.entry() else {
        return Some(());
    };
    let clients = [
        ("client_id", s.client_id.str()),
        ("standby_client_id", s.standby_client_id.str()),
    ];
    let notes = checks::claim(run.claims, &entry, clients);
    run.say(notes)
}

/// At plan, the claims in Vault of the clients the sink starts keeping
/// (`claiming`): one client, one sink across states. What the apply
/// writes over is kept in the run.
async fn check_claims(run: &mut Run<'_>, s: &SinkFields, claiming: &[Claiming<'_>]) -> Option<()> {
    let ahead = check_ahead(s.client_id.str(), s.standby_client_id.when_known());
    let Some(entry) = s.entry().filter(|_| ahead && !claiming.is_empty()) else {
        return Some(());
    };
    let vault = run.vault()?;
    let (notes, planned) = vault_claim::read_at_plan(&vault, &entry, claiming, run.claims).await;
    run.planned_claims.extend(planned);
    run.say(notes)
}

/// At plan, before a rewrite: the entry's mount exists and is KV, and the
/// token may write the entry (`checks::vault_writable`).
async fn check_vault(run: &mut Run<'_>, s: &SinkFields) -> Option<()> {
    let Some(entry) = s.entry() else {
        return Some(());
    };
    let vault = run.vault()?;
    let note = vault_writable(&vault, &entry, true).await;
    run.say(note)
}

/// At plan, before anything is destroyed or regenerated, two checks: the
/// token may write the entry the way a rotation does (`exists`: the entry
/// is the sink's already; Vault out of reach is only a warning, as the
/// apply checks again; not asked when [`check_ahead`] says nobody can be
/// cut off), and the client the rotation writes may be
/// written, given the client the state records in Vault (`active`); the
/// regenerate is announced with its `reasons`. Each is a round trip, so
/// they run at once, with the check of the claims of the clients the sink
/// starts keeping (`claiming`; their capability check shares the Vault
/// check's request); what they say comes out as if one ran after the
/// other: the Vault check first, the claims', and the client's only when
/// those let the plan go on.
async fn before_rotation(
    run: &mut Run<'_>,
    planned: &SinkFields,
    exists: bool,
    active: Option<&str>,
    reasons: &[String],
    claiming: &[Claiming<'_>],
) -> Option<()> {
    let ahead = check_ahead(
        planned.client_id.str(),
        planned.standby_client_id.when_known(),
    );
    let vault = match planned.entry().filter(|_| ahead) {
        Some(entry) => Some((run.vault()?, entry)),
        None => None,
    };
    let vault_check = async {
        let (vault, entry) = vault.as_ref()?;
        vault_writable(vault, entry, exists).await
    };
    // A client this process created and gave to nobody is claimed by
    // nobody else either: its claim is written at cas 0 without a read.
    let claims = match planned.entry().filter(|_| ahead && !claiming.is_empty()) {
        Some(entry) => Some((run.vault()?, entry)),
        None => None,
    };
    let leaving = run.claims;
    let claims_check = async {
        let (vault, entry) = claims.as_ref()?;
        Some(vault_claim::read_at_plan(vault, entry, claiming, leaving).await)
    };
    let apis = run.apis();
    let mut unconfigured = None;
    let genesys = || apis.genesys().map_err(|n| unconfigured = Some(n)).ok();
    let standby = planned.standby_client_id.when_known();
    let client_id = planned.client_id.str();
    let target = planned_target(genesys, client_id, standby, active, reasons);
    let (vault_note, claimed, target_notes) = tokio::join!(vault_check, claims_check, target);
    run.say(vault_note)?;
    if let Some((notes, planned_claims)) = claimed {
        run.planned_claims.extend(planned_claims);
        run.say(notes)?;
    }
    run.say(unconfigured)?;
    run.say(target_notes?)
}
