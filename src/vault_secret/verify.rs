//! Exchanging credentials at the token endpoint: after a write, the
//! secret just written, while the entry is read back (under the configured
//! key names), which must hold exactly those credentials; on a refresh with
//! `verify_on_read`, the ones stored, telling a reset secret from a client
//! that is merely not active.

use time::OffsetDateTime;
use tracing::warn;

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::consistency::pause;
use crate::genesys::model::TokenResponse;
use crate::genesys::{GenesysClient, GenesysError};
use crate::hashing::secret_hash;
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
    let operation = "verify the new client secret";
    exchange_settled(genesys, operation, client_id, secret, None)
        .await
        .map(drop)
}

/// Exchanges the credentials at the token endpoint and answers the token.
/// A rejection within the consistency window after this process
/// regenerated the secret, or after `written_at` (when the credentials were
/// written: a rotation by another process moments ago), is retried with
/// backoff until the window has passed, as a new secret is not accepted
/// everywhere at once; after it, a rejection counts.
pub async fn exchange_settled(
    genesys: &GenesysClient,
    operation: &str,
    client_id: &str,
    secret: &Secret,
    written_at: Option<OffsetDateTime>,
) -> Result<TokenResponse, GenesysError> {
    let mut attempt = 0;
    loop {
        match genesys.exchange_token(operation, client_id, secret).await {
            Ok(token) => return Ok(token),
            Err(e) if e.is_rejected_credentials() => {
                let Some(until) = genesys.propagation().settles_at(client_id, written_at) else {
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

/// Verifies what consumers will read after a write: `secret`, the secret
/// of `written` just written (its hash `hash`), is exchanged at the token
/// endpoint while the entry is read back, and the read-back must hold
/// exactly those credentials under the configured key names. Together:
/// consumers read these credentials, and they work. A read-back that
/// differs (or fails) is reported before the exchange's outcome.
pub async fn verify_entry(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    written: &str,
    secret: &Secret,
    hash: &str,
) -> Result<(), SinkError> {
    let (read, exchanged) = tokio::join!(
        read_back(vault, spec, written, hash),
        verify(genesys, written, secret)
    );
    read?;
    Ok(exchanged?)
}

/// Reads the entry back: it must hold `written`'s credentials, with the
/// secret whose hash is `hash`.
async fn read_back(
    vault: &VaultClient,
    spec: &SinkSpec,
    written: &str,
    hash: &str,
) -> Result<(), SinkError> {
    let read = vault.read_data(&spec.entry).await?;
    match found_instead(spec, read, written, hash) {
        None => Ok(()),
        Some(found) => Err(SinkError::ChangedSincePlan {
            entry: spec.entry.clone(),
            expected: format!(
                "the credentials of OAuth client {written} just written under {:?} and {:?}",
                spec.keys.client_id, spec.keys.client_secret
            ),
            found,
        }),
    }
}

/// What `read` holds instead of exactly what was written (`written`'s id,
/// or no id key, and the secret whose hash is `hash`, under the configured
/// names); `None` when it holds that.
fn found_instead(spec: &SinkSpec, read: KvRead, written: &str, hash: &str) -> Option<String> {
    let found = read.to_string();
    let Some((id, secret)) = read
        .live()
        .as_ref()
        .and_then(|data| consumer_credentials(spec, data))
    else {
        return Some(found);
    };
    if id != written {
        return Some(format!("those of OAuth client {id}"));
    }
    if secret_hash(&id, &secret) != hash {
        return Some(format!(
            "another secret of OAuth client {id} than the one just written"
        ));
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::KvData;

    fn live(pairs: &[(&str, &str)]) -> KvRead {
        KvRead::Live(KvData::for_tests(pairs))
    }

    fn check(read: KvRead) -> Option<String> {
        let spec = SinkSpec::for_tests(None);
        let hash = secret_hash("a", &Secret::new("s1"));
        found_instead(&spec, read, "a", &hash)
    }

    #[test]
    fn the_read_back_must_hold_exactly_the_credentials_written() {
        assert_eq!(
            check(live(&[("client_id", "a"), ("client_secret", "s1")])),
            None
        );
        let refused = [
            (
                live(&[("client_id", "a"), ("client_secret", "s2")]),
                "another secret of OAuth client a",
            ),
            (
                live(&[("client_id", "b"), ("client_secret", "s1")]),
                "those of OAuth client b",
            ),
            (live(&[("client_id", "a")]), "a live version"),
            (KvRead::Absent, "no entry"),
        ];
        for (read, found) in refused {
            let e = check(read).expect(found);
            assert!(e.contains(found), "{e}");
            assert!(!e.contains("s1") && !e.contains("s2"), "no secret in: {e}");
        }
    }

    #[test]
    fn without_an_id_key_the_sinks_client_is_the_one_read_back() {
        let mut spec = SinkSpec::for_tests(None);
        spec.keys.client_id = String::new();
        let hash = secret_hash("a", &Secret::new("s1"));
        let read = live(&[("client_secret", "s1")]);
        assert_eq!(found_instead(&spec, read, "a", &hash), None);
        let read = live(&[("client_secret", "s1")]);
        assert!(found_instead(&spec, read, "b", &secret_hash("b", &Secret::new("s1"))).is_some());
    }
}
