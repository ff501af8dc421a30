//! Settling a write whose answer was lost: reading the entry back tells
//! whether Vault holds the secret just written (then the rotation goes on)
//! or not (then the error names both versions). Nothing is written here.

use super::spec::SinkSpec;
use crate::hashing::secret_hash;
use crate::vault::{KvRead, KvVersion, VaultClient, VaultError};

/// What a write whose answer was lost turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Settled {
    /// Vault holds the secret just written, as this version (`None` on KV v1).
    Landed(Option<u64>),
    /// It does not: what the write would have made, and what is there.
    NotLanded { expected: String, found: String },
}

/// Finds out whether a write whose answer was lost was stored: on KV v2 the
/// latest version must be the one the check-and-set write would have made
/// (`cas + 1`) and hold a secret with the hash of the one just written for
/// `client_id`; on KV v1 the entry must hold it. Nothing is written.
pub(super) async fn settle_lost_write(
    vault: &VaultClient,
    spec: &SinkSpec,
    client_id: &str,
    cas: Option<u64>,
    hash: &str,
) -> Result<Settled, VaultError> {
    let entry = &spec.entry;
    let holds_ours = |read: KvRead| {
        read.live()
            .and_then(|data| data.value(&spec.keys.client_secret).cloned())
            .is_some_and(|stored| secret_hash(client_id, &stored) == hash)
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
