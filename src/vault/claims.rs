//! The three requests of a client's claim (the sink's claim rules: `vault_secret/claim.rs`), on a
//! KV v2 entry: read it with its version, write it with check-and-set, and
//! delete one version of it (a release that cannot remove a newer claim).
//! A claim holds no secret: its values are read and written as plain text.
//! Whether the token may write claims is asked with the other capability
//! checks of the moment (`capability_batch.rs`).

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::client::{data_path, decode, VaultClient};
use super::error::VaultError;
use super::kv::KvValue;
use super::kv_path::KvPath;
use super::mounts::KvVersion;
use super::transport::Repeat;
use crate::http::encode_path;

/// The folder, on the claims' mount, holding one claim per client.
pub const CLAIMS_FOLDER: &str = "genesyscloud-claims/oauth-clients";

/// What a read of a claim's location found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRead {
    /// The location's current version (0: never written).
    pub version: u64,
    /// The latest version's values; `None` when there is none, or it is
    /// deleted or destroyed.
    pub data: Option<BTreeMap<String, String>>,
}

impl VaultClient {
    /// Reads the claim at `at` (KV v2): one `GET <mount>/data/<path>`.
    pub async fn read_claim(&self, at: &KvPath) -> Result<ClaimRead, VaultError> {
        let operation = format!("read the claim at {at}");
        let api_path = data_path(KvVersion::V2, at);
        let (status, body) = self
            .send(&operation, Method::GET, &api_path, None, Repeat::Safe)
            .await?;
        match status {
            StatusCode::OK => {
                let v: Value = decode(&operation, &body)?;
                let data = v["data"]["data"].as_object().map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                });
                Ok(ClaimRead {
                    version: v["data"]["metadata"]["version"].as_u64().unwrap_or(0),
                    data,
                })
            }
            // A deleted or destroyed latest version still tells its number.
            StatusCode::NOT_FOUND => {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                Ok(ClaimRead {
                    version: v["data"]["metadata"]["version"].as_u64().unwrap_or(0),
                    data: None,
                })
            }
            _ => Err(Self::failure(&operation, status, &body, "read", &api_path)),
        }
    }

    /// Writes the claim at `at` with check-and-set `cas` (0: only if no
    /// version exists); [`VaultError::CasMismatch`] when another write
    /// came first.
    pub async fn write_claim(
        &self,
        at: &KvPath,
        claim: &BTreeMap<String, String>,
        cas: u64,
    ) -> Result<(), VaultError> {
        let data = claim
            .iter()
            .map(|(k, v)| (k.clone(), KvValue::Plain(v.clone())))
            .collect();
        self.write(at, &data, Some(cas)).await.map(drop)
    }

    /// Soft-deletes version `version` of the claim at `at` (`POST
    /// <mount>/delete/<path>`): when a newer claim was written since, it
    /// stays.
    pub async fn delete_claim_version(&self, at: &KvPath, version: u64) -> Result<(), VaultError> {
        let operation = format!("release the claim at {at}");
        let api_path = format!(
            "{}/delete/{}",
            encode_path(at.mount()),
            encode_path(at.path())
        );
        let body = json!({ "versions": [version] });
        self.post(&operation, &api_path, &body, "update", &[404])
            .await
    }

    /// The token's capabilities on the claim at `at` (its data path),
    /// asked with the capability checks of the moment; `None` when the
    /// token may not ask.
    pub async fn claim_capabilities(&self, at: &KvPath) -> Result<Option<Vec<String>>, VaultError> {
        let path = format!("{}/data/{}", at.mount(), at.path());
        let needed = [path.clone()];
        let ask = |paths: Vec<String>| async move { self.capabilities(&paths).await };
        match self.capability_batch.capabilities(&needed, ask).await {
            Ok(mut granted) => Ok(Some(granted.remove(&path).unwrap_or_default())),
            Err(VaultError::PermissionDenied { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
