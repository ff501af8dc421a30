//! The integration credential a sink keeps current: its secret must be the
//! one in Vault. [`prepare`] reads the credential before anything changes
//! (its name, which a PUT must carry again, and that it holds an OAuth
//! client), so a credential that cannot be read stops a rotation while the
//! old secret still works; [`write`] puts the new secret into it after the
//! Vault write and before the verify (a PUT; a POST under the same name
//! when it was deleted outside Terraform); [`sync`] writes the secret held
//! in Vault into a credential that missed a rotation, without a regenerate.

use tracing::{info, warn};

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::{GenesysClient, OAuthClientCredential, OAUTH_CLIENT_CREDENTIAL_TYPE};
use crate::plan::sink_credential::Target;
use crate::secret::Secret;
use crate::vault::VaultClient;

/// A credential read before a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Prepared {
    /// Its id (for a credential that no longer exists, the old one).
    id: String,
    /// Its name, kept by the write.
    name: String,
    /// False when it is gone and is made again under `name`.
    exists: bool,
}

/// What writing the credential did.
#[derive(Debug)]
pub struct Written {
    /// The credential that holds the secret now (or should: see `error`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Why it does not hold the secret, when the write failed.
    pub error: Option<SinkError>,
}

/// Reads the credential a write will go to; `None` without a target.
pub(super) async fn prepare(
    genesys: &GenesysClient,
    target: Option<&Target>,
) -> Result<Option<Prepared>, SinkError> {
    let Some(target) = target else {
        return Ok(None);
    };
    let id = target.id.clone();
    match genesys.get_credential(&id).await {
        Ok(Some(found)) => {
            let kind = found.credential_type.map(|t| t.name).unwrap_or_default();
            if !kind.is_empty() && kind != OAUTH_CLIENT_CREDENTIAL_TYPE {
                return Err(SinkError::NotOAuthCredential {
                    id,
                    credential_type: kind,
                });
            }
            Ok(Some(Prepared {
                id,
                name: found.name,
                exists: true,
            }))
        }
        Ok(None) => match &target.remake_as {
            Some(name) => Ok(Some(Prepared {
                id,
                name: name.clone(),
                exists: false,
            })),
            None => Err(SinkError::CredentialMissing { id }),
        },
        Err(source) => Err(SinkError::CredentialUnreadable { id, source }),
    }
}

/// Writes `client_id` (the client just regenerated: the sink's, or one of
/// its pair) and `secret` into the prepared credential. A failure is
/// returned inside [`Written`]: the secret is in Vault by now.
pub(super) async fn write(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    client_id: &str,
    prepared: Prepared,
    secret: &Secret,
) -> Written {
    let body = OAuthClientCredential {
        name: prepared.name.clone(),
        client_id: client_id.to_string(),
        client_secret: secret.clone(),
    };
    let result = if prepared.exists {
        genesys.update_credential(&prepared.id, &body).await
    } else {
        warn!(credential_id = %prepared.id, name = %prepared.name, "the integration credential was deleted outside Terraform; making it again");
        genesys.create_credential(&body).await
    };
    match result {
        Ok(credential) => {
            info!(client_id, credential_id = %credential.id, "integration credential holds the new secret");
            let name = if credential.name.is_empty() {
                prepared.name
            } else {
                credential.name
            };
            Written {
                id: credential.id,
                name,
                error: None,
            }
        }
        Err(source) => {
            let (id, name) = (prepared.id, prepared.name);
            let (client_id, entry) = (spec.client_id.clone(), spec.entry.clone());
            let error = if prepared.exists {
                SinkError::CredentialStale {
                    id: id.clone(),
                    name: name.clone(),
                    client_id,
                    entry,
                    source,
                }
            } else {
                SinkError::CredentialNotRemade {
                    id: id.clone(),
                    name: name.clone(),
                    client_id,
                    entry,
                    source,
                }
            };
            Written {
                id,
                name,
                error: Some(error),
            }
        }
    }
}

/// Writes the secret held in Vault into `target`, without a regenerate:
/// version `written` of the entry (the one the sink wrote; the latest when
/// `None`), under the configured key.
pub async fn sync(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    target: &Target,
    written: Option<u64>,
) -> Result<Written, SinkError> {
    let prepared =
        prepare(genesys, Some(target))
            .await?
            .ok_or_else(|| SinkError::CredentialMissing {
                id: target.id.clone(),
            })?;
    let read = match written {
        Some(version) => vault.read_version(&spec.entry, version).await?,
        None => vault.read_data(&spec.entry).await?,
    };
    let found = read.to_string();
    let data = read.live();
    // The client the entry holds (one of a pair, or the sink's own).
    let client_id = data
        .as_ref()
        .filter(|_| !spec.keys.client_id.is_empty())
        .and_then(|data| data.value(&spec.keys.client_id))
        .map(|id| id.expose().to_string())
        .unwrap_or_else(|| spec.client_id.clone());
    let secret = data
        .as_ref()
        .and_then(|data| data.value(&spec.keys.client_secret).cloned())
        .ok_or_else(|| SinkError::ChangedSincePlan {
            entry: spec.entry.clone(),
            expected: format!(
                "the secret this sink wrote, under {:?}",
                spec.keys.client_secret
            ),
            found,
        })?;
    Ok(write(genesys, spec, &client_id, prepared, &secret).await)
}
