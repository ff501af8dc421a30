//! Asking Vault what the token may do (`sys/capabilities-self`), and the
//! one check built on it: may the token write an entry the way a sink
//! does. Asked at plan and again before every regenerate, so that a
//! missing right stops the work while the old secret still works; the
//! checks of one moment share a request (`capability_batch.rs`).

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tracing::warn;

use super::client::{decode, VaultClient};
use super::error::{MissingCapability, VaultError};
use super::kv_path::KvPath;
use super::mounts::KvVersion;
use super::transport::{encode, Repeat};

impl VaultClient {
    /// The token's capabilities on each API path, as Vault reports them
    /// (`POST sys/capabilities-self`). Paths are unescaped, relative to the
    /// namespace, e.g. `secret/data/genesys/oauth/ci`.
    pub async fn capabilities(
        &self,
        api_paths: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>, VaultError> {
        let operation = "ask Vault for the token's capabilities";
        let api_path = "sys/capabilities-self";
        let body = encode(operation, &json!({ "paths": api_paths }))?;
        let (status, answer) = self
            .send(operation, Method::POST, api_path, Some(body), Repeat::Safe)
            .await?;
        if status != StatusCode::OK {
            return Err(Self::failure(
                operation, status, &answer, "update", api_path,
            ));
        }
        let v: Value = decode(operation, &answer)?;
        Ok(api_paths
            .iter()
            .map(|path| {
                // Vault puts them in `data` and, for sys paths, at the top too.
                let list = v["data"][path.as_str()]
                    .as_array()
                    .or_else(|| v[path.as_str()].as_array())
                    .map(|caps| {
                        caps.iter()
                            .filter_map(|c| c.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                (path.clone(), list)
            })
            .collect())
    }

    /// Checks, by asking Vault, that the token may write `entry` the way a
    /// sink does (see [`WriteRights::check`]).
    pub async fn check_can_write(&self, entry: &KvPath, exists: bool) -> Result<(), VaultError> {
        self.write_rights(entry).await?.check(exists)
    }

    /// What the token may do on the paths a sink writes for `entry`: the
    /// data path and (KV v2) the metadata path. A token whose policy may
    /// not ask (no `sys/capabilities-self`, which Vault's default policy
    /// grants) is not checked ahead: the write itself will say.
    ///
    /// The sinks asking at the same moment share one request, and a path
    /// answered once is not asked again in this process
    /// (`capability_batch.rs`): a plan checks every sink, and its apply
    /// checks again before each regenerate.
    pub async fn write_rights(&self, entry: &KvPath) -> Result<WriteRights, VaultError> {
        let kv = self.kv_version(entry.mount()).await?;
        let (mount, path) = (entry.mount(), entry.path());
        let mut needed = vec![match kv {
            KvVersion::V2 => format!("{mount}/data/{path}"),
            KvVersion::V1 => format!("{mount}/{path}"),
        }];
        if kv == KvVersion::V2 {
            needed.push(format!("{mount}/metadata/{path}"));
        }
        let ask = |paths: Vec<String>| async move { self.capabilities(&paths).await };
        let granted = match self.capability_batch.capabilities(&needed, ask).await {
            Ok(granted) => Some(granted),
            Err(VaultError::PermissionDenied { .. }) => {
                warn!(%entry, "the Vault token may not ask for its capabilities (sys/capabilities-self); the write is not checked ahead");
                None
            }
            Err(e) => return Err(e),
        };
        Ok(WriteRights {
            entry: entry.clone(),
            needed,
            granted,
        })
    }
}

/// The token's capabilities on the paths a sink writes for one entry.
#[derive(Debug)]
pub struct WriteRights {
    entry: KvPath,
    needed: Vec<String>,
    /// `None` when the token may not ask.
    granted: Option<BTreeMap<String, Vec<String>>>,
}

impl WriteRights {
    /// Whether the token may write the entry: `create` on each path when
    /// the entry is new and `update` when it exists (Vault tells the two
    /// apart by what is there, the metadata too: a rotation claims a new
    /// entry by writing its metadata first). Passes when the token could
    /// not ask.
    pub fn check(&self, exists: bool) -> Result<(), VaultError> {
        let Some(granted) = &self.granted else {
            return Ok(());
        };
        let capability = if exists { "update" } else { "create" };
        let missing: Vec<MissingCapability> = self
            .needed
            .iter()
            .filter(|path| {
                !granted
                    .get(*path)
                    .is_some_and(|caps| caps.iter().any(|c| c == capability || c == "root"))
            })
            .map(|path| MissingCapability {
                api_path: path.clone(),
                capability,
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(VaultError::MissingCapabilities {
                operation: format!("write {}", self.entry),
                missing,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_tell_create_from_update_and_name_what_is_missing() {
        let entry = KvPath::checked("secret", "a/b", ["mount", "path"]).expect("valid");
        let rights = |granted: Option<&[(&str, &[&str])]>| WriteRights {
            entry: entry.clone(),
            needed: vec!["secret/data/a/b".into(), "secret/metadata/a/b".into()],
            granted: granted.map(|g| {
                g.iter()
                    .map(|(p, caps)| (p.to_string(), caps.iter().map(|c| c.to_string()).collect()))
                    .collect()
            }),
        };
        let create_only: &[(&str, &[&str])] = &[
            ("secret/data/a/b", &["create", "read"]),
            ("secret/metadata/a/b", &["create"]),
        ];
        assert!(rights(Some(create_only)).check(false).is_ok());
        let Err(VaultError::MissingCapabilities { missing, .. }) =
            rights(Some(create_only)).check(true)
        else {
            panic!("update is missing");
        };
        assert_eq!(missing.len(), 2);
        assert!(missing.iter().all(|m| m.capability == "update"));
        let root: &[(&str, &[&str])] =
            &[("secret/data/a/b", &["root"]), ("secret/metadata/a/b", &[])];
        let Err(VaultError::MissingCapabilities { missing, .. }) = rights(Some(root)).check(false)
        else {
            panic!("the metadata path is missing");
        };
        assert_eq!(missing[0].api_path, "secret/metadata/a/b");
        assert!(rights(None).check(true).is_ok());
    }
}
