//! What a KV entry holds, as the client answers it: the values written
//! ([`KvValue`], secrets only inside the request body), a read's data
//! ([`KvData`], [`KvRead`]: live, deleted, destroyed or absent), a version
//! read with its metadata, the entry's metadata and a write's outcome.
//! Plain data: a leaf of `vault/`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::secret::Secret;

/// A value written to an entry.
#[derive(Debug, Clone)]
pub enum KvValue {
    /// Not secret.
    Plain(String),
    /// Secret: exposed only into the request body.
    Secret(Secret),
}

impl Serialize for KvValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            KvValue::Plain(v) => s.serialize_str(v),
            KvValue::Secret(v) => s.serialize_str(v.expose()),
        }
    }
}

/// An entry's values, all kept as [`Secret`] (any of them may be one).
#[derive(Debug, Default)]
pub struct KvData {
    pub(super) values: BTreeMap<String, Secret>,
}

impl KvData {
    /// The value under `key`.
    pub fn value(&self, key: &str) -> Option<&Secret> {
        self.values.get(key)
    }

    /// Values for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(pairs: &[(&str, &str)]) -> KvData {
        let values = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::new(*v)))
            .collect();
        KvData { values }
    }

    /// The values as a write takes them (each kept secret), to write
    /// them again unchanged.
    pub fn into_write(self) -> BTreeMap<String, KvValue> {
        self.values
            .into_iter()
            .map(|(k, v)| (k, KvValue::Secret(v)))
            .collect()
    }
}

/// What reading an entry's version found.
#[derive(Debug)]
pub enum KvRead {
    /// No entry at this path (or the version does not exist).
    Absent,
    /// KV v2: the version was soft-deleted (it can still be undeleted).
    Deleted {
        /// The deleted version.
        version: u64,
        /// When it was deleted (RFC 3339).
        deletion_time: String,
    },
    /// KV v2: the version was destroyed (its values are gone for good).
    Destroyed {
        /// The destroyed version.
        version: u64,
    },
    /// The version's values.
    Live(KvData),
}

impl KvRead {
    /// The values, when the version is live.
    pub fn live(self) -> Option<KvData> {
        match self {
            KvRead::Live(data) => Some(data),
            _ => None,
        }
    }
}

impl std::fmt::Display for KvRead {
    /// What was found, for messages (never the values).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KvRead::Absent => f.write_str("no entry"),
            KvRead::Deleted {
                version,
                deletion_time,
            } => write!(f, "version {version}, deleted at {deletion_time}"),
            KvRead::Destroyed { version } => write!(f, "version {version}, destroyed"),
            KvRead::Live(_) => f.write_str("a live version"),
        }
    }
}

/// A version read, with what the same answer says of it (KV v2).
#[derive(Debug)]
pub struct KvVersionRead {
    /// Its values, or why there are none.
    pub read: KvRead,
    /// The version read (KV v2; `None` on KV v1).
    pub version: Option<u64>,
    /// When it was written (KV v2, RFC 3339; `None` on KV v1).
    pub created_time: Option<String>,
    /// The entry's custom metadata, which KV v2 answers with the values
    /// (Vault 1.9 and later, OpenBao); empty on KV v1.
    pub custom_metadata: BTreeMap<String, String>,
}

/// A KV v2 entry's metadata.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KvMetadata {
    /// Latest version number.
    #[serde(default)]
    pub current_version: u64,
    /// Custom metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_metadata: BTreeMap<String, String>,
    /// Per version: deletion time and destroyed flag.
    #[serde(default)]
    pub versions: BTreeMap<String, VersionInfo>,
}

/// One version's lifecycle.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VersionInfo {
    /// When the version was written (RFC 3339).
    #[serde(default)]
    pub created_time: String,
    /// Empty while the version is live.
    #[serde(default)]
    pub deletion_time: String,
    /// True once destroyed.
    #[serde(default)]
    pub destroyed: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl KvMetadata {
    /// When the latest version was written, as Vault says (RFC 3339).
    pub fn latest_created(&self) -> Option<&str> {
        self.versions
            .get(&self.current_version.to_string())
            .map(|v| v.created_time.as_str())
            .filter(|t| !t.is_empty())
    }

    /// True when the latest version is neither deleted nor destroyed.
    pub fn latest_is_live(&self) -> bool {
        self.versions
            .get(&self.current_version.to_string())
            .is_some_and(|v| v.deletion_time.is_empty() && !v.destroyed)
    }
}

/// Result of a write.
#[derive(Debug, Clone, Copy)]
pub struct WriteOutcome {
    /// The version written (KV v2 only).
    pub version: Option<u64>,
}
