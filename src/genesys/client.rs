//! HTTP calls to Genesys Cloud, each through the retry policy.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::{debug, warn};

use super::consistency::Propagation;
use super::error::{ApiError, ErrorBody, GenesysError, TokenErrorBody};
use super::existing::ExistingClients;
use super::model::{OAuthClient, TokenResponse};
use super::read_cache::{ReadCache, MEMO_LIFETIME};
use super::region::Endpoints;
use super::token::TokenCache;
use crate::http::transport_failure;
use crate::retry::{parse_retry_after, Decision, Fault, GiveUpReason, RetryPolicy};
use crate::secret::Secret;
use crate::zeroizing::read_body;
use zeroize::Zeroizing;

/// How the provider itself logs in to Genesys Cloud (not to be confused
/// with an integration credential, which the provider manages).
#[derive(Debug, Clone)]
pub enum LoginCredentials {
    /// Client-credentials grant with an admin OAuth client.
    ClientCredentials {
        /// OAuth client id.
        client_id: String,
        /// OAuth client secret.
        client_secret: Secret,
    },
    /// A ready access token (no refresh possible).
    AccessToken(Secret),
}

/// A proxy for the Genesys Cloud calls only, set by the official
/// provider's `GENESYSCLOUD_PROXY_*` variables (the standard `HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` need none: every client of the
/// provider honours them).
#[derive(Debug, Clone)]
pub struct GenesysProxy {
    /// `protocol://host:port`.
    pub url: url::Url,
    /// User name and password for the proxy, when it asks for them.
    pub auth: Option<(String, Secret)>,
}

/// Everything needed to build a [`GenesysClient`].
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// API and login hosts.
    pub endpoints: Endpoints,
    /// How the provider logs in.
    pub login: LoginCredentials,
    /// Retry bounds.
    pub retry: RetryPolicy,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// How long after a create or regenerate a 404 or a refused new secret
    /// is taken for propagation (see [`super::consistency`]).
    pub consistency_window: Duration,
    /// Sent with every request.
    pub user_agent: String,
    /// Where the credentials were read from, when the provider block does
    /// not say it by itself (`oauthclient_from_vault` and its entry): named
    /// when the token endpoint refuses them.
    pub login_origin: Option<String>,
}

#[cfg(test)]
impl ClientSettings {
    /// Settings for unit tests against a server at `base_url`: default
    /// retries, a 5 s timeout, no consistency window.
    pub(crate) fn for_tests(base_url: &str, login: LoginCredentials) -> ClientSettings {
        ClientSettings {
            endpoints: Endpoints::for_base_url(base_url).expect("test server URL"),
            login,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(5),
            consistency_window: Duration::ZERO,
            login_origin: None,
            user_agent: "test".into(),
        }
    }
}

/// A Genesys Cloud API client. Cheap to share behind an `Arc`; every method
/// can run concurrently with every other.
#[derive(Debug)]
pub struct GenesysClient {
    http: reqwest::Client,
    settings: ClientSettings,
    tokens: TokenCache,
    propagation: Propagation,
    /// Client reads shared between resources (`read_cache.rs`).
    pub(crate) reads: ReadCache<OAuthClient, GenesysError>,
    pub(crate) home_division: tokio::sync::OnceCell<String>,
    pub(crate) existing: ExistingClients,
}

/// Whether an attempt may be repeated when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// GET, PUT, DELETE, regenerate: repeating has the same effect.
    Safe,
    /// Create: a repeat could make a second client.
    Unsafe,
}

/// A failed call: the error, and whether the request may have taken effect.
pub(crate) struct CallFailure {
    pub(crate) error: GenesysError,
    pub(crate) ambiguous: bool,
}

impl From<CallFailure> for GenesysError {
    fn from(f: CallFailure) -> Self {
        f.error
    }
}

impl GenesysClient {
    /// Builds a client. No request is made until the first call.
    pub fn new(settings: ClientSettings) -> Result<Self, GenesysError> {
        Self::via(settings, None)
    }

    /// [`GenesysClient::new`], its calls sent through `proxy` when one is
    /// given (hosts in `NO_PROXY` aside); else the standard variables decide.
    pub fn via(
        settings: ClientSettings,
        proxy: Option<GenesysProxy>,
    ) -> Result<Self, GenesysError> {
        let mut builder = reqwest::Client::builder();
        if let Some(proxy) = proxy {
            let mut p = reqwest::Proxy::all(proxy.url.clone())
                .map_err(|e| GenesysError::Transport {
                    operation: "set up the proxy of GENESYSCLOUD_PROXY_*".into(),
                    address: proxy.url.origin().ascii_serialization(),
                    detail: e.without_url().to_string(),
                    attempts: 0,
                    gave_up: None,
                })?
                .no_proxy(reqwest::NoProxy::from_env());
            if let Some((user, password)) = &proxy.auth {
                p = p.basic_auth(user, password.expose());
            }
            builder = builder.proxy(p);
        }
        let http = builder
            .user_agent(settings.user_agent.clone())
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60))
            .redirect(crate::redirect::policy(
                crate::redirect::Redirects::SameOrigin,
            ))
            .build()
            .map_err(|e| GenesysError::Transport {
                operation: "set up the HTTP client".into(),
                address: settings.endpoints.api.origin().ascii_serialization(),
                detail: e.without_url().to_string(),
                attempts: 0,
                gave_up: None,
            })?;
        Ok(GenesysClient {
            http,
            propagation: Propagation::new(settings.consistency_window),
            settings,
            tokens: TokenCache::default(),
            reads: ReadCache::new(MEMO_LIFETIME),
            home_division: tokio::sync::OnceCell::new(),
            existing: ExistingClients::default(),
        })
    }

    /// What this process changed recently, for waiting out propagation.
    pub fn propagation(&self) -> &Propagation {
        &self.propagation
    }

    /// The retry bounds.
    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.settings.retry
    }

    /// The API and login hosts in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.settings.endpoints
    }

    /// `https://login.<domain>/oauth/token`.
    pub fn token_url(&self) -> String {
        format!(
            "{}/oauth/token",
            self.settings.endpoints.login.as_str().trim_end_matches('/')
        )
    }

    /// Exchanges client credentials at the token endpoint (client_credentials
    /// grant), retrying throttling and server errors. Used for the provider's
    /// own token and to check that a new secret works.
    pub async fn exchange_token(
        &self,
        operation: &str,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<TokenResponse, GenesysError> {
        let policy = &self.settings.retry;
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (failure, error) = match self
                .token_attempt(operation, client_id, client_secret, attempt)
                .await
            {
                Ok(token) => return Ok(token),
                Err(failed) => failed,
            };
            match policy.decide(failure, attempt, started.elapsed()) {
                Decision::RetryAfter(wait) => {
                    warn!(
                        operation,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        ?failure,
                        "token exchange failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::GiveUp(reason) => return Err(with_give_up(error, reason)),
            }
        }
    }

    /// Revokes `token`, an access token this process obtained for a client
    /// other than its own login: `DELETE /api/v2/tokens/me` with it as the
    /// bearer, retried as any safe call. A 401 means the token no longer
    /// works (expired, or revoked already): nothing is left to revoke.
    pub async fn revoke_token(&self, token: &Secret) -> Result<(), GenesysError> {
        let revoked = self
            .call_as(
                Some(token),
                "revoke the access token",
                Method::DELETE,
                "/api/v2/tokens/me",
                None::<&()>,
                Repeat::Safe,
            )
            .await;
        match revoked {
            Ok(_) => Ok(()),
            // Refused as unknown: revoked already, or expired.
            Err(f) if f.error.status() == Some(StatusCode::UNAUTHORIZED.as_u16()) => Ok(()),
            Err(f) => Err(f.error),
        }
    }

    /// One exchange at the token endpoint: the token, or what retrying the
    /// failure means and the error it is.
    async fn token_attempt(
        &self,
        operation: &str,
        client_id: &str,
        client_secret: &Secret,
        attempt: u32,
    ) -> Result<TokenResponse, (Fault, GenesysError)> {
        let sent = self
            .http
            .post(self.token_url())
            .basic_auth(client_id, Some(client_secret.expose()))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await;
        let resp = sent.map_err(|e| {
            (
                transport_failure(&e),
                GenesysError::transport(operation, e, attempt),
            )
        })?;
        let status = resp.status();
        let retry_after = header(&resp, "retry-after");
        let body = resp.bytes().await.unwrap_or_default();
        if status.is_success() {
            // A success that cannot be read is final: no retry.
            return serde_json::from_slice::<TokenResponse>(&body)
                .map_err(|e| (Fault::Permanent, GenesysError::decode(operation, &e)));
        }
        let parsed: TokenErrorBody = serde_json::from_slice(&body).unwrap_or_default();
        let description = parsed.error_description.or(parsed.description);
        let error = parsed.error.unwrap_or_else(|| status_text(status));
        // Genesys also says "rate limit" in a 400 invalid_request.
        let throttled = status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::BAD_REQUEST
                && error == "invalid_request"
                && description
                    .as_deref()
                    .is_some_and(|d| d.to_ascii_lowercase().contains("rate limit")));
        let failure = if throttled {
            Fault::Throttled {
                retry_after: parse_retry_after(retry_after.as_deref()),
            }
        } else {
            classify_status(status, retry_after.as_deref())
        };
        let login_host = self.settings.endpoints.login.host_str().unwrap_or_default();
        Err((
            failure,
            GenesysError::Token {
                operation: operation.to_string(),
                login_host: login_host.to_string(),
                status: status.as_u16(),
                error,
                description,
                attempts: attempt,
                gave_up: None,
            },
        ))
    }

    /// A fresh access token for the provider's own calls.
    async fn access_token(&self) -> Result<(Secret, Option<u64>), GenesysError> {
        match &self.settings.login {
            LoginCredentials::AccessToken(token) => Ok((token.clone(), None)),
            LoginCredentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let token = self
                    .tokens
                    .get_or_refresh(|| async {
                        let login_host = self.settings.endpoints.login.host_str().unwrap_or_default();
                        debug!(login_host, "exchanging the provider's client credentials for an access token");
                        let operation = match &self.settings.login_origin {
                            Some(origin) => format!("authenticate the provider with the client credentials from {origin}"),
                            None => "authenticate the provider".into(),
                        };
                        let resp = self
                            .exchange_token(&operation, client_id, client_secret)
                            .await?;
                        let lifetime = Duration::from_secs(resp.expires_in.unwrap_or(86400));
                        Ok::<_, GenesysError>((resp.access_token, lifetime))
                    })
                    .await?;
                Ok((token.value.clone(), Some(token.generation)))
            }
        }
    }

    /// One API call with retries. Returns the status and body of the first
    /// successful answer.
    pub(crate) async fn call<B: Serialize + ?Sized>(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<&B>,
        repeat: Repeat,
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), CallFailure> {
        self.call_as(None, operation, method, path, body, repeat)
            .await
    }

    /// [`call`](Self::call) with `bearer` as the token when given (never
    /// refreshed: a 401 is its answer), else the provider's own.
    async fn call_as<B: Serialize + ?Sized>(
        &self,
        bearer: Option<&Secret>,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<&B>,
        repeat: Repeat,
    ) -> Result<(StatusCode, Zeroizing<Vec<u8>>), CallFailure> {
        let url = format!(
            "{}{}",
            self.settings.endpoints.api.as_str().trim_end_matches('/'),
            path
        );
        let request = Request {
            operation,
            method: &method,
            path,
            url: &url,
        };
        let started = Instant::now();
        let mut refreshed_after_401 = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (token, generation) = match bearer {
                Some(token) => (token.clone(), None),
                None => self.access_token().await.map_err(|error| CallFailure {
                    error,
                    ambiguous: false,
                })?,
            };
            match self.attempt(&request, &token, body, attempt).await {
                Attempt::Answered(status, bytes) => return Ok((status, bytes)),
                Attempt::Failed {
                    unauthorized: true, ..
                } if !refreshed_after_401 && generation.is_some() => {
                    // The token may have been revoked or expired early:
                    // get a new one once, then try again at once.
                    refreshed_after_401 = true;
                    if let Some(generation) = generation {
                        self.tokens.invalidate(generation);
                    }
                    attempt -= 1;
                }
                Attempt::Failed { failure, error, .. } => {
                    self.after_failure(failure, error, repeat, attempt, started)
                        .await?
                }
            }
        }
    }

    /// Sends the request once and reads its answer.
    async fn attempt<B: Serialize + ?Sized>(
        &self,
        request: &Request<'_>,
        token: &Secret,
        body: Option<&B>,
        attempt: u32,
    ) -> Attempt {
        let Request {
            operation,
            method,
            path,
            url,
        } = *request;
        let mut builder = self
            .http
            .request(method.clone(), url)
            .bearer_auth(token.expose())
            .header("Accept", "application/json");
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let resp = match builder.send().await {
            Ok(resp) => resp,
            Err(e) => {
                let failure = transport_failure(&e);
                debug!(operation, attempt, ?failure, "request failed in transport");
                return Attempt::failed(failure, GenesysError::transport(operation, e, attempt));
            }
        };
        let status = resp.status();
        let correlation = header(&resp, "inin-correlation-id");
        let retry_after = header(&resp, "retry-after");
        debug!(operation, %method, path, status = status.as_u16(), attempt, correlation_id = correlation.as_deref().unwrap_or(""), "Genesys Cloud answered");
        // Create and regenerate answers carry a secret: read into a buffer
        // that is wiped when dropped.
        let bytes = match read_body(resp).await {
            Ok(b) => b,
            // The answer was cut off: treat it like no answer.
            Err(e) => {
                return Attempt::failed(
                    Fault::NoAnswer,
                    GenesysError::transport(operation, e, attempt),
                )
            }
        };
        if status.is_success() {
            return Attempt::Answered(status, bytes);
        }
        let (failure, error) = api_failure(
            request,
            status,
            correlation,
            retry_after.as_deref(),
            &bytes,
            attempt,
        );
        Attempt::Failed {
            failure,
            error,
            unauthorized: status == StatusCode::UNAUTHORIZED,
        }
    }

    /// Decides, after a failed attempt, whether to wait and retry (`Ok`) or
    /// stop (`Err`).
    async fn after_failure(
        &self,
        failure: Fault,
        error: GenesysError,
        repeat: Repeat,
        attempt: u32,
        started: Instant,
    ) -> Result<(), CallFailure> {
        // A request that may have been carried out must not be sent again
        // blindly when repeating it is not harmless: let the caller find out.
        let maybe_done = matches!(failure, Fault::ServerError { .. } | Fault::NoAnswer);
        if repeat == Repeat::Unsafe && maybe_done {
            return Err(CallFailure {
                error,
                ambiguous: true,
            });
        }
        match self
            .settings
            .retry
            .decide(failure, attempt, started.elapsed())
        {
            Decision::RetryAfter(wait) => {
                warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "Genesys Cloud call failed; retrying");
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Decision::GiveUp(reason) => Err(CallFailure {
                error: with_give_up(error, reason),
                ambiguous: false,
            }),
        }
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        operation: &str,
        path: &str,
    ) -> Result<T, GenesysError> {
        let (_, body) = self
            .call::<()>(operation, Method::GET, path, None, Repeat::Safe)
            .await?;
        decode(operation, &body)
    }
}

/// What one call is, for its attempts and their errors.
#[derive(Clone, Copy)]
struct Request<'a> {
    operation: &'a str,
    method: &'a Method,
    path: &'a str,
    url: &'a str,
}

/// How one attempt ended.
enum Attempt {
    /// A success status and its body.
    Answered(StatusCode, Zeroizing<Vec<u8>>),
    /// No answer, or an error status (`unauthorized`: a 401).
    Failed {
        failure: Fault,
        error: GenesysError,
        unauthorized: bool,
    },
}

impl Attempt {
    fn failed(failure: Fault, error: GenesysError) -> Attempt {
        Attempt::Failed {
            failure,
            error,
            unauthorized: false,
        }
    }
}

/// An error answer: what retrying it means, and the error it is. A 409 on
/// PUT or DELETE is a concurrent change in Genesys: it is waited out and
/// sent again, as a 429 is.
fn api_failure(
    request: &Request<'_>,
    status: StatusCode,
    correlation: Option<String>,
    retry_after: Option<&str>,
    body: &[u8],
    attempt: u32,
) -> (Fault, GenesysError) {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let conflict = status == StatusCode::CONFLICT
        && (*request.method == Method::PUT || *request.method == Method::DELETE);
    let failure = if status == StatusCode::TOO_MANY_REQUESTS || conflict {
        Fault::Throttled {
            retry_after: parse_retry_after(retry_after),
        }
    } else {
        classify_status(status, retry_after)
    };
    let error = GenesysError::Api(Box::new(ApiError {
        operation: request.operation.to_string(),
        status: status.as_u16(),
        code: parsed.code.clone(),
        message: parsed.best_message().unwrap_or_else(|| status_text(status)),
        details: parsed.details.clone(),
        correlation_id: correlation.or(parsed.context_id.clone()),
        attempts: attempt,
        gave_up: None,
    }));
    (failure, error)
}

pub(crate) fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, GenesysError> {
    serde_json::from_slice(body).map_err(|e| GenesysError::decode(operation, &e))
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn status_text(status: StatusCode) -> String {
    status
        .canonical_reason()
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()))
}

/// Maps an HTTP error status to what retrying it means; a 503's
/// `Retry-After` is honoured as a 429's (Genesys's SDKs do the same).
pub(crate) fn classify_status(status: StatusCode, retry_after: Option<&str>) -> Fault {
    match status.as_u16() {
        429 => Fault::Throttled {
            retry_after: parse_retry_after(retry_after),
        },
        501 => Fault::Permanent,
        503 => Fault::ServerError {
            retry_after: parse_retry_after(retry_after),
        },
        500..=599 => Fault::ServerError { retry_after: None },
        _ => Fault::Permanent,
    }
}

pub(crate) fn with_give_up(error: GenesysError, reason: GiveUpReason) -> GenesysError {
    match error {
        GenesysError::Api(mut e) => {
            e.gave_up = Some(reason);
            GenesysError::Api(e)
        }
        GenesysError::Transport {
            operation,
            address,
            detail,
            attempts,
            ..
        } => GenesysError::Transport {
            operation,
            address,
            detail,
            attempts,
            gave_up: Some(reason),
        },
        GenesysError::Token {
            operation,
            login_host,
            status,
            error,
            description,
            attempts,
            ..
        } => GenesysError::Token {
            operation,
            login_host,
            status,
            error,
            description,
            attempts,
            gave_up: Some(reason),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure_of(method: Method, status: u16, body: &str) -> (Fault, GenesysError) {
        let request = Request {
            operation: "update OAuth client",
            method: &method,
            path: "/api/v2/oauth/clients/c",
            url: "https://api.example/api/v2/oauth/clients/c",
        };
        let status = StatusCode::from_u16(status).expect("status");
        api_failure(&request, status, None, Some("3"), body.as_bytes(), 2)
    }

    #[test]
    fn error_answers_say_whether_to_wait_and_what_went_wrong() {
        let cases = [
            (
                Method::PUT,
                409,
                Fault::Throttled {
                    retry_after: parse_retry_after(Some("3")),
                },
            ),
            (
                Method::DELETE,
                409,
                Fault::Throttled {
                    retry_after: parse_retry_after(Some("3")),
                },
            ),
            (Method::POST, 409, Fault::Permanent),
            (
                Method::GET,
                429,
                Fault::Throttled {
                    retry_after: parse_retry_after(Some("3")),
                },
            ),
            (
                Method::GET,
                503,
                Fault::ServerError {
                    retry_after: parse_retry_after(Some("3")),
                },
            ),
            (Method::GET, 502, Fault::ServerError { retry_after: None }),
            (Method::GET, 400, Fault::Permanent),
        ];
        for (method, status, expected) in cases {
            let (failure, _) = failure_of(method.clone(), status, "{}");
            assert_eq!(failure, expected, "{method} answered {status}");
        }
        let (_, error) = failure_of(
            Method::PUT,
            400,
            r#"{"message":"bad name","code":"bad.request","contextId":"ctx-1"}"#,
        );
        match error {
            GenesysError::Api(api) => {
                assert_eq!(api.status, 400);
                assert_eq!(api.message, "bad name");
                assert_eq!(api.correlation_id.as_deref(), Some("ctx-1"));
                assert_eq!(api.attempts, 2);
            }
            other => panic!("expected an API error, got {other:?}"),
        }
    }
}
