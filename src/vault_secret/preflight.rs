//! What a sink finds in Vault before it changes anything: what the entry
//! holds (`observe`), who holds it (`holder`), and whether a rotation may
//! write there (`preflight`: owner, changes since the plan, the token's
//! policy; the entry is read once), with the entry's own record of the client whose credentials it
//! holds.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use tracing::warn;

use super::error::SinkError;
use super::spec::{Expect, SinkSpec};
use crate::genesys::GenesysClient;
use crate::process_records::unheld_secrets::unheld_secrets;
use crate::vault::{KvData, KvMetadata, KvPath, KvRead, KvVersion, VaultClient, VaultError};
use crate::vault_secret::pair::Pair;
use crate::vault_secret::rules::Observed;

/// Whether the token's right to write the entry is asked ahead of a
/// rotation of the sink's clients (`client_id`, and `standby` when it has
/// one; `None`: not known yet). The check protects consumers holding a
/// secret the regenerate kills. When this process created all of the
/// clients and gave their secret to nobody
/// (`crate::process_records::unheld_secrets`), nobody can be cut off: the write's
/// own answer is the check (a refusal costs a secret nobody held).
pub(super) fn check_ahead(client_id: Option<&str>, standby: Option<Option<&str>>) -> bool {
    let (Some(client_id), Some(standby)) = (client_id, standby) else {
        return true;
    };
    !unheld_secrets().holds_none(Pair::new(client_id, standby).clients())
}

/// What a read of the entry found.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Its version and whether it is live.
    pub observed: Observed,
    /// The client whose credentials the entry says it holds: the
    /// `genesys-active-client-id` record of an entry this provider marked
    /// (KV v2), the client id under `client_id_key` (KV v1).
    pub recorded: Option<String>,
    /// When the latest version was written (KV v2), as Vault says.
    pub written_at: Option<OffsetDateTime>,
    /// The entry's custom metadata (KV v2; empty on KV v1 or without
    /// metadata), where the provider's marks are.
    pub metadata: BTreeMap<String, String>,
}

/// What Vault holds at the sink's path, and what the entry records. KV v1
/// has no versions: an existing entry is reported as live version 0.
pub async fn observe(
    vault: &VaultClient,
    entry: &KvPath,
    client_id_key: &str,
) -> Result<Seen, VaultError> {
    Ok(match vault.kv_version(entry.mount()).await? {
        KvVersion::V1 => {
            let data = vault.read_data(entry).await?.live();
            let recorded = data.as_ref().and_then(|d| {
                let id = d.value(client_id_key).filter(|_| !client_id_key.is_empty());
                Some(id?.expose().to_string())
            });
            Seen {
                observed: Observed {
                    current_version: data.is_some().then_some(0),
                    latest_live: data.is_some(),
                },
                recorded,
                written_at: None,
                metadata: BTreeMap::new(),
            }
        }
        KvVersion::V2 => {
            let md = vault.read_metadata(entry).await?;
            let md = md.as_ref();
            Seen {
                observed: Observed {
                    current_version: md.map(|m| m.current_version),
                    latest_live: md.is_some_and(|m| m.latest_is_live()),
                },
                recorded: md
                    .filter(|m| crate::vault_secret::rules::owner_of(&m.custom_metadata).is_some())
                    .and_then(|m| crate::vault_secret::rules::active_of(&m.custom_metadata))
                    .map(str::to_string),
                written_at: md
                    .and_then(|m| m.latest_created())
                    .and_then(crate::vault_secret::rules::parse_time),
                metadata: md.map(|m| m.custom_metadata.clone()).unwrap_or_default(),
            }
        }
    })
}

/// What the checks before a write found.
#[derive(Debug)]
pub(super) struct Cleared {
    /// The check-and-set version to write with (`None` on KV v1).
    pub cas: Option<u64>,
    /// The client the entry says it holds credentials of: its custom
    /// metadata record when this sink wrote it (KV v2), the client id
    /// under `client_id_key` (KV v1).
    pub recorded: Option<String>,
}

/// Checks, before anything changes, that writing to the entry is allowed (by
/// its owner, and by the token's policy when [`check_ahead`] says so), and
/// returns the CAS version to
/// write with. An entry this provider wrote for a client that no longer
/// exists in Genesys is taken over: its secret can no longer work.
pub(super) async fn preflight(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    expect: Expect,
) -> Result<Cleared, SinkError> {
    let entry = &spec.entry;
    let kv = vault.kv_version(entry.mount()).await?;
    // The token's rights are asked while the entry is read.
    let standby = spec.standby_client_id.as_deref();
    let rights = async {
        if !check_ahead(Some(&spec.client_id), Some(standby)) {
            return Ok(None);
        }
        vault.write_rights(entry).await.map(Some)
    };
    let (read, rights) = tokio::join!(read_entry(vault, spec, kv), rights);
    let (now, exists, recorded, found) = read?;
    match (expect, now) {
        (Expect::New, _) => check_holder(genesys, spec, found).await?,
        (Expect::Observed(seen), Some(now)) if seen != now => {
            return Err(SinkError::ChangedSincePlan {
                entry: entry.clone(),
                expected: describe(seen),
                found: describe(now),
            })
        }
        (Expect::Observed(_), _) => {}
    }
    if let Some(rights) = rights? {
        rights.check(exists)?;
    }
    Ok(Cleared {
        cas: now.and_then(|now| crate::vault_secret::rules::cas_for_write(Some(now))),
        recorded,
    })
}

/// One read of the entry tells all: what is there (`None` on KV v1),
/// whether it exists, the client it records as this sink's, and who holds
/// it.
async fn read_entry(
    vault: &VaultClient,
    spec: &SinkSpec,
    kv: KvVersion,
) -> Result<(Option<Observed>, bool, Option<String>, Holder), VaultError> {
    let entry = &spec.entry;
    Ok(match kv {
        KvVersion::V1 => {
            let read = vault.read_data(entry).await?;
            let exists = matches!(read, KvRead::Live(_));
            let data = read.live();
            let recorded = data
                .as_ref()
                .and_then(|data| Some(data.value(&spec.keys.client_id)?.expose().to_string()));
            let found = v1_holder(data.as_ref(), &spec.keys.client_id);
            (None, exists, recorded, found)
        }
        KvVersion::V2 => {
            let md = vault.read_metadata(entry).await?;
            let now = Observed {
                current_version: md.as_ref().map(|m| m.current_version),
                latest_live: md.as_ref().is_some_and(|m| m.latest_is_live()),
            };
            let recorded = md
                .as_ref()
                .filter(|m| {
                    crate::vault_secret::rules::owned_by(&m.custom_metadata, &spec.client_id)
                })
                .and_then(|m| crate::vault_secret::rules::active_of(&m.custom_metadata))
                .map(str::to_string);
            (Some(now), md.is_some(), recorded, v2_holder(md.as_ref()))
        }
    })
}

/// A new sink may write where nothing lives, where this provider wrote for
/// one of its clients, or where it wrote for a client that is gone.
async fn check_holder(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    found: Holder,
) -> Result<(), SinkError> {
    let entry = &spec.entry;
    match found {
        Holder::Nobody => Ok(()),
        Holder::Client { owner, .. } if spec.pair().keeps(&owner) => Ok(()),
        Holder::Client { owner, .. } => {
            if genesys
                .get_client(&owner, None)
                .await?
                .is_some_and(|c| !c.is_deleted())
            {
                return Err(SinkError::OwnedByOther {
                    entry: entry.clone(),
                    owner,
                    client_id: spec.client_id.clone(),
                });
            }
            warn!(%entry, %owner, client_id = %spec.client_id, "the entry was written for an OAuth client that no longer exists; taking it over");
            Ok(())
        }
        Holder::Unmarked(version) => Err(SinkError::NotOurs {
            entry: entry.clone(),
            version,
            client_id: spec.client_id.clone(),
        }),
    }
}

fn describe(o: Observed) -> String {
    match (o.current_version, o.latest_live) {
        (None, _) => "no entry".into(),
        (Some(v), true) => format!("version {v}"),
        (Some(v), false) => format!("version {v}, deleted"),
    }
}

/// Who an existing Vault entry belongs to, as far as this provider can
/// tell without reading a secret it did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// No live entry at the path.
    Nobody,
    /// This provider wrote it for an OAuth client.
    Client {
        /// The sink's client (KV v2: the `genesys-client-id` mark; KV v1:
        /// the client id key).
        owner: String,
        /// The client whose credentials it holds (KV v2: the
        /// `genesys-active-client-id` record, else the owner; KV v1: the
        /// owner).
        active: String,
    },
    /// A live entry without this provider's mark (e.g. the seed recipe's),
    /// at this version (0 on KV v1).
    Unmarked(u64),
}

/// Who holds `entry` (KV v1: the value under `client_id_key`).
pub async fn holder(
    vault: &VaultClient,
    entry: &KvPath,
    client_id_key: &str,
) -> Result<Holder, VaultError> {
    Ok(match vault.kv_version(entry.mount()).await? {
        KvVersion::V1 => v1_holder(vault.read_data(entry).await?.live().as_ref(), client_id_key),
        KvVersion::V2 => v2_holder(vault.read_metadata(entry).await?.as_ref()),
    })
}

/// Who holds a KV v1 entry with these values (`None`: no live entry).
fn v1_holder(data: Option<&KvData>, client_id_key: &str) -> Holder {
    match data {
        None => Holder::Nobody,
        Some(data) => data
            .value(client_id_key)
            .map(|id| Holder::Client {
                owner: id.expose().to_string(),
                active: id.expose().to_string(),
            })
            .unwrap_or(Holder::Unmarked(0)),
    }
}

/// Who holds a KV v2 entry with this metadata (`None`: no entry).
fn v2_holder(md: Option<&KvMetadata>) -> Holder {
    match md {
        Some(md) if md.latest_is_live() => {
            let owner = crate::vault_secret::rules::owner_of(&md.custom_metadata);
            let active = crate::vault_secret::rules::active_of(&md.custom_metadata);
            match (owner, active) {
                (Some(owner), Some(active)) => Holder::Client {
                    owner: owner.to_string(),
                    active: active.to_string(),
                },
                _ => Holder::Unmarked(md.current_version),
            }
        }
        _ => Holder::Nobody,
    }
}
