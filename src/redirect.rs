//! Which redirects the HTTP clients follow: a credential never leaves for
//! plain http, nor for another host, except a Vault standby's hand-over to
//! its active node.
//!
//! Both clients send a credential with every request (Genesys Cloud:
//! `Authorization`; Vault: `X-Vault-Token`), and reqwest keeps custom
//! headers such as `X-Vault-Token` across a redirect (it drops only
//! `Authorization` and cookies, and only across hosts). So a redirect is
//! followed only where the credential may go:
//!
//! - never from `https` to `http`, at any point of the chain: the credential
//!   would travel in clear;
//! - to the same origin (scheme, host and port) as the request: followed;
//! - Vault only: the redirect a standby node answers when it does not forward
//!   requests itself (HA without request forwarding): a 307 or 308 to the
//!   active node's address for the *same* path and query, same scheme, once
//!   per request. It is followed with the token, as Vault's own client does:
//!   the active node is the same Vault cluster, and over `https` it must
//!   present a certificate trusted for its name like any Vault address.
//!   Anything else that leaves the origin is not a standby's hand-over;
//! - at most [`MAX_REDIRECTS`] redirects per request.
//!
//! A redirect that is not followed fails the call with an error naming both
//! origins; it is never followed with the credential stripped, since the
//! call would then fail at the other end for a reason nobody could see.
//! Such a failure is permanent: asking again gets the same redirect.

use reqwest::StatusCode;
use url::Url;

/// Redirects followed per request, at most.
pub const MAX_REDIRECTS: usize = 3;

/// Which rule a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Same origin only (Genesys Cloud).
    SameOrigin,
    /// Same origin, plus a Vault standby's hand-over to the active node.
    SameOriginOrVaultStandby,
}

/// A redirect that was not followed.
#[derive(Debug, thiserror::Error)]
#[error("refused to follow a redirect from {from} to {to}: {why}")]
pub struct Refused {
    /// Origin that answered with the redirect.
    from: String,
    /// Origin it pointed at.
    to: String,
    /// Why it was refused.
    why: &'static str,
}

/// The reqwest policy for `rule`.
pub fn policy(rule: Redirects) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        match check(rule, attempt.status(), attempt.url(), attempt.previous()) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}

/// Decides one redirect: `chain` holds the URLs requested so far, the
/// first being the original request and the last the one that answered
/// `status` with a redirect to `next`.
fn check(rule: Redirects, status: StatusCode, next: &Url, chain: &[Url]) -> Result<(), Refused> {
    let (Some(original), Some(current)) = (chain.first(), chain.last()) else {
        return Ok(());
    };
    let refuse = |why| {
        Err(Refused {
            from: current.origin().ascii_serialization(),
            to: next.origin().ascii_serialization(),
            why,
        })
    };
    if next.scheme() != "https" && chain.iter().any(|u| u.scheme() == "https") {
        return refuse(
            "it leads from https to plain http, where the credentials would travel in clear",
        );
    }
    if chain.len() > MAX_REDIRECTS {
        return refuse("too many redirects");
    }
    if next.origin() == original.origin() {
        return Ok(());
    }
    if rule == Redirects::SameOrigin {
        return refuse(
            "it leads to another host, and the credentials are never sent to another host",
        );
    }
    let hops_away = chain
        .iter()
        .filter(|u| u.origin() != original.origin())
        .count();
    let hand_over = matches!(
        status,
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
    ) && next.scheme() == current.scheme()
        && next.path() == current.path()
        && next.query() == current.query()
        && hops_away == 0;
    if hand_over {
        Ok(())
    } else {
        refuse("it leads to another host and is not a Vault standby's redirect to its active node (a single 307 for the same path and scheme), so the token is not sent there")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &[&str]) -> Vec<Url> {
        list.iter().map(|u| Url::parse(u).expect("url")).collect()
    }

    fn decide(rule: Redirects, status: u16, next: &str, chain: &[&str]) -> Result<(), String> {
        let status = StatusCode::from_u16(status).expect("status");
        let next = Url::parse(next).expect("url");
        check(rule, status, &next, &urls(chain)).map_err(|e| e.to_string())
    }

    const BOTH: [Redirects; 2] = [Redirects::SameOrigin, Redirects::SameOriginOrVaultStandby];

    #[test]
    fn https_never_leads_to_http() {
        for rule in BOTH {
            let e = decide(
                rule,
                307,
                "http://v.example/v1/x",
                &["https://v.example/v1/x"],
            )
            .expect_err("downgrade");
            assert!(
                e.contains("plain http") && e.contains("https://v.example"),
                "{e}"
            );
            // Not even after a same-origin hop, nor to the standby rule's liking.
            decide(
                rule,
                307,
                "http://v.example:8200/v1/x",
                &["https://v.example/v1/x", "https://v.example/v1/y"],
            )
            .expect_err("downgrade later in the chain");
        }
    }

    #[test]
    fn the_same_origin_is_followed_a_few_times() {
        for rule in BOTH {
            decide(rule, 302, "https://a.example/b", &["https://a.example/a"])
                .expect("same origin");
            decide(
                rule,
                301,
                "http://127.0.0.1:8080/b",
                &["http://127.0.0.1:8080/a"],
            )
            .expect("same origin, plain");
            let e = decide(
                rule,
                302,
                "https://a.example/e",
                &[
                    "https://a.example/a",
                    "https://a.example/b",
                    "https://a.example/c",
                    "https://a.example/d",
                ],
            )
            .expect_err("too many");
            assert!(e.contains("too many"), "{e}");
        }
    }

    #[test]
    fn genesys_credentials_never_go_to_another_host() {
        for next in [
            "https://evil.example/api/v2/oauth/clients",
            "https://api.mypurecloud.com:8443/api/v2/oauth/clients",
        ] {
            let e = decide(
                Redirects::SameOrigin,
                307,
                next,
                &["https://api.mypurecloud.com/api/v2/oauth/clients"],
            )
            .expect_err("another origin");
            assert!(e.contains("another host"), "{e}");
        }
    }

    #[test]
    fn vault_follows_only_a_standby_hand_over() {
        let rule = Redirects::SameOriginOrVaultStandby;
        let from = ["https://vault-1.example:8200/v1/secret/data/a?version=2"];
        decide(
            rule,
            307,
            "https://vault-0.example:8200/v1/secret/data/a?version=2",
            &from,
        )
        .expect("standby to active, same path");
        decide(
            rule,
            308,
            "https://vault-0.example:8200/v1/secret/data/a?version=2",
            &from,
        )
        .expect("308 keeps method and body too");
        for (status, next) in [
            (
                302,
                "https://vault-0.example:8200/v1/secret/data/a?version=2",
            ),
            (
                307,
                "https://vault-0.example:8200/v1/secret/data/b?version=2",
            ),
            (307, "https://vault-0.example:8200/v1/secret/data/a"),
            (
                303,
                "https://vault-0.example:8200/v1/secret/data/a?version=2",
            ),
            (
                307,
                "http://vault-0.example:8200/v1/secret/data/a?version=2",
            ),
        ] {
            decide(rule, status, next, &from).expect_err(next);
        }
        // Plain http stays plain http (the token already travels in clear).
        decide(
            rule,
            307,
            "http://10.0.0.2:8200/v1/sys/health",
            &["http://10.0.0.1:8200/v1/sys/health"],
        )
        .expect("same scheme");
        // One hand-over per request: the active node does not send it on.
        let e = decide(
            rule,
            307,
            "https://vault-2.example:8200/v1/x",
            &[
                "https://vault-1.example:8200/v1/x",
                "https://vault-0.example:8200/v1/x",
            ],
        )
        .expect_err("second hop");
        assert!(e.contains("standby"), "{e}");
    }
}
