//! What the emulated organization holds: OAuth clients, tokens, issued
//! secrets, integration credentials, fault rules and the request log.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use base64::Engine;
use rand::RngCore;
use serde_json::{json, Value};

use crate::credentials::Credentials;
use crate::faults::FaultRule;
use crate::DivisionEcho;

/// The user every client is created and modified by.
static ADMIN_USER: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
    json!({"id": "5f6e2a8c-1b7d-4c3e-9a0f-2d4b6c8e0a13", "name": "Emulator Admin",
           "selfUri": "/api/v2/users/5f6e2a8c-1b7d-4c3e-9a0f-2d4b6c8e0a13"})
});

/// One OAuth client as the emulator stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredClient {
    /// Client id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Token lifetime.
    pub access_token_validity_seconds: i64,
    /// Redirect URIs.
    pub registered_redirect_uri: Vec<String>,
    /// Deprecated role ids.
    pub role_ids: Vec<String>,
    /// Grant type, as answered (`SAML2-BEARER`, never `SAML2BEARER`).
    pub authorized_grant_type: String,
    /// Scopes.
    pub scope: Vec<String>,
    /// (role id, division id) as granted: a role sent without a division
    /// is granted the home division.
    pub role_divisions: Vec<(String, String)>,
    /// For each entry of `role_divisions`, whether it was sent without a
    /// division (its answer then follows the [`DivisionEcho`]).
    pub(crate) division_implied: Vec<bool>,
    /// active, disabled, inactive or deleted.
    pub state: String,
    /// The current secret (the only one the token endpoint accepts, once
    /// the consistency window after it was issued has passed).
    pub secret: String,
    /// ISO-8601 creation time.
    pub date_created: String,
    /// ISO-8601 modification time.
    pub date_modified: String,
    /// While lingering as deleted: when it disappears, and that time as
    /// `dateToDelete` answers it.
    pub(crate) gone_at: Option<(Instant, String)>,
    /// When the `/api/v2/oauth/clients` endpoints start to know it (the end
    /// of the consistency window after its creation).
    pub(crate) visible_at: Instant,
    /// When the token endpoint starts to accept `secret` (the end of the
    /// consistency window after it was issued).
    pub(crate) secret_usable_at: Instant,
}

impl StoredClient {
    /// True once the `/api/v2/oauth/clients` endpoints know the client.
    pub(crate) fn visible(&self) -> bool {
        Instant::now() >= self.visible_at
    }

    /// True when the token endpoint accepts `secret` for this client.
    pub(crate) fn accepts(&self, secret: &str) -> bool {
        self.authorized_grant_type == "CLIENT-CREDENTIALS"
            && self.state == "active"
            && self.secret == secret
            && Instant::now() >= self.secret_usable_at
    }

    /// JSON as GET answers it, with the secret only when `with_secret`,
    /// shaped as `shape` says (division echo, omitted fields).
    pub fn to_json(&self, with_secret: bool, shape: &AnswerShape) -> Value {
        let echo = shape.division_echo;
        let roles: Vec<Value> = self
            .role_divisions
            .iter()
            .zip(&self.division_implied)
            .map(|((role, division), implied)| match (echo, implied) {
                (DivisionEcho::Omitted, _) | (DivisionEcho::AsSent, true) => {
                    json!({"roleId": role})
                }
                (DivisionEcho::Null, _) => json!({"roleId": role, "divisionId": null}),
                _ => json!({"roleId": role, "divisionId": division}),
            })
            .collect();
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "accessTokenValiditySeconds": self.access_token_validity_seconds,
            "registeredRedirectUri": self.registered_redirect_uri,
            "roleIds": self.role_ids,
            "authorizedGrantType": self.authorized_grant_type,
            "scope": self.scope,
            "roleDivisions": roles,
            "state": self.state,
            "dateCreated": self.date_created,
            "dateModified": self.date_modified,
            "createdBy": ADMIN_USER.clone(),
            "modifiedBy": ADMIN_USER.clone(),
            "selfUri": format!("/api/v2/oauth/clients/{}", self.id),
        });
        if let Some(d) = &self.description {
            v["description"] = json!(d);
        }
        if let Some((_, date)) = &self.gone_at {
            v["dateToDelete"] = json!(date);
        }
        if with_secret {
            v["secret"] = json!(self.secret);
        }
        if let Some(o) = v.as_object_mut() {
            for field in &shape.omitted_fields {
                o.remove(field);
            }
        }
        v
    }
}

/// How client answers are shaped: the options that model the ways the real
/// API may echo a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerShape {
    /// How roles' divisions are answered.
    pub division_echo: DivisionEcho,
    /// Top-level fields left out of every client answer (`description`,
    /// `state`, …; the roles' divisions follow `division_echo`).
    pub omitted_fields: Vec<String>,
}

/// Mutable state behind the server's mutex.
#[derive(Default)]
pub(crate) struct Inner {
    /// Clients by id, in creation order of their ids' insertion.
    pub clients: BTreeMap<String, StoredClient>,
    /// Creation order.
    pub order: Vec<String>,
    /// Valid access tokens and their expiry.
    pub tokens: HashMap<String, Instant>,
    /// Every secret issued.
    pub issued_secrets: Vec<String>,
    /// Every token issued.
    pub issued_tokens: Vec<String>,
    /// Every token revoked by `DELETE /api/v2/tokens/me`, in order.
    pub revoked_tokens: Vec<String>,
    /// Fault rules.
    pub faults: Vec<FaultRule>,
    /// (method, path) of every request.
    pub requests: Vec<(String, String)>,
    /// How client answers are shaped.
    pub shape: AnswerShape,
    /// The current consistency window.
    pub consistency_window: std::time::Duration,
    /// Integration credentials.
    pub credentials: Credentials,
    /// Clients whose credentials the token endpoint refuses, whatever the
    /// secret, once it has accepted them this many more times (a test
    /// hook: credentials that stop working with nothing to show why).
    pub refused: HashMap<String, u32>,
}

/// A request path with the client or credential id replaced by `{id}`,
/// e.g. `/api/v2/oauth/clients/{id}/secret`.
pub(crate) fn path_pattern(path: &str) -> String {
    const PREFIXES: [&str; 2] = [
        "/api/v2/oauth/clients/",
        "/api/v2/integrations/credentials/",
    ];
    for prefix in PREFIXES {
        match path.strip_prefix(prefix) {
            Some(rest) if !rest.is_empty() => {
                return match rest.split_once('/') {
                    Some((_, tail)) => format!("{prefix}{{id}}/{tail}"),
                    None => format!("{prefix}{{id}}"),
                }
            }
            _ => {}
        }
    }
    path.to_string()
}

impl Inner {
    /// Drops clients whose deletion has completed.
    pub fn expire(&mut self) {
        let now = Instant::now();
        self.clients
            .retain(|_, c| c.gone_at.as_ref().is_none_or(|(t, _)| *t > now));
        let clients = &self.clients;
        self.order.retain(|id| clients.contains_key(id));
    }

    /// Issues and records a new secret.
    pub fn new_secret(&mut self) -> String {
        let s = random_token(32);
        self.issued_secrets.push(s.clone());
        s
    }

    /// Regenerates a client's secret.
    pub fn regenerate(&mut self, id: &str) -> Option<String> {
        self.expire();
        if self.clients.get(id).is_none_or(|c| c.state == "deleted") {
            return None;
        }
        let secret = self.new_secret();
        let usable_at = Instant::now() + self.consistency_window;
        let client = self.clients.get_mut(id)?;
        client.secret = secret.clone();
        client.secret_usable_at = usable_at;
        client.date_modified = now_iso();
        Some(secret)
    }

    /// The client as the `/api/v2/oauth/clients/{id}` endpoints see it:
    /// `None` when unknown, gone, or still inside the consistency window.
    pub fn visible(&mut self, id: &str) -> Option<&mut StoredClient> {
        self.expire();
        self.clients.get_mut(id).filter(|c| c.visible())
    }

    /// Clients in creation order.
    pub fn ordered(&mut self) -> Vec<StoredClient> {
        self.expire();
        self.order
            .iter()
            .filter_map(|id| self.clients.get(id).cloned())
            .collect()
    }
}

/// URL-safe random text of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Now as Genesys formats times: `2026-11-22T23:00:00.000Z`.
pub(crate) fn now_iso() -> String {
    iso_in(std::time::Duration::ZERO)
}

/// Now plus `later`, formatted as [`now_iso`].
pub(crate) fn iso_in(later: std::time::Duration) -> String {
    let now = time::OffsetDateTime::now_utc() + later;
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&format).unwrap_or_default()
}
