//! HTTP calls to Genesys Cloud, each through the retry policy.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::{debug, warn};

use super::error::{ApiError, ErrorBody, GenesysError, TokenErrorBody};
use super::existing::ExistingClients;
use super::model::{ClientPage, ClientWithSecret, OAuthClient, OAuthClientRequest, TokenResponse};
use super::region::Endpoints;
use super::token::TokenCache;
use crate::http::transport_failure;
use crate::retry::{parse_retry_after, Decision, Failure, GiveUpReason, RetryPolicy};
use crate::secret::Secret;
use crate::zeroizing::read_body;
use zeroize::Zeroizing;

/// How the provider authenticates to Genesys Cloud.
#[derive(Debug, Clone)]
pub enum Credentials {
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

/// Everything needed to build a [`GenesysClient`].
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// API and login hosts.
    pub endpoints: Endpoints,
    /// How to authenticate.
    pub credentials: Credentials,
    /// Retry bounds.
    pub retry: RetryPolicy,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// Sent with every request.
    pub user_agent: String,
}

/// A Genesys Cloud API client. Cheap to share behind an `Arc`; every method
/// can run concurrently with every other.
#[derive(Debug)]
pub struct GenesysClient {
    http: reqwest::Client,
    settings: ClientSettings,
    tokens: TokenCache,
    existing: ExistingClients,
}

/// Page size used when listing (the API's maximum).
const PAGE_SIZE: u32 = 100;
/// A create that may have happened is matched against clients created no
/// earlier than this before our first attempt (allows for clock skew).
const CREATE_MATCH_SKEW: Duration = Duration::from_secs(120);
/// How long a delete waits for the client to disappear.
const DELETE_WAIT: Duration = Duration::from_secs(120);

/// Whether an attempt may be repeated when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// GET, PUT, DELETE, regenerate: repeating has the same effect.
    Safe,
    /// Create: a repeat could make a second client.
    Unsafe,
}

/// A failed call: the error, and whether the request may have taken effect.
struct CallFailure {
    error: GenesysError,
    ambiguous: bool,
}

impl From<CallFailure> for GenesysError {
    fn from(f: CallFailure) -> Self {
        f.error
    }
}

impl GenesysClient {
    /// Builds a client. No request is made until the first call.
    pub fn new(settings: ClientSettings) -> Result<Self, GenesysError> {
        let http = reqwest::Client::builder()
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
                detail: e.without_url().to_string(),
                attempts: 0,
                gave_up: None,
            })?;
        Ok(GenesysClient {
            http,
            settings,
            tokens: TokenCache::default(),
            existing: ExistingClients::default(),
        })
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
        let login_host = self
            .settings
            .endpoints
            .login
            .host_str()
            .unwrap_or_default()
            .to_string();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let sent = self
                .http
                .post(self.token_url())
                .basic_auth(client_id, Some(client_secret.expose()))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await;
            let (failure, error) = match sent {
                Err(e) => (
                    transport_failure(&e),
                    GenesysError::transport(operation, e, attempt),
                ),
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = header(&resp, "retry-after");
                    let body = resp.bytes().await.unwrap_or_default();
                    if status.is_success() {
                        return serde_json::from_slice::<TokenResponse>(&body)
                            .map_err(|e| GenesysError::decode(operation, &e));
                    }
                    let parsed: TokenErrorBody = serde_json::from_slice(&body).unwrap_or_default();
                    let description = parsed.error_description.or(parsed.description);
                    let error = parsed.error.unwrap_or_else(|| status_text(status));
                    let throttled = status == StatusCode::TOO_MANY_REQUESTS
                        || (status == StatusCode::BAD_REQUEST
                            && error == "invalid_request"
                            && description
                                .as_deref()
                                .is_some_and(|d| d.to_ascii_lowercase().contains("rate limit")));
                    let failure = if throttled {
                        Failure::Throttled {
                            retry_after: parse_retry_after(retry_after.as_deref()),
                        }
                    } else {
                        classify_status(status)
                    };
                    (
                        failure,
                        GenesysError::Token {
                            operation: operation.to_string(),
                            login_host: login_host.clone(),
                            status: status.as_u16(),
                            error,
                            description,
                            attempts: attempt,
                            gave_up: None,
                        },
                    )
                }
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

    /// A fresh access token for the provider's own calls.
    async fn access_token(&self) -> Result<(Secret, Option<u64>), GenesysError> {
        match &self.settings.credentials {
            Credentials::AccessToken(token) => Ok((token.clone(), None)),
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                let token = self
                    .tokens
                    .get_or_refresh(|| async {
                        debug!("exchanging the provider's client credentials for an access token");
                        let resp = self
                            .exchange_token("authenticate the provider", client_id, client_secret)
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
    async fn call<B: Serialize + ?Sized>(
        &self,
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
        let started = Instant::now();
        let mut refreshed_after_401 = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let (token, generation) = self.access_token().await.map_err(|error| CallFailure {
                error,
                ambiguous: false,
            })?;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(token.expose())
                .header("Accept", "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let sent = request.send().await;
            let (failure, error) = match sent {
                Err(e) => {
                    let failure = transport_failure(&e);
                    debug!(operation, attempt, ?failure, "request failed in transport");
                    (failure, GenesysError::transport(operation, e, attempt))
                }
                Ok(resp) => {
                    let status = resp.status();
                    let correlation = header(&resp, "inin-correlation-id");
                    let retry_after = header(&resp, "retry-after");
                    debug!(operation, %method, path, status = status.as_u16(), attempt, correlation_id = correlation.as_deref().unwrap_or(""), "Genesys Cloud answered");
                    // Create and regenerate answers carry a secret: read into a
                    // buffer that is wiped when dropped.
                    let bytes = match read_body(resp).await {
                        Ok(b) => b,
                        Err(e) => {
                            // The answer was cut off: treat it like no answer.
                            let error = GenesysError::transport(operation, e, attempt);
                            match self
                                .after_failure(Failure::NoAnswer, error, repeat, attempt, started)
                                .await
                            {
                                Ok(()) => continue,
                                Err(f) => return Err(f),
                            }
                        }
                    };
                    if status.is_success() {
                        return Ok((status, bytes));
                    }
                    if status == StatusCode::UNAUTHORIZED && !refreshed_after_401 {
                        if let Some(generation) = generation {
                            // The token may have been revoked or expired early:
                            // get a new one once, then try again at once.
                            refreshed_after_401 = true;
                            self.tokens.invalidate(generation);
                            attempt -= 1;
                            continue;
                        }
                    }
                    let parsed: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
                    let failure = if status == StatusCode::TOO_MANY_REQUESTS {
                        Failure::Throttled {
                            retry_after: parse_retry_after(retry_after.as_deref()),
                        }
                    } else {
                        classify_status(status)
                    };
                    let error = GenesysError::Api(Box::new(ApiError {
                        operation: operation.to_string(),
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
            };
            self.after_failure(failure, error, repeat, attempt, started)
                .await?;
        }
    }

    /// Decides, after a failed attempt, whether to wait and retry (`Ok`) or
    /// stop (`Err`).
    async fn after_failure(
        &self,
        failure: Failure,
        error: GenesysError,
        repeat: Repeat,
        attempt: u32,
        started: Instant,
    ) -> Result<(), CallFailure> {
        // A request that may have been carried out must not be sent again
        // blindly when repeating it is not harmless: let the caller find out.
        let maybe_done = matches!(failure, Failure::ServerError | Failure::NoAnswer);
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

    /// Every OAuth client of the organization, all pages.
    pub async fn list_clients(&self) -> Result<Vec<OAuthClient>, GenesysError> {
        let mut all = Vec::new();
        let mut page_number = 1u32;
        loop {
            let path =
                format!("/api/v2/oauth/clients?pageSize={PAGE_SIZE}&pageNumber={page_number}");
            let page: ClientPage = self.get_json("list OAuth clients", &path).await?;
            let last = page.entities.is_empty()
                || page.next_uri.is_none()
                || page.page_count.is_some_and(|count| page_number >= count);
            all.extend(page.entities);
            if last || page_number >= 10_000 {
                return Ok(all);
            }
            page_number += 1;
        }
    }

    /// The clients with exactly this name, leaving out those being deleted.
    pub async fn find_clients_by_name(&self, name: &str) -> Result<Vec<OAuthClient>, GenesysError> {
        Ok(self
            .list_clients()
            .await?
            .into_iter()
            .filter(|c| c.name == name && !c.is_deleted())
            .collect())
    }

    /// One client, or `None` when Genesys does not know it.
    pub async fn get_client(&self, id: &str) -> Result<Option<OAuthClient>, GenesysError> {
        let operation = format!("read OAuth client {id}");
        match self.get_json(&operation, &client_path(id)).await {
            Ok(client) => Ok(Some(client)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a client. The answer carries its secret, which the caller must
    /// either sink or drop.
    ///
    /// Creating is not idempotent: when an attempt fails in a way that leaves
    /// open whether the client was made (a 5xx, a lost answer), the clients
    /// are listed and one with this name and grant type created since the
    /// first attempt is adopted instead of creating a second one. An adopted
    /// client comes without its secret.
    ///
    /// Clients that already had this name before the process's first create
    /// are reported in [`CreatedClient::same_name`] (never adopted).
    pub async fn create_client(
        &self,
        request: &OAuthClientRequest,
    ) -> Result<CreatedClient, GenesysError> {
        let operation = format!("create OAuth client {:?}", request.name);
        let same_name = self
            .existing
            .named(&request.name, || self.list_clients())
            .await;
        let started_wall = time::OffsetDateTime::now_utc();
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let failure = match self
                .call(
                    &operation,
                    Method::POST,
                    "/api/v2/oauth/clients",
                    Some(request),
                    Repeat::Unsafe,
                )
                .await
            {
                Ok((_, body)) => {
                    let created: ClientWithSecret = decode(&operation, &body)?;
                    return Ok(CreatedClient {
                        client: created.client,
                        secret: created.secret,
                        adopted: false,
                        same_name,
                    });
                }
                Err(failure) => failure,
            };
            if !failure.ambiguous {
                return Err(failure.error);
            }
            warn!(error = %failure.error, "the create may have taken effect; looking for the client before trying again");
            // A client that had the name before this process's first create
            // is not the one this create made (a leftover of an interrupted
            // apply, minutes old, would otherwise pass for it).
            let made = self
                .find_created(request, started_wall)
                .await?
                .filter(|found| same_name.iter().flatten().all(|c| c.id != found.id));
            if let Some(found) = made {
                warn!(client_id = %found.id, "adopting the client the lost create made");
                return Ok(CreatedClient {
                    client: found,
                    secret: None,
                    adopted: true,
                    same_name,
                });
            }
            match self
                .settings
                .retry
                .decide(Failure::ServerError, attempt, started.elapsed())
            {
                Decision::RetryAfter(wait) => tokio::time::sleep(wait).await,
                Decision::GiveUp(reason) => return Err(with_give_up(failure.error, reason)),
            }
        }
    }

    /// The newest client matching `request` created since `since` (less the
    /// allowed clock skew).
    async fn find_created(
        &self,
        request: &OAuthClientRequest,
        since: time::OffsetDateTime,
    ) -> Result<Option<OAuthClient>, GenesysError> {
        let threshold = since - CREATE_MATCH_SKEW;
        let wanted_grant = super::model::canonical_grant_type(&request.authorized_grant_type);
        let mut candidates: Vec<(time::OffsetDateTime, OAuthClient)> = self
            .find_clients_by_name(&request.name)
            .await?
            .into_iter()
            .filter(|c| {
                super::model::canonical_grant_type(&c.authorized_grant_type) == wanted_grant
            })
            .filter_map(|c| {
                let created = c.date_created.as_deref().and_then(parse_time)?;
                (created >= threshold).then_some((created, c))
            })
            .collect();
        candidates.sort_by_key(|(created, _)| *created);
        Ok(candidates.pop().map(|(_, c)| c))
    }

    /// Replaces a client (full PUT).
    pub async fn update_client(
        &self,
        id: &str,
        request: &OAuthClientRequest,
    ) -> Result<OAuthClient, GenesysError> {
        let operation = format!("update OAuth client {id}");
        let (_, body) = self
            .call(
                &operation,
                Method::PUT,
                &client_path(id),
                Some(request),
                Repeat::Safe,
            )
            .await?;
        decode(&operation, &body)
    }

    /// Deletes a client: deactivates it, deletes it, and waits until Genesys
    /// no longer answers it (or answers it as deleted). A client that is
    /// already gone is not an error.
    pub async fn delete_client(&self, id: &str) -> Result<(), GenesysError> {
        let operation = format!("delete OAuth client {id}");
        self.existing.forget(id);
        let Some(current) = self.get_client(id).await? else {
            return Ok(());
        };
        if !current.is_deleted() {
            if current.state.as_deref() != Some("inactive") {
                let mut request = current.to_request();
                request.state = "inactive".into();
                self.update_client(id, &request).await?;
            }
            match self
                .call::<()>(
                    &operation,
                    Method::DELETE,
                    &client_path(id),
                    None,
                    Repeat::Safe,
                )
                .await
            {
                Ok(_) => {}
                Err(f) if f.error.is_not_found() => return Ok(()),
                Err(f) => return Err(f.error),
            }
        }
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            match self.get_client(id).await? {
                None => return Ok(()),
                Some(c) if c.is_deleted() => return Ok(()),
                Some(_) if started.elapsed() > DELETE_WAIT => {
                    return Err(GenesysError::Incomplete {
                        operation,
                        detail: format!(
                            "the client was still present {} s after DELETE",
                            DELETE_WAIT.as_secs()
                        ),
                    })
                }
                Some(_) => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// Regenerates a client's secret (`POST …/secret`). The previous secret
    /// stops working. Repeating is harmless: the last secret returned wins.
    pub async fn regenerate_secret(&self, id: &str) -> Result<(OAuthClient, Secret), GenesysError> {
        let operation = format!("regenerate the secret of OAuth client {id}");
        let path = format!("{}/secret", client_path(id));
        let (_, body) = self
            .call::<()>(&operation, Method::POST, &path, None, Repeat::Safe)
            .await?;
        let answer: ClientWithSecret = decode(&operation, &body)?;
        match answer.secret {
            Some(secret) if !secret.is_empty() => Ok((answer.client, secret)),
            _ => Err(GenesysError::Incomplete {
                operation,
                detail: "the answer carried no secret".into(),
            }),
        }
    }

    async fn get_json<T: DeserializeOwned>(
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

/// What [`GenesysClient::create_client`] made or found.
#[derive(Debug)]
pub struct CreatedClient {
    /// The client.
    pub client: OAuthClient,
    /// Its secret; `None` when the client was adopted after a lost answer.
    pub secret: Option<Secret>,
    /// True when the create's answer was lost and the client was found by listing.
    pub adopted: bool,
    /// Clients that already had this name before this process's first
    /// create (perhaps left behind by an interrupted apply), or why they
    /// could not be listed.
    pub same_name: Result<Vec<OAuthClient>, String>,
}

fn client_path(id: &str) -> String {
    format!("/api/v2/oauth/clients/{}", crate::http::encode_segment(id))
}

fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, GenesysError> {
    serde_json::from_slice(body).map_err(|e| GenesysError::decode(operation, &e))
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
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

/// Maps an HTTP error status to what retrying it means.
pub(crate) fn classify_status(status: StatusCode) -> Failure {
    match status.as_u16() {
        429 => Failure::Throttled { retry_after: None },
        501 => Failure::Permanent,
        500..=599 => Failure::ServerError,
        _ => Failure::Permanent,
    }
}

fn with_give_up(error: GenesysError, reason: GiveUpReason) -> GenesysError {
    match error {
        GenesysError::Api(mut e) => {
            e.gave_up = Some(reason);
            GenesysError::Api(e)
        }
        GenesysError::Transport {
            operation,
            detail,
            attempts,
            ..
        } => GenesysError::Transport {
            operation,
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
