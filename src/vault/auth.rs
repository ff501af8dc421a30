//! How the provider gets and keeps its Vault token: a token given as is
//! (looked up once), or a login (JWT, AppRole) whose token is re-obtained when
//! it expires. Renewable tokens are renewed in the background before their
//! TTL runs out, so a long apply does not lose Vault half-way.
//!
//! No child token is ever created: HCP Terraform's dynamic-credential tokens
//! may not hold `auth/token/create`.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use tracing::{debug, info, warn};

use super::error::VaultError;
use super::transport::{messages, Repeat, Transport};
use crate::secret::Secret;

/// The method that yields the provider's Vault token.
#[derive(Debug, Clone)]
pub enum VaultAuth {
    /// A ready token; `source` says where it came from (for messages).
    Token {
        /// The token.
        token: Secret,
        /// `vault.token`, `VAULT_TOKEN`, `~/.vault-token`, `token_file <path>`.
        source: String,
    },
    /// `POST auth/<mount>/login {"role","jwt"}`.
    Jwt {
        /// Auth mount, e.g. `jwt`.
        mount: String,
        /// Vault role.
        role: String,
        /// The JWT (HCP Terraform's workload identity token).
        jwt: Secret,
    },
    /// `POST auth/<mount>/login {"role_id","secret_id"}`.
    AppRole {
        /// Auth mount, e.g. `approle`.
        mount: String,
        /// Role ID (not secret on its own, still never logged).
        role_id: Secret,
        /// Secret ID.
        secret_id: Secret,
    },
}

impl VaultAuth {
    /// The method as users configure it, with its mount: used in every
    /// authentication error.
    pub fn describe(&self) -> String {
        match self {
            VaultAuth::Token { source, .. } => format!("Vault token from {source}"),
            VaultAuth::Jwt { mount, role, .. } => {
                format!("auth_login_jwt (mount \"{mount}\", role \"{role}\")")
            }
            VaultAuth::AppRole { mount, .. } => format!("auth_login_approle (mount \"{mount}\")"),
        }
    }

    /// What to check when Vault refuses this method.
    fn fix(&self) -> String {
        match self {
            VaultAuth::Token { .. } => "Give the provider a current token (vault.token, vault.token_file, VAULT_TOKEN or ~/.vault-token). In HCP Terraform, check the workspace's dynamic credentials (TFC_VAULT_PROVIDER_AUTH, TFC_VAULT_RUN_ROLE, TFC_VAULT_ADDR), or use auth_login_jwt, which the provider renews and re-obtains.".into(),
            VaultAuth::Jwt { mount, role, .. } => format!(
                "Check that a JWT auth method is enabled at auth/{mount} (`vault auth enable -path={mount} jwt`), that the role auth/{mount}/role/{role} exists, that its bound_audiences and bound_claims match the JWT's aud and claims, and that the JWT has not expired (in HCP Terraform it comes from TFC_WORKLOAD_IDENTITY_TOKEN, set when the workspace sets TFC_WORKLOAD_IDENTITY_AUDIENCE)."
            ),
            VaultAuth::AppRole { mount, .. } => format!(
                "Check that an AppRole auth method is enabled at auth/{mount} (`vault auth enable -path={mount} approle`), and that role_id and secret_id belong to one of its roles; secret IDs can expire or be limited in uses (secret_id_ttl, secret_id_num_uses)."
            ),
        }
    }

    fn secrets(&self) -> Vec<&Secret> {
        match self {
            VaultAuth::Token { token, .. } => vec![token],
            VaultAuth::Jwt { jwt, .. } => vec![jwt],
            VaultAuth::AppRole {
                role_id, secret_id, ..
            } => vec![role_id, secret_id],
        }
    }

    /// An authentication error naming this method and what to fix. Vault's
    /// own words are kept, minus anything that is one of our secrets.
    fn error(&self, problem: impl Into<String>) -> VaultError {
        let mut problem = problem.into();
        for s in self.secrets() {
            if !s.is_empty() {
                problem = problem.replace(s.expose(), "***");
            }
        }
        VaultError::Auth {
            method: self.describe(),
            problem,
            fix: self.fix(),
        }
    }
}

/// What Vault says of a token: how long it lives and whether it renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Time left; `None` for a token that never expires (root, TTL 0).
    pub ttl: Option<Duration>,
    /// Whether `renew-self` can extend it.
    pub renewable: bool,
    /// The TTL a renewal grants while the token is below its max TTL
    /// (`creation_ttl` of a lookup, the lease of a login).
    pub full: Option<Duration>,
}

impl Lease {
    /// From a `lookup-self` answer's `data`.
    pub fn from_lookup(data: &Value) -> Lease {
        Lease {
            ttl: positive_secs(&data["ttl"]),
            renewable: data["renewable"].as_bool().unwrap_or(false),
            full: positive_secs(&data["creation_ttl"]),
        }
    }

    /// From a login or `renew-self` answer's `auth`.
    pub fn from_auth(auth: &Value) -> Lease {
        Lease {
            ttl: positive_secs(&auth["lease_duration"]),
            renewable: auth["renewable"].as_bool().unwrap_or(false),
            full: positive_secs(&auth["lease_duration"]),
        }
    }

    /// When the next renewal should happen: two thirds into the TTL, so a
    /// failed attempt still leaves time. `None` when there is nothing to
    /// renew (no expiry, not renewable, or too short to be worth it).
    pub fn renew_after(&self) -> Option<Duration> {
        let ttl = self.ttl?;
        (self.renewable && ttl >= MIN_RENEWABLE_TTL).then(|| ttl * 2 / 3)
    }
}

/// Below this, a renewal gains nothing: the token is at its max TTL.
const MIN_RENEWABLE_TTL: Duration = Duration::from_secs(2);

/// A token is treated as expired this long before Vault would say so.
const EXPIRY_MARGIN: Duration = Duration::from_secs(1);

fn positive_secs(v: &Value) -> Option<Duration> {
    v.as_u64().filter(|s| *s > 0).map(Duration::from_secs)
}

/// The token in use and when it ends.
struct Held {
    token: Secret,
    expires_at: Option<Instant>,
    renewable: bool,
    /// See [`Lease::full`].
    full_ttl: Option<Duration>,
    /// The last renewal granted less than `full_ttl`: the max TTL is near,
    /// renewing cannot keep the token alive much longer.
    capped: bool,
}

impl Held {
    /// True when the token ends within `need` from `now`.
    fn ends_within(&self, now: Instant, need: Duration) -> bool {
        self.expires_at.is_some_and(|at| now + need >= at)
    }

    fn expired(&self, now: Instant) -> bool {
        self.ends_within(now, EXPIRY_MARGIN)
    }

    /// True when background renewal can keep the token alive.
    fn renews(&self) -> bool {
        self.renewable && !self.capped
    }
}

/// What to do with the token held when a caller needs it to last `need`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// It lasts: use it.
    Use,
    /// A given token that can still be renewed: renew it now.
    Renew,
    /// A login method: log in again.
    Login,
    /// A given token that cannot last that long.
    TooShort,
}

/// The decision [`Session::token_lasting`] makes. Pure, for the tests.
fn plan(held: &Held, now: Instant, need: Duration, login_method: bool) -> Plan {
    if !held.ends_within(now, need.max(EXPIRY_MARGIN)) {
        Plan::Use
    } else if login_method {
        Plan::Login
    } else if held.renews() && !held.expired(now) {
        Plan::Renew
    } else {
        Plan::TooShort
    }
}

/// The provider's Vault session: one token at a time, obtained on first use
/// (single flight), renewed in the background, re-obtained by login methods
/// when it expires.
pub struct Session {
    auth: VaultAuth,
    held: tokio::sync::Mutex<Option<Held>>,
    renewer: Mutex<Option<tokio::task::AbortHandle>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("method", &self.auth.describe())
            .finish_non_exhaustive()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_renewer();
    }
}

impl Session {
    /// A session that has not talked to Vault yet.
    pub fn new(auth: VaultAuth) -> Arc<Session> {
        Arc::new(Session {
            auth,
            held: tokio::sync::Mutex::new(None),
            renewer: Mutex::new(None),
        })
    }

    /// The method in use, for messages.
    pub fn describe(&self) -> String {
        self.auth.describe()
    }

    /// After a 403 with `token`: when the token itself is no longer valid
    /// (its `lookup-self` is refused too: revoked early), a login method
    /// drops it (unless another call already replaced it), so the next
    /// [`Session::token`] logs in again, and this returns true. A 403 from
    /// the policy alone, or with a given token, returns false: a new login
    /// would change nothing (and could use up a single-use AppRole secret ID).
    pub async fn forget_login_token(&self, transport: &Transport, token: &Secret) -> bool {
        if let VaultAuth::Token { .. } = self.auth {
            return false;
        }
        let lookup = lookup_self(transport, token).await;
        if matches!(lookup, Ok((status, _)) if status.is_success()) {
            return false;
        }
        let mut held = self.held.lock().await;
        if held
            .as_ref()
            .is_some_and(|h| h.token.expose() == token.expose())
        {
            *held = None;
        }
        true
    }

    /// The token to send now. The first call looks the token up or logs in;
    /// later calls reuse it until it expires.
    pub async fn token(self: &Arc<Self>, transport: &Transport) -> Result<Secret, VaultError> {
        self.token_lasting(transport, EXPIRY_MARGIN).await
    }

    /// A token that will still be valid `need` from now: renewed or
    /// obtained again if needed, else an error saying so. Called before an
    /// operation that must not stop half-way (regenerate, then write).
    pub async fn token_lasting(
        self: &Arc<Self>,
        transport: &Transport,
        need: Duration,
    ) -> Result<Secret, VaultError> {
        let login_method = !matches!(self.auth, VaultAuth::Token { .. });
        let mut held = self.held.lock().await;
        if let Some(h) = held.as_ref() {
            match plan(h, Instant::now(), need, login_method) {
                Plan::Use => return Ok(h.token.clone()),
                Plan::Login => {
                    info!(method = %self.auth.describe(), "Vault token expired or about to; logging in again")
                }
                Plan::Renew => {
                    drop(held);
                    let lease = self.renew(transport).await?;
                    debug!(
                        ttl_s = lease.ttl.map(|t| t.as_secs()),
                        "Vault token renewed before a long operation"
                    );
                    // The background renewal may have given up earlier:
                    // it is what keeps this token alive from here on.
                    self.keep_renewing(transport, &lease);
                    held = self.held.lock().await;
                    if let Some(h) = held.as_ref() {
                        // Renewed and not capped: the background renewal
                        // keeps it alive for as long as it is needed.
                        let lasts = !h.ends_within(Instant::now(), need) || h.renews();
                        return if lasts {
                            Ok(h.token.clone())
                        } else {
                            Err(self.too_short(h, need))
                        };
                    }
                }
                Plan::TooShort => return Err(self.too_short(h, need)),
            }
        }
        let (token, lease) = self.obtain(transport).await?;
        let now = Instant::now();
        let fresh = Held {
            token: token.clone(),
            expires_at: lease.ttl.map(|ttl| now + ttl),
            renewable: lease.renewable,
            full_ttl: lease.full,
            capped: false,
        };
        if !login_method && fresh.ends_within(now, need.max(EXPIRY_MARGIN)) && !fresh.renewable {
            return Err(self.too_short(&fresh, need));
        }
        *held = Some(fresh);
        drop(held);
        self.keep_renewing(transport, &lease);
        Ok(token)
    }

    /// Renews `lease`'s token in the background when it can be renewed,
    /// else stops any renewal left from an earlier token.
    fn keep_renewing(self: &Arc<Self>, transport: &Transport, lease: &Lease) {
        match lease.renew_after() {
            Some(after) => self.start_renewer(transport.clone(), after),
            None => self.stop_renewer(),
        }
    }

    /// The error for a given token that ends too soon.
    fn too_short(&self, held: &Held, need: Duration) -> VaultError {
        let now = Instant::now();
        if held.expired(now) {
            return self.auth.error(
                "the token's TTL has run out and Vault would not renew it any further (it reached its max TTL or is not renewable)",
            );
        }
        let left = held
            .expires_at
            .map(|at| at.saturating_duration_since(now).as_secs())
            .unwrap_or(0);
        self.auth.error(format!(
            "the token expires in {left} s and cannot be renewed, too soon for an operation that may need {} s of Vault access (regenerate a secret, then write it, with retries); nothing was changed. Use a renewable token or a login method, or lower retry_deadline_seconds",
            need.as_secs()
        ))
    }

    /// Looks a given token up, or logs in.
    async fn obtain(&self, transport: &Transport) -> Result<(Secret, Lease), VaultError> {
        match &self.auth {
            VaultAuth::Token { token, .. } => {
                let (status, body) = lookup_self(transport, token)
                    .await
                    .map_err(|e| self.auth.error(e.to_string()))?;
                match status.as_u16() {
                    200 => {
                        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let lease = Lease::from_lookup(&v["data"]);
                        debug!(ttl_s = lease.ttl.map(|t| t.as_secs()), renewable = lease.renewable, "Vault token looked up");
                        Ok((token.clone(), lease))
                    }
                    403 => Err(self.auth.error(
                        "Vault rejected the token at auth/token/lookup-self (HTTP 403): it is expired, revoked, or was issued by another Vault or namespace (or its policies lack \"read\" on auth/token/lookup-self, which Vault's default policy grants)",
                    )),
                    s => Err(self.auth.error(format!(
                        "auth/token/lookup-self answered HTTP {s}: {}",
                        messages(&body)
                    ))),
                }
            }
            VaultAuth::Jwt { mount, role, jwt } => {
                let body = json!({ "role": role, "jwt": jwt.expose() });
                self.login(transport, mount, &body).await
            }
            VaultAuth::AppRole {
                mount,
                role_id,
                secret_id,
            } => {
                let body = json!({ "role_id": role_id.expose(), "secret_id": secret_id.expose() });
                self.login(transport, mount, &body).await
            }
        }
    }

    async fn login(
        &self,
        transport: &Transport,
        mount: &str,
        body: &Value,
    ) -> Result<(Secret, Lease), VaultError> {
        let path = format!("auth/{}/login", crate::http::encode_path(mount));
        let (status, answer) = transport
            .send(
                "log in to Vault",
                Method::POST,
                &path,
                Some(body),
                None,
                Repeat::Safe,
            )
            .await
            .map_err(|e| self.auth.error(e.to_string()))?;
        if !status.is_success() {
            let hint = match status.as_u16() {
                404 | 405 => " (no auth method of this kind answers at this mount)",
                _ => "",
            };
            return Err(self.auth.error(format!(
                "Vault refused the login at {path} (HTTP {}{hint}): {}",
                status.as_u16(),
                messages(&answer)
            )));
        }
        let v: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        let Some(token) = v["auth"]["client_token"].as_str().filter(|t| !t.is_empty()) else {
            return Err(self
                .auth
                .error(format!("the answer of {path} holds no auth.client_token")));
        };
        let lease = Lease::from_auth(&v["auth"]);
        info!(method = %self.auth.describe(), ttl_s = lease.ttl.map(|t| t.as_secs()), renewable = lease.renewable, "logged in to Vault");
        Ok((Secret::new(token), lease))
    }

    /// Stops the background renewal (the current token needs none).
    fn stop_renewer(&self) {
        if let Some(old) = self
            .renewer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            old.abort();
        }
    }

    /// Starts (or restarts) the background renewal of the current token.
    fn start_renewer(self: &Arc<Self>, transport: Transport, first: Duration) {
        let weak = Arc::downgrade(self);
        let task = tokio::spawn(renew_loop(weak, transport, first));
        if let Some(old) = self
            .renewer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(task.abort_handle())
        {
            old.abort();
        }
    }

    /// One `renew-self` of the current token; updates its expiry. The lock
    /// is not held during the call, so other Vault calls go on meanwhile.
    async fn renew(&self, transport: &Transport) -> Result<Lease, VaultError> {
        let Some(token) = self.held.lock().await.as_ref().map(|h| h.token.clone()) else {
            return Ok(Lease {
                ttl: None,
                renewable: false,
                full: None,
            });
        };
        let (status, body) = transport
            .send(
                "renew the Vault token",
                Method::POST,
                "auth/token/renew-self",
                Some(&json!({})),
                Some(&token),
                Repeat::Safe,
            )
            .await
            .map_err(|e| self.auth.error(e.to_string()))?;
        if !status.is_success() {
            return Err(self.auth.error(format!(
                "auth/token/renew-self answered HTTP {}: {}",
                status.as_u16(),
                messages(&body)
            )));
        }
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if !v["auth"]["lease_duration"].is_u64() {
            return Err(self
                .auth
                .error("the answer of auth/token/renew-self holds no auth.lease_duration"));
        }
        let lease = Lease::from_auth(&v["auth"]);
        let mut held = self.held.lock().await;
        // A new login may have replaced the token meanwhile: leave it be.
        if let Some(h) = held.as_mut().filter(|h| h.token.expose() == token.expose()) {
            h.expires_at = lease.ttl.map(|ttl| Instant::now() + ttl);
            h.renewable = lease.renewable;
            h.capped = match (lease.ttl, h.full_ttl) {
                (Some(granted), Some(full)) => granted + MIN_RENEWABLE_TTL < full,
                _ => false,
            };
        }
        Ok(lease)
    }

    /// Time left on the current token (`None`: none held, or no expiry).
    async fn time_left(&self) -> Option<Duration> {
        let held = self.held.lock().await;
        let at = held.as_ref()?.expires_at?;
        Some(at.saturating_duration_since(Instant::now()))
    }
}

/// `GET auth/token/lookup-self` with `token`: its TTL, or a refusal when it
/// is no longer valid.
async fn lookup_self(
    transport: &Transport,
    token: &Secret,
) -> Result<(reqwest::StatusCode, bytes::Bytes), VaultError> {
    transport
        .send(
            "look up the Vault token",
            Method::GET,
            "auth/token/lookup-self",
            None,
            Some(token),
            Repeat::Safe,
        )
        .await
}

/// Renews the token two thirds into each TTL until it cannot be renewed any
/// further or the session is gone. A login method then logs in again on the
/// next use; a given token ends with a clear error.
async fn renew_loop(session: Weak<Session>, transport: Transport, first: Duration) {
    let mut wait = first;
    loop {
        tokio::time::sleep(wait).await;
        let Some(s) = session.upgrade() else { return };
        match s.renew(&transport).await {
            Ok(lease) => {
                info!(method = %s.describe(), ttl_s = lease.ttl.map(|t| t.as_secs()), "Vault token renewed");
                match lease.renew_after() {
                    Some(next) => wait = next,
                    None => return,
                }
            }
            Err(e) => {
                // Try again while the token still has time; a login method
                // logs in again once it has expired, a given token then
                // ends with a clear error.
                match s.time_left().await {
                    Some(left) if left >= MIN_RENEWABLE_TTL * 2 => {
                        warn!(error = %e, retry_in_s = (left / 3).as_secs(), "could not renew the Vault token; trying again");
                        wait = left / 3;
                    }
                    _ => {
                        warn!(error = %e, "could not renew the Vault token; it will be re-obtained or reported when it expires");
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_come_from_lookup_and_login_answers() {
        let root = Lease::from_lookup(&json!({"ttl": 0, "renewable": false, "creation_ttl": 0}));
        assert_eq!(
            root,
            Lease {
                ttl: None,
                renewable: false,
                full: None
            }
        );
        let aged =
            Lease::from_lookup(&json!({"ttl": 100, "renewable": true, "creation_ttl": 3600}));
        assert_eq!(aged.full, Some(Duration::from_secs(3600)));
        assert_eq!(root.renew_after(), None);

        let short = Lease::from_auth(&json!({"lease_duration": 30, "renewable": true}));
        assert_eq!(short.renew_after(), Some(Duration::from_secs(20)));

        let fixed = Lease::from_auth(&json!({"lease_duration": 30, "renewable": false}));
        assert_eq!(fixed.renew_after(), None);

        let at_max = Lease::from_auth(&json!({"lease_duration": 1, "renewable": true}));
        assert_eq!(at_max.renew_after(), None);
    }

    fn held(now: Instant, left: Option<Duration>, renewable: bool) -> Held {
        Held {
            token: Secret::new("t"),
            expires_at: left.map(|l| now + l),
            renewable,
            full_ttl: left,
            capped: false,
        }
    }

    #[test]
    fn held_tokens_expire_with_a_margin() {
        let now = Instant::now();
        assert!(held(now, Some(Duration::from_millis(500)), false).expired(now));
        assert!(!held(now, Some(Duration::from_secs(60)), false).expired(now));
        assert!(!held(now, None, false).expired(now));
    }

    #[test]
    fn a_token_must_outlast_what_is_about_to_happen() {
        let now = Instant::now();
        let minute = Duration::from_secs(60);
        let short = Some(Duration::from_secs(20));
        assert_eq!(plan(&held(now, None, false), now, minute, false), Plan::Use);
        assert_eq!(
            plan(&held(now, Some(minute * 5), false), now, minute, false),
            Plan::Use
        );
        assert_eq!(
            plan(&held(now, short, true), now, minute, false),
            Plan::Renew
        );
        assert_eq!(
            plan(&held(now, short, false), now, minute, false),
            Plan::TooShort
        );
        assert_eq!(
            plan(&held(now, short, false), now, minute, true),
            Plan::Login
        );
        let mut at_max = held(now, short, true);
        at_max.capped = true;
        assert_eq!(plan(&at_max, now, minute, false), Plan::TooShort);
        let gone = Some(Duration::from_millis(10));
        assert_eq!(
            plan(&held(now, gone, true), now, minute, false),
            Plan::TooShort
        );
        assert_eq!(
            plan(&held(now, short, false), now, Duration::from_secs(1), false),
            Plan::Use
        );
    }

    #[test]
    fn auth_errors_name_method_and_mount_and_never_a_secret() {
        let jwt = VaultAuth::Jwt {
            mount: "tfc".into(),
            role: "genesys-sink".into(),
            jwt: Secret::new("eyJhbGciOi.secret-payload.sig"),
        };
        let e = jwt
            .error("role rejected eyJhbGciOi.secret-payload.sig")
            .to_string();
        assert!(
            e.contains("auth_login_jwt (mount \"tfc\", role \"genesys-sink\")"),
            "{e}"
        );
        assert!(e.contains("auth/tfc/role/genesys-sink"), "{e}");
        assert!(!e.contains("secret-payload"), "{e}");

        let approle = VaultAuth::AppRole {
            mount: "approle".into(),
            role_id: Secret::new("role-1"),
            secret_id: Secret::new("sid-1"),
        };
        let e = approle.error("invalid role or secret ID").to_string();
        assert!(e.contains("auth_login_approle (mount \"approle\")"), "{e}");
        assert!(format!("{approle:?}").contains("***"));
        assert!(!format!("{approle:?}").contains("sid-1"));
    }
}
