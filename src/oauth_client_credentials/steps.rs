//! The steps of the ephemeral resource: open (one Vault read, then at most
//! one exchange at the token endpoint) and close (the token revoked).
//! Plain async functions over the API clients; the glue turns their errors
//! and warnings into diagnostics.

use time::OffsetDateTime;
use tracing::debug;

use super::fields::{Bearer, CloseRecord, Credentials, Request};
use super::rules::{self, Picked};
use super::tokens::HeldTokens;
use crate::attribute_error::AttributeError;
use crate::genesys::{GenesysClient, GenesysError};
use crate::vault::{VaultClient, VaultError};
use crate::vault_secret::exchange_settled;
use crate::vault_secret::rules::parse_time;

/// Why an open failed.
#[derive(Debug)]
pub enum OpenError {
    /// What the configuration names is wrong, or the credentials are
    /// refused: an error on that attribute.
    Attribute(AttributeError),
    /// Vault did not answer the read.
    Vault(VaultError),
    /// Genesys Cloud did not answer the exchange (not a refusal).
    Genesys(GenesysError),
}

/// Reads the entry `req` names (one request: the version with its metadata)
/// and, when asked to verify or to answer a token, exchanges the
/// credentials once: a refusal within the consistency window after the
/// entry was written is retried until the window has passed
/// (`crate::vault_secret::exchange_settled`). An answered token is held in `tokens`
/// for the close.
pub async fn open(
    genesys: &GenesysClient,
    vault: &VaultClient,
    tokens: &HeldTokens,
    req: &Request,
) -> Result<(Credentials, CloseRecord), OpenError> {
    let read = vault
        .read_with_metadata(&req.entry, req.version)
        .await
        .map_err(OpenError::Vault)?;
    let picked = rules::pick(req, read).map_err(OpenError::Attribute)?;
    let mut record = CloseRecord {
        client_id: picked.client_id.clone(),
        entry: req.entry.to_string(),
        ..CloseRecord::default()
    };
    let bearer = if req.verify || req.access_token {
        let token = exchange(genesys, req, &picked).await?;
        let expires_at = rules::expires_at(OffsetDateTime::now_utc(), token.expires_in);
        if req.access_token {
            record.token_handle = Some(tokens.hold(token.access_token.clone()));
            record.expires_at = Some(expires_at.clone());
            Some(Bearer {
                token: token.access_token,
                expires_at,
            })
        } else {
            None
        }
    } else {
        None
    };
    debug!(
        client_id = %picked.client_id,
        entry = %req.entry,
        version = picked.version,
        verified = req.verify,
        token = bearer.is_some(),
        "opened the credentials of an entry"
    );
    let credentials = Credentials {
        client_id: picked.client_id,
        client_secret: picked.secret,
        version: picked.version,
        created_time: picked.created_time,
        bearer,
    };
    Ok((credentials, record))
}

/// The one exchange of an open.
async fn exchange(
    genesys: &GenesysClient,
    req: &Request,
    picked: &Picked,
) -> Result<crate::genesys::model::TokenResponse, OpenError> {
    let operation = format!(
        "exchange the credentials of OAuth client {} read from {}",
        picked.client_id, req.entry
    );
    let written_at = picked.created_time.as_deref().and_then(parse_time);
    exchange_settled(
        genesys,
        &operation,
        &picked.client_id,
        &picked.secret,
        written_at,
    )
    .await
    .map_err(|e| match e.is_rejected_credentials() {
        true => OpenError::Attribute(rules::refused(req, picked, &e)),
        false => OpenError::Genesys(e),
    })
}

/// Revokes the token an open answered, if any; a warning (summary, detail)
/// when it cannot be: the token then lives until it expires.
pub async fn close(
    genesys: &GenesysClient,
    tokens: &HeldTokens,
    record: &CloseRecord,
) -> Option<(String, String)> {
    let handle = record.token_handle.as_deref()?;
    let expires = record
        .expires_at
        .as_deref()
        .map(|t| format!(" It expires at {t}."))
        .unwrap_or_default();
    let summary = format!(
        "The access token of OAuth client {} was not revoked",
        record.client_id
    );
    let Some(token) = tokens.take(handle) else {
        return Some((
            summary,
            format!("This provider process does not hold the token it answered for the credentials read from {} (it was opened by another process).{expires}", record.entry),
        ));
    };
    match genesys.revoke_token(&token).await {
        Ok(()) => {
            debug!(client_id = %record.client_id, entry = %record.entry, "revoked the access token");
            None
        }
        Err(e) => Some((summary, format!("Revoking it failed: {e}.{expires}"))),
    }
}
