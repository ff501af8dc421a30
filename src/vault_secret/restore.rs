//! Putting the previous credentials back when a rotation in a pair wrote
//! credentials that do not work. The previous version of the entry holds
//! the other client's credentials, which the rotation did not touch, so
//! writing them again lets readers keep working. KV v2: the previous
//! version's data, written with check-and-set on the version the rotation
//! wrote (nobody else's write is overwritten); KV v1: the data read before
//! the rotation wrote. A sink without a standby has nothing to put back:
//! the client in Vault is the one regenerated.

use tracing::{info, warn};

use super::credential_steps::{self as integration_credential, Written};
use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::GenesysClient;
use crate::vault::{KvData, KvVersion, VaultClient, VaultError};

/// What can be put back, captured before the regenerate.
#[derive(Debug)]
pub(super) enum Previous {
    /// KV v2: this version holds the other client's credentials.
    Version(u64),
    /// KV v1: the data as read before the write.
    Data(KvData),
}

/// What the restore did.
#[derive(Debug)]
pub struct Restored {
    /// The client whose credentials are in Vault again.
    pub client_id: String,
    /// The version the restore wrote (`None` on KV v1).
    pub version: Option<u64>,
    /// What syncing the integration credential did, when the sink keeps
    /// one: an error inside when it still holds the dead secret.
    pub credential: Option<Result<Written, SinkError>>,
}

/// What a rotation onto `target` could put back: the entry's current
/// credentials, when they are another client's (`in_vault`). `cas` is the
/// version the rotation will write over (KV v2).
pub(super) async fn capture(
    vault: &VaultClient,
    spec: &SinkSpec,
    in_vault: Option<&str>,
    target: &str,
    cas: Option<u64>,
) -> Result<Option<Previous>, VaultError> {
    if !in_vault.is_some_and(|c| c != target) {
        return Ok(None);
    }
    Ok(match vault.kv_version(spec.entry.mount()).await? {
        KvVersion::V2 => cas.filter(|v| *v > 0).map(Previous::Version),
        KvVersion::V1 => vault
            .read_data(&spec.entry)
            .await?
            .live()
            .map(Previous::Data),
    })
}

/// Writes `previous` (the credentials of `client_id`) back over `written`,
/// the version the failed rotation wrote, names `client_id` in the
/// metadata again, and writes the restored secret into the integration
/// credential the rotation wrote.
pub(super) async fn restore(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    client_id: &str,
    previous: Previous,
    written: Option<u64>,
) -> Result<Restored, SinkError> {
    let data = match previous {
        Previous::Version(version) => vault
            .read_version(&spec.entry, version)
            .await?
            .live()
            .ok_or_else(|| SinkError::ChangedSincePlan {
                entry: spec.entry.clone(),
                expected: format!("version {version} with the credentials of {client_id}"),
                found: format!("version {version} no longer live"),
            })?,
        Previous::Data(data) => data,
    };
    let version = vault
        .write(&spec.entry, &data.into_write(), written)
        .await?
        .version;
    info!(client_id, entry = %spec.entry, "the previous credentials are back in Vault");
    if let Err(e) = super::label::label(vault, spec, Some(client_id)).await {
        warn!(client_id, entry = %spec.entry, error = %e, "the entry's metadata could not name the restored client");
    }
    let credential = match &spec.credential {
        Some(target) => {
            Some(integration_credential::sync(genesys, vault, spec, target, version).await)
        }
        None => None,
    };
    Ok(Restored {
        client_id: client_id.to_string(),
        version,
        credential,
    })
}
