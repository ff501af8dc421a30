//! Small pieces shared by the Genesys and Vault HTTP clients.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::retry::Fault;

/// Characters escaped in a URL path segment: all but RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Escapes one path segment (an id, a KV path element).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Escapes each `/`-separated segment of a path, keeping the separators.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Maps a transport error to what retrying it means: a connection that
/// was never made is safe to retry; anything later may have reached the
/// server. A TLS failure (any certificate or handshake refusal) is
/// permanent: repeating the handshake cannot change the answer.
pub fn transport_failure(e: &reqwest::Error) -> Fault {
    if e.is_builder() || e.is_redirect() || is_tls_failure(e) {
        Fault::Permanent
    } else if e.is_connect() {
        Fault::NotSent
    } else {
        Fault::NoAnswer
    }
}

/// Where a transport error was going: the URL's scheme, host and port
/// (never its path, query or credentials), or `an unknown address` when the
/// error carries no URL.
pub fn origin_of(e: &reqwest::Error) -> String {
    e.url().map_or_else(
        || "an unknown address".to_string(),
        |u| u.origin().ascii_serialization(),
    )
}

/// A URL fit for messages and logs: any `user:password@` part removed.
pub fn without_credentials(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// The error and its causes. An `io::Error` is looked inside (`get_ref`):
/// its own `source()` skips the error it wraps, which is where rustls puts
/// its refusal (reqwest wraps that `io::Error` in a second one).
fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |s| {
        match s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => s.source(),
        }
    })
}

/// The rustls error somewhere in the error's chain: the handshake or the
/// server's certificate was refused.
fn tls_failure(e: &reqwest::Error) -> Option<&rustls::Error> {
    causes(e).find_map(|s| s.downcast_ref::<rustls::Error>())
}

fn is_tls_failure(e: &reqwest::Error) -> bool {
    tls_failure(e).is_some()
}

/// What a TLS failure means, in words, and that it is final.
fn tls_explanation(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let what = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired",
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet"
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the server's certificate was issued for another host name"
            }
            C::UnknownIssuer => "the server's certificate is not signed by a trusted authority",
            C::Revoked => "the server's certificate is revoked",
            C::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                "the server presents a CA certificate as its own server certificate"
            }
            _ => "the server's certificate is not valid",
        },
        _ => "the TLS handshake failed",
    };
    format!("{what}; a TLS failure is not retried")
}

/// A transport error's text and its causes (the part that says *why*, e.g.
/// "invalid peer certificate: UnknownIssuer"), without the URL.
pub fn transport_detail(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = String::new();
    for cause in causes(&e).map(|s| s.to_string()) {
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    if let Some(tls) = tls_failure(&e) {
        text.push_str(" (");
        text.push_str(&tls_explanation(tls));
        text.push(')');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_messages_lose_their_credentials() {
        let url = url::Url::parse("https://ops:hunter2@vault.example.com:8200/").expect("url");
        assert_eq!(without_credentials(&url), "https://vault.example.com:8200/");
    }

    #[test]
    fn unreserved_characters_stay_and_the_rest_is_escaped() {
        assert_eq!(encode_segment("88ecdf3c-afb5_x.y~z"), "88ecdf3c-afb5_x.y~z");
        assert_eq!(encode_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(encode_path("genesys/oauth/a b"), "genesys/oauth/a%20b");
    }
}
