//! The secret sink: the only code that ever holds a client secret.
//!
//! A rotation regenerates the client's secret (the only moment Genesys Cloud
//! returns one), writes it to Vault with check-and-set, labels the entry, and
//! checks that the new credentials work. Everything that can be checked is
//! checked *before* the regenerate (the Vault entry is ours or new, nobody
//! wrote since the plan, the token's policy allows the write, the client
//! exists), so that a refused write does not leave consumers with a secret
//! that no longer works.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use tracing::{info, warn};

use crate::genesys::consistency::pause;
use crate::genesys::{GenesysClient, GenesysError};
use crate::hashing::secret_hash;
use crate::plan;
use crate::plan::sink::{Observed, OnDestroy};
use crate::secret::Secret;
use crate::vault::{KvPath, KvRead, KvValue, KvVersion, VaultClient, VaultError};

/// Names of the keys written to the Vault entry (an empty name leaves the
/// field out, except the secret, which is always written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames {
    /// Key of the client id.
    pub client_id: String,
    /// Key of the client secret.
    pub client_secret: String,
    /// Key of the API base URL.
    pub base_url: String,
    /// Key of the token endpoint URL.
    pub token_url: String,
}

/// What the sink writes, and where.
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// OAuth client id.
    pub client_id: String,
    /// Where the entry is.
    pub entry: KvPath,
    /// Key names.
    pub keys: KeyNames,
    /// Non-secret values written beside the credentials.
    pub extra: BTreeMap<String, String>,
    /// The user's custom metadata (ours is added).
    pub custom_metadata: BTreeMap<String, String>,
    /// Exchange the new credentials after writing them.
    pub verify: bool,
}

/// The state a sink expected to find in Vault when the plan was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A new sink: the path must be free, hold only deleted versions, or
    /// hold an entry this provider wrote for the same client.
    New,
    /// An existing sink: Vault must still be as observed at plan time.
    Observed(Observed),
}

/// The result of a rotation.
#[derive(Debug)]
pub struct Rotated {
    /// KV v2 version written (`None` on KV v1).
    pub version: Option<u64>,
    /// Hash of the new secret.
    pub hash: String,
    /// When the secret was regenerated.
    pub rotated_at: OffsetDateTime,
    /// When the new credentials were seen to work; `None` if not verified.
    pub verified_at: Option<OffsetDateTime>,
    /// Set when verification was asked for and failed: the secret is in Vault
    /// but Genesys Cloud does not accept it.
    pub verify_error: Option<GenesysError>,
}

/// Why a sink operation failed. Never carries the secret.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A Vault call failed before anything was changed.
    #[error("{0}")]
    Vault(#[from] VaultError),
    /// A Genesys call failed before anything was changed.
    #[error("{0}")]
    Genesys(#[from] GenesysError),
    /// The entry holds a live secret this provider did not write for this client.
    #[error("Vault entry {entry} already holds a live secret (version {version}) that this provider did not write for OAuth client {client_id}; refusing to overwrite it. Import it (terraform import ... {client_id}:{entry}), delete it, or choose another path.")]
    NotOurs {
        /// The entry.
        entry: KvPath,
        /// Live version found (0 on KV v1).
        version: u64,
        /// The sink's client.
        client_id: String,
    },
    /// Vault changed between plan and apply.
    #[error("Vault entry {entry} changed since the plan (expected {expected}, found {found}); nothing was written and the secret was not rotated. Run plan again to see the change.")]
    ChangedSincePlan {
        /// The entry.
        entry: KvPath,
        /// What the plan saw.
        expected: String,
        /// What is there now.
        found: String,
    },
    /// The OAuth client does not exist (any more).
    #[error("OAuth client {0} does not exist in Genesys Cloud")]
    ClientGone(String),
    /// Verification needs the client-credentials grant.
    #[error("OAuth client {client_id} uses grant type {grant}; only CLIENT-CREDENTIALS clients can be verified at the token endpoint. Set verify = false for this sink.")]
    CannotVerify {
        /// Client id.
        client_id: String,
        /// Its grant type.
        grant: String,
    },
    /// The write of a new secret was sent, its answer lost, and Vault does
    /// not hold it as the version the write would have made.
    #[error("the secret of OAuth client {client_id} was regenerated and sent to Vault at {entry}, but Vault's answer was lost ({detail}) and the write did not land: the write would have made {expected}, Vault holds {found}. The previous secret no longer works and the new one is lost. Run plan and apply again: the refresh shows what Vault holds, and the apply regenerates and writes a new secret.")]
    LostWrite {
        /// Client id.
        client_id: String,
        /// The entry.
        entry: KvPath,
        /// The version the write would have made, e.g. `version 4`.
        expected: String,
        /// What Vault holds instead, e.g. `version 5, holding another secret`.
        found: String,
        /// The transport error that lost the answer.
        detail: String,
    },
    /// The secret was regenerated but could not be stored.
    #[error("the secret of OAuth client {client_id} was regenerated, but writing it to Vault at {entry} failed: {source}. The previous secret no longer works and the new one was discarded (nobody else ever held it): fix the cause and run apply again, which regenerates and writes a new secret.")]
    WriteAfterRegenerate {
        /// Client id.
        client_id: String,
        /// The entry.
        entry: KvPath,
        /// The Vault failure.
        source: VaultError,
    },
}

/// What Vault holds at the sink's path. KV v1 has no versions: an existing
/// entry is reported as live version 0.
pub async fn observe(
    vault: &VaultClient,
    entry: &KvPath,
) -> Result<(KvVersion, Observed), VaultError> {
    let kv = vault.kv_version(entry.mount()).await?;
    let observed = match kv {
        KvVersion::V1 => {
            let exists = matches!(vault.read_data(entry).await?, KvRead::Live(_));
            Observed {
                current_version: exists.then_some(0),
                latest_live: exists,
            }
        }
        KvVersion::V2 => match vault.read_metadata(entry).await? {
            None => Observed {
                current_version: None,
                latest_live: false,
            },
            Some(md) => Observed {
                current_version: Some(md.current_version),
                latest_live: md.latest_is_live(),
            },
        },
    };
    Ok((kv, observed))
}

/// Checks, before anything changes, that writing to the entry is allowed (by
/// its owner and by the token's policy), and returns the CAS version to
/// write with.
async fn preflight(
    vault: &VaultClient,
    spec: &SinkSpec,
    expect: Expect,
) -> Result<Option<u64>, SinkError> {
    let entry = &spec.entry;
    match vault.kv_version(entry.mount()).await? {
        KvVersion::V1 => {
            let existing = vault.read_data(entry).await?.live();
            if let (Expect::New, Some(existing)) = (expect, &existing) {
                let holder = existing
                    .value(&spec.keys.client_id)
                    .map(|s| s.expose().to_string());
                if holder.as_deref() != Some(spec.client_id.as_str()) {
                    return Err(SinkError::NotOurs {
                        entry: entry.clone(),
                        version: 0,
                        client_id: spec.client_id.clone(),
                    });
                }
            }
            vault.check_can_write(entry, existing.is_some()).await?;
            Ok(None)
        }
        KvVersion::V2 => {
            let md = vault.read_metadata(entry).await?;
            let now = Observed {
                current_version: md.as_ref().map(|m| m.current_version),
                latest_live: md.as_ref().is_some_and(|m| m.latest_is_live()),
            };
            match expect {
                Expect::New => {
                    if let Some(md) = &md {
                        if md.latest_is_live()
                            && !plan::sink::owned_by(&md.custom_metadata, &spec.client_id)
                        {
                            return Err(SinkError::NotOurs {
                                entry: entry.clone(),
                                version: md.current_version,
                                client_id: spec.client_id.clone(),
                            });
                        }
                    }
                }
                Expect::Observed(seen) if seen != now => {
                    return Err(SinkError::ChangedSincePlan {
                        entry: entry.clone(),
                        expected: describe(seen),
                        found: describe(now),
                    })
                }
                Expect::Observed(_) => {}
            }
            vault.check_can_write(entry, md.is_some()).await?;
            Ok(plan::sink::cas_for_write(Some(now)))
        }
    }
}

fn describe(o: Observed) -> String {
    match (o.current_version, o.latest_live) {
        (None, _) => "no entry".into(),
        (Some(v), true) => format!("version {v}"),
        (Some(v), false) => format!("version {v}, deleted"),
    }
}

/// The data written to the entry.
fn entry(genesys: &GenesysClient, spec: &SinkSpec, secret: Secret) -> BTreeMap<String, KvValue> {
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
        (&spec.keys.client_id, spec.client_id.clone()),
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

/// Regenerates the client's secret, stores it, labels the entry and
/// (optionally) verifies it. See the module documentation for the order.
pub async fn rotate(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    expect: Expect,
) -> Result<Rotated, SinkError> {
    // The Vault checks and the client read are independent reads: overlap
    // them. A failed check ends both at once and wins over the read's outcome.
    let read = async { Ok(genesys.get_client(&spec.client_id, None).await) };
    let (cas, client) = tokio::try_join!(preflight(vault, spec, expect), read)?;
    let client = client?
        .filter(|c| !c.is_deleted())
        .ok_or_else(|| SinkError::ClientGone(spec.client_id.clone()))?;
    let grant = crate::genesys::model::canonical_grant_type(&client.authorized_grant_type);
    // An answer without the grant type proves nothing: the verify will.
    if spec.verify && !grant.is_empty() && grant != "CLIENT-CREDENTIALS" {
        return Err(SinkError::CannotVerify {
            client_id: spec.client_id.clone(),
            grant,
        });
    }

    // From the regenerate on, the old secret is dead until the write lands:
    // the Vault token must outlast the regenerate, the write and the label,
    // retries included.
    vault.ensure_token_outlasts_rotation().await?;
    let (_, secret) = genesys.regenerate_secret(&spec.client_id).await?;
    let rotated_at = OffsetDateTime::now_utc();
    let hash = secret_hash(&spec.client_id, &secret);
    info!(client_id = %spec.client_id, entry = %spec.entry, "secret regenerated; writing it to Vault");

    let write = vault
        .write(&spec.entry, &entry(genesys, spec, secret.clone()), cas)
        .await;
    let version = match write {
        Ok(outcome) => outcome.version,
        Err(VaultError::Ambiguous { detail, .. }) => {
            warn!(client_id = %spec.client_id, entry = %spec.entry, "Vault's answer to the write was lost; reading the entry back to settle it");
            match settle_lost_write(vault, spec, cas, &hash).await {
                Ok(Settled::Landed(version)) => version,
                Ok(Settled::NotLanded { expected, found }) => {
                    return Err(SinkError::LostWrite {
                        client_id: spec.client_id.clone(),
                        entry: spec.entry.clone(),
                        expected,
                        found,
                        detail,
                    })
                }
                Err(source) => {
                    return Err(SinkError::WriteAfterRegenerate {
                        client_id: spec.client_id.clone(),
                        entry: spec.entry.clone(),
                        source,
                    })
                }
            }
        }
        Err(source) => {
            return Err(SinkError::WriteAfterRegenerate {
                client_id: spec.client_id.clone(),
                entry: spec.entry.clone(),
                source,
            })
        }
    };
    label(vault, spec).await?;

    let (verified_at, verify_error) = if spec.verify {
        match verify(genesys, &spec.client_id, &secret).await {
            Ok(()) => (Some(OffsetDateTime::now_utc()), None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    Ok(Rotated {
        version,
        hash,
        rotated_at,
        verified_at,
        verify_error,
    })
}

/// What a write whose answer was lost turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Settled {
    /// Vault holds the secret just written, as this version (`None` on KV v1).
    Landed(Option<u64>),
    /// It does not: what the write would have made, and what is there.
    NotLanded { expected: String, found: String },
}

/// Finds out whether a write whose answer was lost was stored: on KV v2 the
/// latest version must be the one the check-and-set write would have made
/// (`cas + 1`) and hold a secret with the hash of the one just written; on
/// KV v1 the entry must hold it. Nothing is written.
async fn settle_lost_write(
    vault: &VaultClient,
    spec: &SinkSpec,
    cas: Option<u64>,
    hash: &str,
) -> Result<Settled, VaultError> {
    let entry = &spec.entry;
    let holds_ours = |read: KvRead| {
        read.live()
            .and_then(|data| data.value(&spec.keys.client_secret).cloned())
            .is_some_and(|stored| secret_hash(&spec.client_id, &stored) == hash)
    };
    match vault.kv_version(entry.mount()).await? {
        KvVersion::V1 => {
            let read = vault.read_data(entry).await?;
            let found = match &read {
                KvRead::Live(_) => "another secret".to_string(),
                other => other.to_string(),
            };
            Ok(if holds_ours(read) {
                Settled::Landed(None)
            } else {
                Settled::NotLanded {
                    expected: "an entry holding the new secret".into(),
                    found,
                }
            })
        }
        KvVersion::V2 => {
            let latest = vault
                .read_metadata(entry)
                .await?
                .map(|md| md.current_version);
            let expected = cas.map(|c| c + 1);
            let ours = match (latest, expected) {
                (Some(latest), Some(expected)) if latest == expected => {
                    holds_ours(vault.read_version(entry, latest).await?)
                }
                _ => false,
            };
            Ok(settled(expected, latest, ours))
        }
    }
}

/// The verdict on KV v2, from the version the write would have made, the
/// latest version found, and whether that version holds the secret written.
fn settled(expected: Option<u64>, latest: Option<u64>, holds_ours: bool) -> Settled {
    if holds_ours && latest.is_some() && latest == expected {
        return Settled::Landed(latest);
    }
    let version = |v: Option<u64>| v.map_or("no version".to_string(), |v| format!("version {v}"));
    let found = match latest {
        Some(v) if latest == expected => format!("version {v} holding another secret"),
        Some(v) => format!("version {v} as the latest"),
        None => "no entry".into(),
    };
    Settled::NotLanded {
        expected: version(expected),
        found,
    }
}

/// Writes the entry's custom metadata (KV v2 only; no new version).
pub async fn label(vault: &VaultClient, spec: &SinkSpec) -> Result<(), VaultError> {
    if vault.kv_version(spec.entry.mount()).await? == KvVersion::V2 {
        let env = |k: &str| std::env::var(k).ok();
        let md = plan::sink::custom_metadata(&spec.custom_metadata, &spec.client_id, &env);
        vault.write_custom_metadata(&spec.entry, &md).await?;
    }
    Ok(())
}

/// Rewrites the entry with new key names or extra values, keeping the secret
/// (read back from Vault): no rotation. `old_keys` are the names the entry
/// was written with.
pub async fn rewrite(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    old_keys: &KeyNames,
    expect: Expect,
) -> Result<Option<u64>, SinkError> {
    let cas = preflight(vault, spec, expect).await?;
    let current = vault.read_data(&spec.entry).await?;
    let found = current.to_string();
    let secret = current
        .live()
        .and_then(|d| d.value(&old_keys.client_secret).cloned())
        .ok_or_else(|| SinkError::ChangedSincePlan {
            entry: spec.entry.clone(),
            expected: format!("a value under key {:?}", old_keys.client_secret),
            found,
        })?;
    let outcome = vault
        .write(&spec.entry, &entry(genesys, spec, secret), cas)
        .await?;
    label(vault, spec).await?;
    Ok(outcome.version)
}

/// Exchanges the credentials at the token endpoint. A new secret can take a
/// moment to be accepted everywhere, so a rejection is retried with backoff
/// until the consistency window after the regenerate has passed
/// (`consistency_timeout_seconds`) before it counts.
pub async fn verify(
    genesys: &GenesysClient,
    client_id: &str,
    secret: &Secret,
) -> Result<(), GenesysError> {
    let mut attempt = 0;
    loop {
        match genesys
            .exchange_token("verify the new client secret", client_id, secret)
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if e.is_rejected_credentials() => {
                let Some(until) = genesys.propagation().settles_at(client_id, None) else {
                    return Err(e);
                };
                warn!(
                    client_id,
                    "new credentials not accepted yet; waiting for propagation"
                );
                let left = until.saturating_duration_since(std::time::Instant::now());
                tokio::time::sleep(pause(attempt).min(left)).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Checks the credentials stored in Vault (verify-on-read). `Ok(false)` means
/// Genesys Cloud rejects them; `Ok(true)` accepted; no entry counts as rejected.
pub async fn stored_credentials_work(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
) -> Result<bool, SinkError> {
    let KvRead::Live(data) = vault.read_data(&spec.entry).await? else {
        return Ok(false);
    };
    let Some(secret) = data.value(&spec.keys.client_secret) else {
        return Ok(false);
    };
    match genesys
        .exchange_token(
            "check the credentials stored in Vault",
            &spec.client_id,
            secret,
        )
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_rejected_credentials() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Who an existing Vault entry belongs to, as far as this provider can
/// tell without reading a secret it did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// No live entry at the path.
    Nobody,
    /// This provider wrote it for this OAuth client (KV v2 metadata, or the
    /// client id key of a KV v1 entry).
    Client(String),
    /// A live entry without this provider's mark (e.g. the seed recipe's).
    Unmarked,
}

/// Who holds `entry` (KV v1: the value under `client_id_key`).
pub async fn holder(
    vault: &VaultClient,
    entry: &KvPath,
    client_id_key: &str,
) -> Result<Holder, VaultError> {
    match vault.kv_version(entry.mount()).await? {
        KvVersion::V1 => Ok(match vault.read_data(entry).await?.live() {
            None => Holder::Nobody,
            Some(data) => data
                .value(client_id_key)
                .map(|id| Holder::Client(id.expose().to_string()))
                .unwrap_or(Holder::Unmarked),
        }),
        KvVersion::V2 => Ok(match vault.read_metadata(entry).await? {
            Some(md) if md.latest_is_live() => {
                let marked = md.custom_metadata.get(plan::sink::MANAGED_BY_KEY)
                    == Some(&plan::sink::MANAGED_BY_VALUE.to_string());
                match md.custom_metadata.get(plan::sink::CLIENT_ID_KEY) {
                    Some(id) if marked => Holder::Client(id.clone()),
                    _ => Holder::Unmarked,
                }
            }
            _ => Holder::Nobody,
        }),
    }
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
            if !plan::sink::owned_by(&md.custom_metadata, &spec.client_id) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_write_is_settled_by_version_and_hash() {
        assert_eq!(settled(Some(4), Some(4), true), Settled::Landed(Some(4)));
        for (expected, latest, ours, found) in [
            (Some(4), Some(3), false, "version 3 as the latest"),
            (Some(4), Some(4), false, "version 4 holding another secret"),
            (Some(4), Some(5), false, "version 5 as the latest"),
            (Some(1), None, false, "no entry"),
        ] {
            let Settled::NotLanded {
                expected: shown,
                found: seen,
            } = settled(expected, latest, ours)
            else {
                panic!("{expected:?} {latest:?} settled as landed");
            };
            assert_eq!(shown, format!("version {}", expected.unwrap_or_default()));
            assert_eq!(seen, found);
        }
    }
}
