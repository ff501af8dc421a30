//! Exchanging credentials at the token endpoint: after a write, the ones
//! consumers will read back from the entry (under the configured key
//! names, not the pair held in memory), which must be the client's just
//! written; on a refresh with
//! `verify_on_read`, the ones stored, telling a reset secret from a client
//! that is merely not active.

use tracing::warn;

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::consistency::pause;
use crate::genesys::{GenesysClient, GenesysError};
use crate::secret::Secret;
use crate::vault::{KvData, KvRead, VaultClient};

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

/// The client id and secret a consumer reads from the entry: the id under
/// `client_id_key` (the sink's client when that key is left out), the
/// secret under `client_secret_key`. `None` when either is missing.
fn consumer_credentials(spec: &SinkSpec, data: &KvData) -> Option<(String, Secret)> {
    let secret = data.value(&spec.keys.client_secret)?.clone();
    let id = if spec.keys.client_id.is_empty() {
        spec.client_id.clone()
    } else {
        data.value(&spec.keys.client_id)?.expose().to_string()
    };
    Some((id, secret))
}

/// Reads the entry back and verifies the credentials in it, as a consumer
/// will use them: they must be those of `written`, the client whose secret
/// was just written.
pub async fn verify_entry(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    written: &str,
) -> Result<(), SinkError> {
    let read = vault.read_data(&spec.entry).await?;
    let found = read.to_string();
    let changed = |found: String| SinkError::ChangedSincePlan {
        entry: spec.entry.clone(),
        expected: format!(
            "the credentials of OAuth client {written} just written under {:?} and {:?}",
            spec.keys.client_id, spec.keys.client_secret
        ),
        found,
    };
    let (id, secret) = read
        .live()
        .as_ref()
        .and_then(|data| consumer_credentials(spec, data))
        .ok_or_else(|| changed(found))?;
    if id != written {
        return Err(changed(format!("those of OAuth client {id}")));
    }
    Ok(verify(genesys, &id, &secret).await?)
}

/// What the credentials stored in an entry are worth (verify-on-read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Genesys Cloud accepts them.
    Work,
    /// Rejected while the client is active: the secret was reset (or the
    /// entry no longer holds it); the plan repairs it.
    Rejected,
    /// Rejected because the client is not active (`inactive`, `disabled`):
    /// a new secret would not help; the plan reports it.
    ClientNotActive(String),
}

/// Checks the credentials stored in Vault (verify-on-read). No entry, or no
/// credentials in it, counts as rejected.
pub async fn stored_credentials(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
) -> Result<Stored, SinkError> {
    let KvRead::Live(data) = vault.read_data(&spec.entry).await? else {
        return Ok(Stored::Rejected);
    };
    let Some((id, secret)) = consumer_credentials(spec, &data) else {
        return Ok(Stored::Rejected);
    };
    match genesys
        .exchange_token("check the credentials stored in Vault", &id, &secret)
        .await
    {
        Ok(_) => Ok(Stored::Work),
        Err(e) if e.is_rejected_credentials() => {
            let state = genesys.get_client(&id, None).await?.and_then(|c| c.state);
            Ok(match state {
                Some(state) if state != "active" => Stored::ClientNotActive(state),
                _ => Stored::Rejected,
            })
        }
        Err(e) => Err(e.into()),
    }
}
