//! The Genesys Cloud client against test servers: a redirect to another
//! origin is refused before the bearer token leaves, a certificate
//! failure is final, and a host that cannot be reached is named.

use std::time::{Duration, Instant};

use super::{ClientSettings, GenesysClient, LoginCredentials};
use crate::secret::Secret;
use crate::test_servers::{closed_port_url, Answer, Ca, Server};

fn client(base_url: &str) -> GenesysClient {
    GenesysClient::new(ClientSettings::for_tests(
        base_url,
        LoginCredentials::AccessToken(Secret::new("bearer-test-token-value")),
    ))
    .expect("client")
}

#[tokio::test]
async fn the_bearer_token_never_follows_a_redirect_to_another_origin() {
    let recorder = Server::plain(Answer::Json(200, "{}")).await;
    let api = Server::plain(Answer::RedirectTo(recorder.url.clone())).await;
    let err = client(&api.url)
        .get_client("c1", None)
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("refused to follow a redirect") && text.contains("another host"),
        "{text}"
    );
    assert!(!text.contains("after"), "retried: {text}");
    assert_eq!(api.seen().len(), 1);
    assert!(recorder.seen().is_empty(), "the other origin was reached");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once() {
    let ca = Ca::new();
    let api = Server::tls(ca.leaf("127.0.0.1", false), Answer::Json(200, "{}")).await;
    let started = Instant::now();
    let err = client(&api.url)
        .get_client("c1", None)
        .await
        .expect_err("untrusted");
    let text = err.to_string();
    assert!(
        text.contains("UnknownIssuer") && text.contains("not retried"),
        "{text}"
    );
    assert_eq!(api.handshakes(), 1, "{text}");
    assert!(started.elapsed() < Duration::from_secs(2), "{text}");
}

#[tokio::test]
async fn a_closed_port_is_named_with_its_host() {
    let url = closed_port_url().await;
    let mut settings = ClientSettings::for_tests(
        &url,
        LoginCredentials::AccessToken(Secret::new("bearer-test-token-value")),
    );
    settings.retry.max_retries = 0;
    let err = GenesysClient::new(settings)
        .expect("client")
        .get_client("c1", None)
        .await
        .expect_err("nothing listens");
    let text = err.to_string();
    assert!(
        text.contains(&format!("could not reach Genesys Cloud at {url}:")),
        "{text}"
    );
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
}

#[tokio::test]
async fn a_token_is_revoked_with_itself_as_bearer_and_a_401_means_gone_already() {
    let token = Secret::new("token-to-revoke".to_string());
    for (status, revoked) in [(204, true), (401, true), (403, false)] {
        let api = Server::plain(Answer::Json(status, "{}")).await;
        let answer = client(&api.url).revoke_token(&token).await;
        assert_eq!(answer.is_ok(), revoked, "{status}: {answer:?}");
        let seen = api.seen();
        assert_eq!(seen.len(), 1, "{status}: asked once");
        assert_eq!(seen[0].path, "/api/v2/tokens/me");
        assert_eq!(
            seen[0].headers["authorization"], "Bearer token-to-revoke",
            "the provider's own token was sent"
        );
    }
}
