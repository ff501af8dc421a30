//! The rotation algorithm of `genesyscloud_oauth_client_vault_secret`:
//! check → mark → claim → regenerate → write → label ∥ credential ∥ verify
//! ([`rotate`]), and the writes beside it: a rewrite of what Vault holds
//! without a regenerate ([`rewrite`]), the entry's labels ([`label`]), and
//! its removal at destroy ([`remove`]).
//!
//! What this keeps true: everything that can be checked is checked before
//! the regenerate, the secret goes from the regenerate answer to the Vault
//! write and nowhere else, and a failure after the regenerate says what is
//! left (`SinkError::maybe_dead`).

use std::collections::BTreeMap;

use time::OffsetDateTime;
use tracing::{info, warn};

use super::credential_steps::{self as integration_credential, Written};
use super::error::SinkError;
use super::label::label;
use super::preflight::preflight;
use super::restore::{self, Restored};
use super::settle::{settle_lost_write, Settled};
use super::spec::{Expect, KeyNames, SinkSpec};
use super::verify::{verify, verify_entry};
use super::{oauth_clients, vault_claim};
use crate::genesys::GenesysClient;
use crate::hashing::secret_hash;
use crate::note::Note;
use crate::secret::Secret;
use crate::vault::{KvValue, KvVersion, VaultClient, VaultError};
use crate::vault_secret::rules::OnDestroy;

/// The result of a rotation.
#[derive(Debug)]
pub struct Rotated {
    /// The client whose secret was regenerated and written: now the active
    /// one.
    pub client_id: String,
    /// How the roles of a pair's clients differ, if they do.
    pub roles_differ: Option<String>,
    /// The entry's metadata could not record the new active client after
    /// the write (the secret is written; state records it).
    pub label_error: Option<VaultError>,
    /// KV v2 version written (`None` on KV v1).
    pub version: Option<u64>,
    /// Hash of the new secret.
    pub hash: String,
    /// When the secret was regenerated.
    pub rotated_at: OffsetDateTime,
    /// When the new credentials were seen to work; `None` if not verified.
    pub verified_at: Option<OffsetDateTime>,
    /// Set when verification was asked for and failed: the secret is in Vault
    /// but the credentials read back from it do not work.
    pub verify_error: Option<SinkError>,
    /// What writing the integration credential did (`None` without one).
    pub credential: Option<Written>,
    /// After a failed verify in a pair: the other client's credentials,
    /// untouched by the rotation, written back (or why they could not be).
    pub restored: Option<Result<Restored, SinkError>>,
    /// What writing the clients' claims said (a token that may not).
    pub claim_notes: Vec<Note>,
}

/// The data written to the entry: `client_id`'s credentials.
fn entry(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    client_id: &str,
    secret: Secret,
) -> BTreeMap<String, KvValue> {
    let mut data: BTreeMap<String, KvValue> = spec
        .extra
        .iter()
        .map(|(k, v)| (k.clone(), KvValue::Plain(v.clone())))
        .collect();
    let api = genesys
        .endpoints()
        .api
        .as_str()
        .trim_end_matches('/')
        .to_string();
    for (key, value) in [
        (&spec.keys.client_id, client_id.to_string()),
        (&spec.keys.base_url, api),
        (&spec.keys.token_url, genesys.token_url()),
    ] {
        if !key.is_empty() {
            data.insert(key.clone(), KvValue::Plain(value));
        }
    }
    data.insert(spec.keys.client_secret.clone(), KvValue::Secret(secret));
    data
}

/// Rotates the secret into Vault. In order, so that nothing that can be
/// refused is refused after the old secret died:
/// 1. checks (preflight, overlapped with the client and credential reads):
///    the entry is new, ours, or a gone client's; unchanged since the plan;
///    writable by the token (unless `preflight::check_ahead` says nobody
///    can be cut off); the clients exist and can be verified (a
///    pair's are both client-credentials clients); the integration
///    credential, if any, can be read;
/// 2. claims the entry: the ownership labels are written first (KV v2), so
///    an entry never holds our secret without our mark; they still name
///    the client in Vault as active; then the claims of the clients the
///    sink starts keeping (`vault_claim.rs`: one client, one sink across
///    states), with check-and-set: a claim another apply won stops here;
/// 3. makes sure the Vault token outlasts the critical section;
/// 4. regenerates the secret of the client that is not active (the only
///    client without a standby; its old secret stops working), exchanges
///    it at the token endpoint first when the entry holds another client's
///    working credentials (a refused secret is not written), writes it
///    with check-and-set (a lost answer is settled by reading back);
/// 5. then, at the same time: records it as active in the metadata; writes
///    it into the integration credential, if any (a failure is returned in
///    [`Rotated::credential`]: the secret is in Vault by then); verifies
///    what consumers will read: the secret just written is exchanged while
///    the entry is read back, which must hold exactly those credentials
///    under the configured key names;
/// 6. when they do not work and the entry held another client's before (a
///    pair), those are written back (`restore`), after all of step 5.
///
/// The client regenerated must be usable (active; a pair's a
/// client-credentials client) before anything is changed.
pub async fn rotate(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    expect: Expect,
) -> Result<Rotated, SinkError> {
    // The Vault checks and the client and credential reads are independent
    // reads: overlap them. A failed check ends all at once and wins over the
    // reads' outcome.
    let read = async { Ok(oauth_clients::read_and_check_clients(genesys, spec).await) };
    let (cleared, roles_differ, credential) = tokio::try_join!(
        preflight(genesys, vault, spec, expect),
        read,
        integration_credential::prepare(genesys, spec.credential.as_ref())
    )?;
    let checked = roles_differ?;
    let cas = cleared.cas;
    let pair = spec.pair();
    let records = [
        spec.active_client_id.as_deref(),
        cleared.recorded.as_deref(),
    ];
    let active = pair.active(&records);
    let target = pair.next(active).to_string();
    // Until the write lands, the metadata names the client in Vault, even
    // one that has left the pair.
    let in_vault = records.into_iter().flatten().next().or(active);
    if let Some(unusable) = checked.unusable_target(spec, &target) {
        return Err(unusable);
    }
    let previous = restore::capture(vault, spec, in_vault, &target, cas).await?;
    label(vault, spec, in_vault).await?;
    // The claims after the mark (a claim names an entry that says whose it
    // is), before the regenerate: the loser of a race stops here.
    let claim_notes = vault_claim::write(vault, spec).await?;

    // From the regenerate on, the target's old secret is dead until the
    // write lands: the Vault token must outlast the regenerate and the
    // write, retries included.
    vault.ensure_token_outlasts_rotation().await?;
    let secret = regenerate(genesys, spec, &target).await?;
    exchange_before_write(genesys, spec, &target, &secret, in_vault).await?;
    let rotated_at = OffsetDateTime::now_utc();
    let hash = secret_hash(&target, &secret);
    info!(client_id = %target, entry = %spec.entry, "secret regenerated; writing it to Vault");

    let for_credential = credential.as_ref().map(|_| secret.clone());
    let for_verify = spec.verify.then(|| secret.clone());
    let version = write_secret(genesys, vault, spec, &target, secret, cas, &hash).await?;

    // Once the secret is in Vault, three things are independent: the
    // integration credential gets it, the metadata names the client just
    // written, and the verify checks what consumers will read. A restore
    // after a failed verify comes after all three (it puts the credential
    // back and names the restored client).
    let (credential, label_error, verified) = tokio::join!(
        write_credential(genesys, spec, &target, credential, for_credential),
        relabel(vault, spec, in_vault, &target),
        verify_written(genesys, vault, spec, &target, for_verify, &hash)
    );
    let from = previous.zip(in_vault);
    let (verified_at, verify_error, restored) =
        restore_if_refused(genesys, vault, spec, &target, from, version, verified).await;
    Ok(Rotated {
        client_id: target,
        roles_differ: checked.roles_differ,
        restored,
        label_error,
        version,
        hash,
        rotated_at,
        verified_at,
        verify_error,
        credential,
        claim_notes,
    })
}

/// In a pair, before the write: the new secret of `target` exchanged at
/// the token endpoint (waiting out propagation), so that credentials that
/// do not work never replace those of `in_vault`, which still do. A sink
/// whose entry holds `target`'s own credentials (a single client) writes at
/// once: its old secret is dead already.
async fn exchange_before_write(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    target: &str,
    secret: &Secret,
    in_vault: Option<&str>,
) -> Result<(), SinkError> {
    let Some(other) = in_vault.filter(|c| *c != target && spec.verify) else {
        return Ok(());
    };
    verify(genesys, target, secret)
        .await
        .map_err(|source| SinkError::NewSecretRefused {
            client_id: target.to_string(),
            other: other.to_string(),
            entry: spec.entry.clone(),
            source,
        })
}

/// Regenerates `target`'s secret; an unclear answer says the secret in
/// Vault may be dead.
async fn regenerate(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    target: &str,
) -> Result<Secret, SinkError> {
    match genesys.regenerate_secret(target).await {
        Ok((_, secret)) => Ok(secret),
        Err(source) if source.may_have_taken_effect() => Err(SinkError::RegenerateUnsettled {
            client_id: target.to_string(),
            entry: spec.entry.clone(),
            source,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Writes the regenerated secret of `target` with check-and-set; a lost
/// answer is settled by reading the entry back. The version written.
async fn write_secret(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    target: &str,
    secret: Secret,
    cas: Option<u64>,
    hash: &str,
) -> Result<Option<u64>, SinkError> {
    let write = vault
        .write(&spec.entry, &entry(genesys, spec, target, secret), cas)
        .await;
    match write {
        Ok(outcome) => Ok(outcome.version),
        Err(VaultError::Ambiguous { detail, .. }) => {
            warn!(client_id = %target, entry = %spec.entry, "Vault's answer to the write was lost; reading the entry back to settle it");
            match settle_lost_write(vault, spec, target, cas, hash).await {
                Ok(Settled::Landed(version)) => Ok(version),
                Ok(Settled::NotLanded { expected, found }) => Err(SinkError::LostWrite {
                    client_id: target.to_string(),
                    entry: spec.entry.clone(),
                    expected,
                    found,
                    detail,
                }),
                Err(source) => Err(SinkError::WriteAfterRegenerate {
                    client_id: target.to_string(),
                    entry: spec.entry.clone(),
                    source,
                }),
            }
        }
        Err(source) => Err(SinkError::WriteAfterRegenerate {
            client_id: target.to_string(),
            entry: spec.entry.clone(),
            source,
        }),
    }
}

/// Writes the new secret of `target` into the integration credential the
/// sink keeps current, if any (a failure is in the answer: the secret is
/// in Vault by then).
async fn write_credential(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    target: &str,
    prepared: Option<integration_credential::Prepared>,
    secret: Option<Secret>,
) -> Option<Written> {
    let (prepared, secret) = prepared.zip(secret)?;
    Some(integration_credential::write(genesys, spec, target, prepared, &secret).await)
}

/// The verify of what consumers will read, when asked for (`secret`, the
/// secret of `target` just written, whose hash is `hash`).
async fn verify_written(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    target: &str,
    secret: Option<Secret>,
    hash: &str,
) -> Option<Result<(), SinkError>> {
    let secret = secret?;
    Some(verify_entry(genesys, vault, spec, target, &secret, hash).await)
}

/// Names `target` in the metadata once its secret is in Vault, unless the
/// claim named it already; the error, if any, for a warning.
async fn relabel(
    vault: &VaultClient,
    spec: &SinkSpec,
    in_vault: Option<&str>,
    target: &str,
) -> Option<VaultError> {
    if in_vault == Some(target) {
        return None;
    }
    label(vault, spec, Some(target)).await.err()
}

/// The outcome of the verify (`verified`, `None` when not asked for), and
/// when it failed after the entry held another client's credentials
/// (`restore_from`: what to put back and whose), those put back.
async fn restore_if_refused(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    target: &str,
    restore_from: Option<(restore::Previous, &str)>,
    written: Option<u64>,
    verified: Option<Result<(), SinkError>>,
) -> (
    Option<OffsetDateTime>,
    Option<SinkError>,
    Option<Result<Restored, SinkError>>,
) {
    let Some(Err(e)) = verified else {
        let at = verified.map(|_| OffsetDateTime::now_utc());
        return (at, None, None);
    };
    let restored = match restore_from {
        Some((previous, other)) => {
            warn!(client_id = %target, entry = %spec.entry, "the new credentials do not work; putting back those of {other}");
            Some(restore::restore(genesys, vault, spec, other, previous, written).await)
        }
        None => None,
    };
    (None, Some(e), restored)
}

/// Rewrites the entry with new key names or extra values, keeping the secret
/// and the client it belongs to (read back from Vault): no rotation.
/// `old_keys` are the names the entry was written with.
pub async fn rewrite(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    old_keys: &KeyNames,
    expect: Expect,
) -> Result<Option<u64>, SinkError> {
    let cas = preflight(genesys, vault, spec, expect).await?.cas;
    let current = vault.read_data(&spec.entry).await?;
    let found = current.to_string();
    let data = current.live();
    let secret = data
        .as_ref()
        .and_then(|d| d.value(&old_keys.client_secret).cloned())
        .ok_or_else(|| SinkError::ChangedSincePlan {
            entry: spec.entry.clone(),
            expected: format!("a value under key {:?}", old_keys.client_secret),
            found,
        })?;
    let pair = spec.pair();
    let named = data
        .as_ref()
        .and_then(|d| Some(d.value(&old_keys.client_id)?.expose().to_string()));
    let active = pair
        .active(&[named.as_deref(), spec.active_client_id.as_deref()])
        .unwrap_or(&spec.client_id);
    let outcome = vault
        .write(&spec.entry, &entry(genesys, spec, active, secret), cas)
        .await?;
    label(vault, spec, Some(active)).await?;
    Ok(outcome.version)
}

/// Removes the entry as `on_destroy` says, unless someone else's secret is
/// there now (then it is left alone and `false` is returned).
pub async fn remove(
    vault: &VaultClient,
    spec: &SinkSpec,
    on_destroy: OnDestroy,
) -> Result<bool, SinkError> {
    if on_destroy == OnDestroy::Retain {
        return Ok(true);
    }
    match vault.kv_version(spec.entry.mount()).await? {
        KvVersion::V1 => {
            vault.delete_latest(&spec.entry).await?;
        }
        KvVersion::V2 => {
            let Some(md) = vault.read_metadata(&spec.entry).await? else {
                return Ok(true);
            };
            if !crate::vault_secret::rules::owned_by(&md.custom_metadata, &spec.client_id) {
                return Ok(false);
            }
            match on_destroy {
                OnDestroy::DeleteAll => vault.delete_all(&spec.entry).await?,
                _ => vault.delete_latest(&spec.entry).await?,
            }
        }
    }
    Ok(true)
}
