//! One client, one sink across Terraform states, in Vault: the requests of
//! the rules in `crate::vault_secret::claim`. At plan (`check`), one read of each
//! new client's claim (plus, only when it names another entry, one read of
//! that entry's metadata), and whether the token may write it, asked with
//! the other capability checks of the moment; at apply (`write`), one
//! check-and-set write per claimed client, before any regenerate; at
//! destroy or when a pair lets a client go (`release`), a read and a
//! delete of the version that still names this entry. A token without
//! rights on the claims is a warning, never a refusal.

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::config::genesys_input::DEFAULT_CLIENT_ID_KEY;
use crate::note::Note;
use crate::process_records::claims::Claims;
use crate::vault::{ClaimRead, KvPath, KvVersion, VaultClient, VaultError};
use crate::vault_secret::claim::{Claim, Found, PlannedClaim, Verdict};

/// A client the sink claims: its attribute and its id.
pub(super) type Claiming<'a> = (&'static str, &'a str);

/// Runs `step` for each of at most two clients at once (a sink keeps one
/// client, or a pair).
async fn each<'a, T, F, Fut>(clients: &[Claiming<'a>], step: F) -> Vec<T>
where
    F: Fn(Claiming<'a>) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let first = async {
        match clients.first() {
            Some(c) => Some(step(*c).await),
            None => None,
        }
    };
    let second = async {
        match clients.get(1) {
            Some(c) => Some(step(*c).await),
            None => None,
        }
    };
    let (a, b) = tokio::join!(first, second);
    a.into_iter().chain(b).collect()
}

/// Where the claim of `client_id` is for a sink on `entry`'s mount, and
/// whether that mount keeps claims (KV v2). `Err`: the warning to say.
async fn claim_location(
    vault: &VaultClient,
    entry: &KvPath,
    (attribute, client_id): Claiming<'_>,
) -> Result<Option<KvPath>, Note> {
    let Some(at) =
        crate::vault_secret::claim::location(vault.claims_mount(), entry.mount(), client_id)
    else {
        return Ok(None);
    };
    let unprotected = |what: String| {
        Note::AttributeWarning(crate::vault_secret::claim::unprotected(
            attribute, client_id, &at, &what,
        ))
    };
    match vault.kv_version(at.mount()).await {
        Ok(KvVersion::V2) => Ok(Some(at)),
        Ok(KvVersion::V1) => Err(unprotected(crate::vault_secret::claim::kv1_reason(
            at.mount(),
        ))),
        Err(e) => Err(unprotected(format!(
            "the claims' mount could not be used ({e})"
        ))),
    }
}

/// What a claim location holds, as the rules take it.
fn found(read: ClaimRead) -> Found {
    match read.data.as_ref().and_then(Claim::from_data) {
        Some(claim) => Found::Named {
            version: read.version,
            claim,
        },
        None => Found::Free {
            version: read.version,
        },
    }
}

/// At plan: the claims of `clients`, which the sink writing `entry`
/// starts keeping. Returns what to say (a refusal on the client's
/// attribute when another entry still keeps it) and what the apply writes
/// over. `leaving`: the entries this plan replaces or destroys, whose
/// claims are this configuration's own to take.
pub(super) async fn read_at_plan(
    vault: &VaultClient,
    entry: &KvPath,
    clients: &[Claiming<'_>],
    leaving: &Claims,
) -> (Vec<Note>, Vec<PlannedClaim>) {
    let checked = each(clients, |c| check_one(vault, entry, c, leaving)).await;
    let mut notes = Vec::new();
    let mut planned = Vec::new();
    for (said, claim) in checked {
        notes.extend(said);
        planned.extend(claim);
    }
    (notes, planned)
}

async fn check_one(
    vault: &VaultClient,
    entry: &KvPath,
    claiming: Claiming<'_>,
    leaving: &Claims,
) -> (Vec<Note>, Option<PlannedClaim>) {
    let (attribute, client_id) = claiming;
    let at = match claim_location(vault, entry, claiming).await {
        Ok(Some(at)) => at,
        Ok(None) => return (vec![], None),
        Err(note) => return (vec![note], None),
    };
    let warn = |what: String| {
        Note::AttributeWarning(crate::vault_secret::claim::unprotected(
            attribute, client_id, &at, &what,
        ))
    };
    // The token's right to write is asked with the plan's other checks; a
    // read-only plan token is expected to lack it (the apply's says).
    let rights = async {
        if vault.read_only_plan() {
            return Ok(None);
        }
        vault.claim_capabilities(&at).await
    };
    let (read, rights) = tokio::join!(vault.read_claim(&at), rights);
    let read = match read {
        Ok(read) => read,
        Err(e @ VaultError::PermissionDenied { .. }) => {
            return (
                vec![warn(format!("the token may not read its claim ({e})"))],
                None,
            )
        }
        Err(e) => {
            let note = Note::Warning(
                "The client's claim could not be read at plan".into(),
                format!("{e}. The apply writes the claim before it regenerates anything, and stops if another sink has it."),
            );
            return (vec![note], None);
        }
    };
    let exists = read.version > 0;
    let mut notes = Vec::new();
    if let Ok(Some(caps)) = rights {
        if !crate::vault_secret::claim::may_write(&caps, exists) {
            notes.push(warn("the token may not write its claim, so the apply cannot record that this sink keeps it".into()));
        }
    }
    let (version, claim) = match crate::vault_secret::claim::judge(found(read), entry) {
        Verdict::Claim { cas } => (cas, None),
        Verdict::AskHolder { version, claim } => (version, Some(claim)),
    };
    let planned = PlannedClaim {
        client_id: client_id.into(),
        cas: version,
    };
    let Some(claim) = claim.filter(|c| !leaving.is_leaving(client_id, &c.entry)) else {
        return (notes, Some(planned));
    };
    let (note, takes) = other_entry(vault, claiming, entry, &claim, &at).await;
    notes.push(note);
    (notes, takes.then_some(planned))
}

/// A claim that names another entry than `entry`, the sink's, read at
/// `at`: a refusal while that entry still holds the client (or when that
/// cannot be read), else a warning and the claim is taken over (`true`).
async fn other_entry(
    vault: &VaultClient,
    (attribute, client_id): Claiming<'_>,
    entry: &KvPath,
    claim: &Claim,
    at: &KvPath,
) -> (Note, bool) {
    match holds(vault, claim, client_id).await {
        Ok(true) => {
            let e = crate::vault_secret::claim::conflict(attribute, client_id, entry, claim);
            (Note::AttributeError(e), false)
        }
        Ok(false) => {
            let w = crate::vault_secret::claim::stale(attribute, client_id, claim, at);
            (Note::AttributeWarning(w), true)
        }
        Err(e) => {
            let why = e.to_string();
            let e =
                crate::vault_secret::claim::holder_unknown(attribute, client_id, claim, at, &why);
            (Note::AttributeError(e), false)
        }
    }
}

/// Whether the entry `claim` names still holds `client_id`
/// (`crate::vault_secret::claim::still_holds`; KV v1: the client id under the default
/// key is its mark).
async fn holds(vault: &VaultClient, claim: &Claim, client_id: &str) -> Result<bool, VaultError> {
    let Some(entry) = KvPath::parse(&claim.entry) else {
        return Ok(false);
    };
    let (marked, deleted) = match vault.kv_version(entry.mount()).await? {
        KvVersion::V2 => match vault.read_metadata(&entry).await? {
            Some(md) => {
                let deleted = md.current_version > 0 && !md.latest_is_live();
                (
                    crate::vault_secret::rules::owner_of(&md.custom_metadata).map(str::to_string),
                    deleted,
                )
            }
            None => (None, false),
        },
        KvVersion::V1 => {
            let data = vault.read_data(&entry).await?.live();
            let id = data.as_ref().and_then(|d| d.value(DEFAULT_CLIENT_ID_KEY));
            (id.map(|id| id.expose().to_string()), false)
        }
    };
    Ok(crate::vault_secret::claim::still_holds(
        claim,
        client_id,
        marked.as_deref(),
        deleted,
    ))
}

/// At apply, before any regenerate: writes the claims of the clients the
/// sink of `spec` starts keeping (`SinkSpec::claiming`), each with the
/// check-and-set its plan saw (`SinkSpec::planned_claims`). A claim
/// another apply won stops the apply (nothing regenerated); a token that
/// may not write one is a warning.
pub(super) async fn write(vault: &VaultClient, spec: &SinkSpec) -> Result<Vec<Note>, SinkError> {
    let (entry, clients, planned) = (&spec.entry, spec.claiming(), &spec.planned_claims);
    let claim = Claim {
        entry: entry.to_string(),
        sink_client_id: spec.client_id.clone(),
        workspace: crate::config::Env::process().var("TFC_WORKSPACE_NAME"),
    };
    let written = each(&clients, |c| write_one(vault, entry, &claim, c, planned)).await;
    let mut notes = Vec::new();
    for outcome in written {
        notes.extend(outcome?);
    }
    Ok(notes)
}

async fn write_one(
    vault: &VaultClient,
    entry: &KvPath,
    claim: &Claim,
    claiming: Claiming<'_>,
    planned: &[PlannedClaim],
) -> Result<Option<Note>, SinkError> {
    let (attribute, client_id) = claiming;
    let at = match claim_location(vault, entry, claiming).await {
        Ok(Some(at)) => at,
        Ok(None) => return Ok(None),
        Err(note) => return Ok(Some(note)),
    };
    let lost = |winner: Option<&Claim>| {
        SinkError::ClaimTaken(crate::vault_secret::claim::lost_race(
            client_id, entry, &at, winner,
        ))
    };
    let cas = crate::vault_secret::claim::planned_cas(planned, client_id);
    match vault.write_claim(&at, &claim.to_data(), cas).await {
        Ok(()) => Ok(None),
        Err(e @ VaultError::PermissionDenied { .. }) => {
            let what = format!("the apply's token may not write its claim ({e})");
            let w = crate::vault_secret::claim::unprotected(attribute, client_id, &at, &what);
            Ok(Some(Note::AttributeWarning(w)))
        }
        Err(VaultError::CasMismatch { .. } | VaultError::Ambiguous { .. }) => {
            let now = found(vault.read_claim(&at).await?);
            match crate::vault_secret::claim::after_cas_failure(now, entry) {
                Ok(()) => Ok(None),
                Err(winner) => Err(lost(winner.as_ref())),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Releases the claims of `clients` that still name `entry` (the sink
/// was destroyed, or let them go); what could not be released is a
/// warning.
pub(super) async fn release(
    vault: &VaultClient,
    entry: &KvPath,
    clients: &[Claiming<'_>],
) -> Vec<Note> {
    each(clients, |c| release_one(vault, entry, c))
        .await
        .into_iter()
        .flatten()
        .collect()
}

async fn release_one(vault: &VaultClient, entry: &KvPath, claiming: Claiming<'_>) -> Option<Note> {
    let at = claim_location(vault, entry, claiming).await.ok()??;
    let released = async {
        let now = found(vault.read_claim(&at).await?);
        match crate::vault_secret::claim::release_version(&now, entry) {
            Some(version) => vault.delete_claim_version(&at, version).await,
            None => Ok(()),
        }
    };
    let e = released.await.err()?;
    // A token that may not touch the claims never wrote one either (its
    // plan said so).
    if matches!(e, VaultError::PermissionDenied { .. }) {
        return None;
    }
    Some(Note::Warning(
        "The client's claim was not released".into(),
        format!("{e}. The claim at {at} still names {entry}; once that entry no longer holds OAuth client {}, another sink takes the claim over with a warning.", claiming.1),
    ))
}

/// After a swap within the pair moved the entry's mark to `spec`'s
/// `client_id`: the claims of both clients that name the entry are
/// written again naming it, so that they keep matching the mark
/// (`crate::vault_secret::claim::follow_mark`); what could not be is a warning.
pub(super) async fn follow_mark(vault: &VaultClient, spec: &SinkSpec) -> Vec<Note> {
    let clients: Vec<Claiming<'_>> = spec.pair().clients().map(|c| ("client_id", c)).collect();
    each(&clients, |c| follow_one(vault, spec, c))
        .await
        .into_iter()
        .flatten()
        .collect()
}

async fn follow_one(vault: &VaultClient, spec: &SinkSpec, claiming: Claiming<'_>) -> Option<Note> {
    let at = claim_location(vault, &spec.entry, claiming).await.ok()??;
    let moved = async {
        let now = found(vault.read_claim(&at).await?);
        match crate::vault_secret::claim::follow_mark(&now, &spec.entry, &spec.client_id) {
            Some((version, claim)) => vault.write_claim(&at, &claim.to_data(), version).await,
            None => Ok(()),
        }
    };
    match moved.await.err()? {
        VaultError::PermissionDenied { .. } => None,
        e => Some(Note::Warning(
            "The client's claim does not follow the swap".into(),
            format!("{e}. The claim at {at} still names the sink's former client_id; until it is written again, another state's sink for OAuth client {} would find it stale and take it over.", claiming.1),
        )),
    }
}
