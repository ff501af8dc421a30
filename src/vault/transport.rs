//! The HTTP side of the Vault client: address, namespace, TLS trust, the
//! redirect rule (`crate::redirect`: the token never leaves for plain http
//! or another host, a standby's hand-over aside) and the retry loop every
//! Vault call goes through. It knows nothing of tokens' origin (the caller
//! passes one) nor of KV: `auth` and `client` build on it.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use tracing::{debug, warn};

use super::error::VaultError;
use crate::http::{transport_detail, transport_failure};
use crate::redirect::{self, Redirects};
use crate::retry::{parse_retry_after, Decision, Fault, RetryPolicy};
use crate::secret::Secret;
use crate::zeroizing::json_body;

/// The HTTP side of the client: address, namespace, retries. Cheap to
/// clone (the background token renewal holds one).
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    pub(crate) address: url::Url,
    pub(crate) namespace: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
}

/// Whether an attempt may be repeated when its answer is lost.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    Safe,
    Unsafe,
}

impl Transport {
    /// An HTTP client for `address`, trusting `ca_cert_pem` besides the
    /// system roots. No request is made.
    pub(crate) fn new(
        address: url::Url,
        namespace: Option<String>,
        ca_cert_pem: Option<&[u8]>,
        skip_tls_verify: bool,
        retry: RetryPolicy,
        request_timeout: Duration,
        user_agent: &str,
    ) -> Result<Transport, VaultError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(request_timeout)
            .redirect(redirect::policy(Redirects::SameOriginOrVaultStandby))
            .danger_accept_invalid_certs(skip_tls_verify);
        if let Some(pem) = ca_cert_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                VaultError::Setup(format!(
                    "the CA certificate is not valid PEM: {}",
                    e.without_url()
                ))
            })?;
            if certs.is_empty() {
                return Err(VaultError::Setup(
                    "the CA file (ca_cert_file, VAULT_CACERT or TFC_VAULT_ENCODED_CACERT) holds no PEM certificate".into(),
                ));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| VaultError::Setup(e.without_url().to_string()))?;
        Ok(Transport {
            http,
            address,
            namespace,
            retry,
            request_timeout,
        })
    }

    pub(crate) fn request(
        &self,
        method: Method,
        api_path: &str,
        token: Option<&Secret>,
    ) -> reqwest::RequestBuilder {
        let url = format!(
            "{}/v1/{}",
            self.address.as_str().trim_end_matches('/'),
            api_path
        );
        let mut req = self
            .http
            .request(method, url)
            .header("X-Vault-Request", "true");
        if let Some(token) = token {
            req = req.header("X-Vault-Token", token.expose());
        }
        if let Some(ns) = &self.namespace {
            req = req.header("X-Vault-Namespace", ns);
        }
        req
    }

    /// One call with retries: 412, 429 and 5xx are retried, 4xx never.
    /// Returns the status and body of the first answer that is not retried
    /// (callers decide what a 404 means).
    pub(crate) async fn send(
        &self,
        operation: &str,
        method: Method,
        api_path: &str,
        body: Option<&Value>,
        token: Option<&Secret>,
        repeat: Repeat,
    ) -> Result<(StatusCode, bytes::Bytes), VaultError> {
        let body = body.map(|b| encode(operation, b)).transpose()?;
        self.send_body(operation, method, api_path, body, token, repeat)
            .await
    }

    /// [`Transport::send`] with a JSON body made by the caller (see
    /// [`encode`]), the same bytes sent by every attempt.
    pub(crate) async fn send_body(
        &self,
        operation: &str,
        method: Method,
        api_path: &str,
        body: Option<bytes::Bytes>,
        token: Option<&Secret>,
        repeat: Repeat,
    ) -> Result<(StatusCode, bytes::Bytes), VaultError> {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut req = self.request(method.clone(), api_path, token);
            if let Some(b) = &body {
                req = req
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let (failure, error) = match req.send().await {
                Err(e) => {
                    let failure = transport_failure(&e);
                    let detail = transport_detail(e);
                    if repeat == Repeat::Unsafe && failure == Fault::NoAnswer {
                        return Err(VaultError::Ambiguous {
                            operation: operation.into(),
                            detail,
                        });
                    }
                    let error = VaultError::Transport {
                        operation: operation.into(),
                        address: crate::http::without_credentials(&self.address),
                        detail,
                        attempts: attempt,
                    };
                    (failure, error)
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    debug!(operation, %method, api_path, status = status.as_u16(), attempt, "Vault answered");
                    let bytes = resp.bytes().await.unwrap_or_default();
                    let failure = match status.as_u16() {
                        412 | 429 => Fault::Throttled {
                            retry_after: parse_retry_after(retry_after.as_deref()),
                        },
                        501 => Fault::Permanent,
                        500..=599 => Fault::ServerError { retry_after: None },
                        _ => return Ok((status, bytes)),
                    };
                    let error = if status == StatusCode::SERVICE_UNAVAILABLE {
                        VaultError::Unavailable {
                            operation: operation.into(),
                            attempts: attempt,
                        }
                    } else {
                        VaultError::Http {
                            operation: operation.into(),
                            status: status.as_u16(),
                            messages: messages(&bytes),
                            attempts: attempt,
                        }
                    };
                    (failure, error)
                }
            };
            match self.retry.decide(failure, attempt, started.elapsed()) {
                Decision::RetryAfter(wait) => {
                    warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "Vault call failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                Decision::GiveUp(_) => return Err(error),
            }
        }
    }
}

/// A request body as JSON, in a buffer wiped once sent (it may carry a
/// secret: the KV write, a login).
pub(crate) fn encode(operation: &str, body: &impl Serialize) -> Result<bytes::Bytes, VaultError> {
    json_body(body).map_err(|_| VaultError::Encode {
        operation: operation.into(),
    })
}

/// Vault's `{"errors": [...]}`, joined; never echoes request values.
pub(crate) fn messages(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let list: Vec<String> = v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        "no error message".into()
    } else {
        list.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_servers::{Answer, Ca, Server};

    fn transport(url: &str, ca: &Ca) -> Transport {
        Transport::new(
            url::Url::parse(url).expect("url"),
            None,
            Some(&ca.pem()),
            false,
            RetryPolicy::default(),
            Duration::from_secs(5),
            "test",
        )
        .expect("transport")
    }

    async fn lookup_self(transport: &Transport) -> Result<(StatusCode, bytes::Bytes), VaultError> {
        let token = Secret::new("hvs.test-token-value");
        transport
            .send(
                "look up the Vault token",
                Method::GET,
                "auth/token/lookup-self",
                None,
                Some(&token),
                Repeat::Safe,
            )
            .await
    }

    #[tokio::test]
    async fn certificate_failures_fail_at_once_and_say_why() {
        let ca = Ca::new();
        let cases = [
            (ca.as_leaf(), "CaUsedAsEndEntity", "a CA certificate"),
            (ca.leaf("127.0.0.1", true), "expired", "has expired"),
            (
                ca.leaf("vault.example.com", false),
                "vault.example.com",
                "another host name",
            ),
        ];
        for (identity, named, explained) in cases {
            let server = Server::tls(identity, Answer::Json(200, "{}")).await;
            let started = Instant::now();
            let err = lookup_self(&transport(&server.url, &ca))
                .await
                .expect_err("a bad certificate must fail");
            let text = err.to_string();
            assert!(text.contains(named) && text.contains(explained), "{text}");
            assert!(text.contains("not retried"), "{text}");
            assert_eq!(server.handshakes(), 1, "tried more than once: {text}");
            assert!(started.elapsed() < Duration::from_secs(2), "{text}");
            assert!(!text.contains("test-token-value"));
        }
    }

    fn tokens_seen(server: &Server) -> Vec<String> {
        server
            .seen()
            .iter()
            .filter_map(|r| r.headers.get("x-vault-token"))
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    #[tokio::test]
    async fn the_token_never_follows_a_redirect_to_plain_http() {
        let ca = Ca::new();
        let plain = Server::plain(Answer::Json(200, "{}")).await;
        let tls = Server::tls(
            ca.leaf("127.0.0.1", false),
            Answer::RedirectTo(plain.url.clone()),
        )
        .await;
        let err = lookup_self(&transport(&tls.url, &ca))
            .await
            .expect_err("a downgrade must fail");
        let text = err.to_string();
        assert!(
            text.contains("refused to follow a redirect") && text.contains("plain http"),
            "{text}"
        );
        assert!(!text.contains("after"), "retried: {text}");
        assert_eq!(tls.seen().len(), 1);
        assert!(plain.seen().is_empty(), "the plain listener was reached");
    }

    #[tokio::test]
    async fn a_standby_hands_over_to_the_active_node_and_nothing_else_leaves() {
        let ca = Ca::new();
        let active = Server::tls(
            ca.leaf("127.0.0.1", false),
            Answer::Json(200, r#"{"data":{"ttl":0}}"#),
        )
        .await;
        // Same path, same scheme, another port: Vault HA's standby redirect.
        let standby = Server::tls(
            ca.leaf("127.0.0.1", false),
            Answer::RedirectTo(active.url.clone()),
        )
        .await;
        let (status, _) = lookup_self(&transport(&standby.url, &ca))
            .await
            .expect("the hand-over is followed");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(tokens_seen(&active), ["hvs.test-token-value"]);
        assert_eq!(active.seen()[0].path, "/v1/auth/token/lookup-self");

        // Another path on another host is not a hand-over: refused.
        let elsewhere = Server::tls(ca.leaf("127.0.0.1", false), Answer::Json(200, "{}")).await;
        let detour = Server::tls(
            ca.leaf("127.0.0.1", false),
            Answer::RedirectExactly(format!("{}/collect", elsewhere.url)),
        )
        .await;
        let err = lookup_self(&transport(&detour.url, &ca))
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("standby"), "{err}");
        assert!(elsewhere.seen().is_empty());

        // Plain http to plain http keeps its scheme: the hand-over is followed
        // (the token already travelled in clear to the first node).
        let plain_active = Server::plain(Answer::Json(200, "{}")).await;
        let plain_standby = Server::plain(Answer::RedirectTo(plain_active.url.clone())).await;
        lookup_self(&transport(&plain_standby.url, &ca))
            .await
            .expect("followed");
        assert_eq!(tokens_seen(&plain_active), ["hvs.test-token-value"]);
    }
}
