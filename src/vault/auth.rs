//! How the provider gets and keeps its Vault token: a token given as is
//! (looked up once), or a login (JWT, AppRole). Whether the token lasts is
//! the rule of `lease`: it is renewed first, in the background and before an
//! operation it would not outlast, and a login method logs in again only
//! when renewal cannot cover the operation. A token the provider obtained by
//! logging in is revoked once a new login replaces it and when the provider
//! exits; a token given to it never is.
//!
//! No child token is ever created: HCP Terraform's dynamic-credential tokens
//! may not hold `auth/token/create`.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use tracing::{debug, info, warn};

use super::error::VaultError;
use super::lease::{plan, renewal_horizon, rotation_need, Lease, Life, Plan};
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

    /// A failed call while authenticating: Vault unreachable, sealed or in
    /// standby is said as such (with the address tried), not as a refusal
    /// of the credentials, which it is not; anything else is
    /// [`VaultAuth::error`].
    fn failed_call(&self, e: VaultError) -> VaultError {
        match e {
            e @ (VaultError::Transport { .. } | VaultError::Unavailable { .. }) => e,
            other => self.error(other.to_string()),
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

/// The token in use and how long it lives.
struct Held {
    token: Secret,
    life: Life,
}

/// How long the provider waits, at exit, for its login token to be revoked:
/// Terraform kills the plugin two seconds after asking it to stop.
const EXIT_BUDGET: Duration = Duration::from_secs(1);

/// The provider's Vault session: one token at a time, obtained on first use
/// (single flight), renewed in the background and before an operation it
/// would not outlast, replaced by a new login only when renewal cannot help.
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

    /// True for a login method: the session owns its tokens (and revokes
    /// them); a given token belongs to whoever gave it.
    fn logs_in(&self) -> bool {
        !matches!(self.auth, VaultAuth::Token { .. })
    }

    /// After a 403 with `token`: when the token itself is no longer valid
    /// (its `lookup-self` is refused too: revoked early), a login method
    /// drops it (unless another call already replaced it), so the next
    /// [`Session::token`] logs in again, and this returns true. A 403 from
    /// the policy alone, or with a given token, returns false: a new login
    /// would change nothing (and could use up a single-use AppRole secret ID).
    pub async fn forget_login_token(&self, transport: &Transport, token: &Secret) -> bool {
        if !self.logs_in() {
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
    /// later calls reuse it, renewed or obtained again once it runs out.
    pub async fn token(self: &Arc<Self>, transport: &Transport) -> Result<Secret, VaultError> {
        self.token_lasting(transport, Duration::ZERO).await
    }

    /// A token that will outlast the critical section of one rotation
    /// ([`rotation_need`]), renewed or obtained again if needed, else an
    /// error saying why; nothing has been changed then. Called before the
    /// regenerate.
    pub async fn token_for_rotation(
        self: &Arc<Self>,
        transport: &Transport,
    ) -> Result<Secret, VaultError> {
        self.token_lasting(transport, need_of_rotation(transport))
            .await
    }

    /// A token valid for `need` from now, following [`plan`]: renew first,
    /// log in only when renewal cannot cover `need`, and when that login
    /// fails, go on with the token held if renewal may still keep it.
    async fn token_lasting(
        self: &Arc<Self>,
        transport: &Transport,
        need: Duration,
    ) -> Result<Secret, VaultError> {
        let mut held = self.held.lock().await;
        let mut renew_tried = false;
        let mut logged_in = false;
        loop {
            let now = Instant::now();
            let step = match held.as_ref() {
                None => Plan::Login,
                Some(h) => plan(
                    &h.life,
                    now,
                    need,
                    self.logs_in() && !logged_in,
                    renew_tried,
                ),
            };
            match (step, held.as_mut()) {
                (Plan::Use, Some(h)) => return Ok(h.token.clone()),
                (Plan::TooShort, Some(h)) => return Err(self.too_short(&h.life, need)),
                (Plan::Renew, Some(h)) => {
                    renew_tried = true;
                    match self.renew_now(transport, h, need).await {
                        Ok(()) => self.keep_renewing(transport, &h.life),
                        Err(e) if self.logs_in() && !logged_in => {
                            warn!(error = %e, "could not renew the Vault token; logging in again")
                        }
                        Err(e) => return Err(e),
                    }
                }
                (_, current) => {
                    if let Some(h) = current {
                        info!(
                            method = %self.auth.describe(),
                            left_s = h.life.left(now).map(|d| d.as_secs()),
                            need_s = need.as_secs(),
                            "renewal cannot keep the Vault token valid long enough; logging in again"
                        );
                    }
                    let fresh = match self.obtain(transport).await {
                        Ok(fresh) => fresh,
                        Err(e) => match held.as_ref() {
                            Some(h) if h.life.reachable(Instant::now(), need) => {
                                warn!(error = %e, "could not log in to Vault again; going on with the token held, which renewal may still keep valid long enough");
                                return Ok(h.token.clone());
                            }
                            _ => return Err(e),
                        },
                    };
                    self.keep_renewing(transport, &fresh.life);
                    if let Some(old) = held.replace(fresh) {
                        self.revoke_replaced(transport, old.token);
                    }
                    logged_in = true;
                    renew_tried = false;
                }
            }
        }
    }

    /// Renews `held`'s token now, asking for enough to cover `need` and the
    /// background renewal's horizon.
    async fn renew_now(
        &self,
        transport: &Transport,
        held: &mut Held,
        need: Duration,
    ) -> Result<(), VaultError> {
        let asked_at = Instant::now();
        let asked = held.life.increment(asked_at, horizon(transport, need));
        let grant = self.renew_self(transport, &held.token, asked).await?;
        held.life.renewed(&grant, asked, asked_at);
        info!(
            method = %self.auth.describe(),
            asked_s = asked.as_secs(),
            ttl_s = grant.ttl.map(|t| t.as_secs()),
            "Vault token renewed before an operation it would not have outlasted"
        );
        Ok(())
    }

    /// Renews `life`'s token in the background when it can be renewed,
    /// else stops any renewal left from an earlier token.
    fn keep_renewing(self: &Arc<Self>, transport: &Transport, life: &Life) {
        match life.renew_after(Instant::now()) {
            Some(after) => self.start_renewer(transport.clone(), after),
            None => self.stop_renewer(),
        }
    }

    /// The error for a token that cannot outlast a rotation.
    fn too_short(&self, life: &Life, need: Duration) -> VaultError {
        let now = Instant::now();
        if life.expired(now) {
            return self.auth.error(
                "the token's TTL has run out and Vault would not renew it any further (it reached its max TTL or is not renewable)",
            );
        }
        let left = life.left(now).map_or(0, |d| d.as_secs());
        let why = match life.reach(now) {
            Some(reach) if life.renewable() => format!(
                "renewal cannot keep it longer than {} s (its max TTL)",
                reach.as_secs()
            ),
            _ => "cannot be renewed".into(),
        };
        let fix = if self.logs_in() {
            "Raise the role's token_max_ttl (and token_explicit_max_ttl, if set) above that, or lower retry_deadline_seconds or request_timeout_seconds"
        } else {
            "Use a renewable token whose max TTL is longer, or a login method, or lower retry_deadline_seconds or request_timeout_seconds"
        };
        self.auth.error(format!(
            "the token expires in {left} s and {why}, too soon for a rotation, which may need {} s of Vault access (2 × retry_deadline_seconds + request_timeout_seconds: the regenerate and the write, each with its retries); nothing was changed. {fix}",
            need.as_secs()
        ))
    }

    /// Looks a given token up, or logs in.
    async fn obtain(&self, transport: &Transport) -> Result<Held, VaultError> {
        match &self.auth {
            VaultAuth::Token { token, .. } => {
                let asked_at = Instant::now();
                let (status, body) = lookup_self(transport, token)
                    .await
                    .map_err(|e| self.auth.failed_call(e))?;
                match status.as_u16() {
                    200 => {
                        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let life = Life::new(&Lease::from_lookup(&v["data"]), asked_at);
                        debug!(left_s = life.left(asked_at).map(|t| t.as_secs()), reach_s = life.reach(asked_at).map(|t| t.as_secs()), "Vault token looked up");
                        Ok(Held {
                            token: token.clone(),
                            life,
                        })
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

    /// Logs in, then looks the new token up: its explicit max TTL and its
    /// period are only in `lookup-self`.
    async fn login(
        &self,
        transport: &Transport,
        mount: &str,
        body: &Value,
    ) -> Result<Held, VaultError> {
        let path = format!("auth/{}/login", crate::http::encode_path(mount));
        let asked_at = Instant::now();
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
            .map_err(|e| self.auth.failed_call(e))?;
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
        let token = Secret::new(token);
        let looked_up_at = Instant::now();
        let life = match lookup_self(transport, &token).await {
            Ok((status, body)) if status.is_success() => {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                Life::new(&Lease::from_lookup(&v["data"]), looked_up_at)
            }
            _ => {
                debug!("lookup-self of the new Vault token failed; its explicit max TTL and period are unknown");
                Life::new(&Lease::from_auth(&v["auth"]), asked_at)
            }
        };
        let now = Instant::now();
        info!(method = %self.auth.describe(), ttl_s = life.left(now).map(|t| t.as_secs()), renewable = life.renewable(), reach_s = life.reach(now).map(|t| t.as_secs()), "logged in to Vault");
        Ok(Held { token, life })
    }

    /// `POST auth/token/renew-self` asking for `increment`: what Vault granted.
    async fn renew_self(
        &self,
        transport: &Transport,
        token: &Secret,
        increment: Duration,
    ) -> Result<Lease, VaultError> {
        let (status, body) = transport
            .send(
                "renew the Vault token",
                Method::POST,
                "auth/token/renew-self",
                Some(&json!({ "increment": increment.as_secs() })),
                Some(token),
                Repeat::Safe,
            )
            .await
            .map_err(|e| self.auth.failed_call(e))?;
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
        Ok(Lease::from_auth(&v["auth"]))
    }

    /// Revokes, in the background, a login token a new login replaced. A
    /// given token is never revoked.
    fn revoke_replaced(&self, transport: &Transport, token: Secret) {
        if !self.logs_in() {
            return;
        }
        let transport = transport.clone();
        let method = self.auth.describe();
        tokio::spawn(async move {
            match revoke_self(&transport, &token).await {
                Ok(()) => info!(method = %method, "revoked the Vault token a new login replaced"),
                Err(e) => {
                    warn!(error = %e, "could not revoke the Vault token a new login replaced; it ends with its TTL")
                }
            }
        });
    }

    /// Ends the session as the provider exits: stops the renewal and, when
    /// the provider logged in itself, revokes its token (a token given to
    /// it is never revoked). Waits at most [`EXIT_BUDGET`].
    pub async fn close(&self, transport: &Transport) {
        self.stop_renewer();
        if !self.logs_in() {
            return;
        }
        let revoke = async {
            let Some(held) = self.held.lock().await.take() else {
                return;
            };
            match revoke_self(transport, &held.token).await {
                Ok(()) => {
                    info!(method = %self.auth.describe(), "revoked the provider's Vault login token at exit")
                }
                Err(e) => {
                    warn!(error = %e, "could not revoke the provider's Vault login token at exit; it ends with its TTL")
                }
            }
        };
        if tokio::time::timeout(EXIT_BUDGET, revoke).await.is_err() {
            warn!("could not revoke the provider's Vault login token at exit in time; it ends with its TTL");
        }
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
}

/// The need of one rotation with `transport`'s retry settings.
fn need_of_rotation(transport: &Transport) -> Duration {
    rotation_need(transport.retry.deadline, transport.request_timeout)
}

/// What every renewal asks for: enough for `need`, and never less than a
/// rotation's horizon, so that the background renewal keeps a token able to
/// outlast a rotation started at any time.
fn horizon(transport: &Transport, need: Duration) -> Duration {
    renewal_horizon(need.max(need_of_rotation(transport)))
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

/// `POST auth/token/revoke-self` with `token`. A 403 means Vault no longer
/// knows the token (expired or revoked already): nothing is left to revoke.
async fn revoke_self(transport: &Transport, token: &Secret) -> Result<(), VaultError> {
    let operation = "revoke the Vault token";
    let (status, body) = transport
        .send(
            operation,
            Method::POST,
            "auth/token/revoke-self",
            None,
            Some(token),
            Repeat::Safe,
        )
        .await?;
    match status.as_u16() {
        200 | 204 | 403 => Ok(()),
        s => Err(VaultError::Http {
            operation: operation.into(),
            status: s,
            messages: messages(&body),
            attempts: 1,
        }),
    }
}

/// Renews the token two thirds into each grant until it cannot be renewed
/// any further, another token replaces it, or the session is gone. Each
/// renewal asks for the rotation horizon, so a token renewed here can
/// outlast a rotation that starts at any moment.
async fn renew_loop(session: Weak<Session>, transport: Transport, first: Duration) {
    let mut wait = first;
    loop {
        tokio::time::sleep(wait).await;
        let Some(s) = session.upgrade() else { return };
        let asked_at = Instant::now();
        let current = s.held.lock().await.as_ref().map(|h| {
            let asked = h
                .life
                .increment(asked_at, horizon(&transport, Duration::ZERO));
            (h.token.clone(), asked)
        });
        let Some((token, asked)) = current else {
            return;
        };
        match s.renew_self(&transport, &token, asked).await {
            Ok(grant) => {
                let mut held = s.held.lock().await;
                // A new login may have replaced the token meanwhile: its own
                // renewal has taken over.
                let Some(h) = held.as_mut().filter(|h| h.token.expose() == token.expose()) else {
                    return;
                };
                h.life.renewed(&grant, asked, asked_at);
                info!(method = %s.describe(), ttl_s = grant.ttl.map(|t| t.as_secs()), "Vault token renewed");
                match h.life.renew_after(Instant::now()) {
                    Some(next) => wait = next,
                    None => return,
                }
            }
            Err(e) => {
                // Try again while the token still has time; then a login
                // method logs in again on the next use, and a given token
                // ends with a clear error.
                let again = s
                    .held
                    .lock()
                    .await
                    .as_ref()
                    .and_then(|h| h.life.renew_again_after(Instant::now()));
                match again {
                    Some(next) => {
                        warn!(error = %e, retry_in_s = next.as_secs(), "could not renew the Vault token; trying again");
                        wait = next;
                    }
                    None => {
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

    #[tokio::test]
    async fn an_unreachable_vault_is_not_called_an_authentication_failure() {
        let url = crate::test_servers::closed_port_url().await;
        let transport = Transport::new(
            url::Url::parse(&url).expect("url"),
            None,
            None,
            false,
            crate::retry::RetryPolicy {
                max_retries: 0,
                ..Default::default()
            },
            Duration::from_secs(5),
            "test",
        )
        .expect("transport");
        let session = Session::new(VaultAuth::Token {
            token: Secret::new("hvs.unreachable-test-token"),
            source: "VAULT_TOKEN".into(),
        });
        let e = session
            .token(&transport)
            .await
            .expect_err("nothing listens");
        assert!(matches!(e, VaultError::Transport { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("could not reach Vault at {url}/")),
            "{text}"
        );
        assert!(text.to_lowercase().contains("connection refused"), "{text}");
        assert!(!text.contains("current token"), "{text}");
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
