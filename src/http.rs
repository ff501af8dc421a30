//! Small pieces shared by the Genesys and Vault HTTP clients.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::retry::Failure;

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
/// server. A TLS failure (untrusted or invalid certificate) is permanent:
/// repeating the handshake cannot change the answer.
pub fn transport_failure(e: &reqwest::Error) -> Failure {
    if e.is_builder() || e.is_redirect() || is_tls_failure(e) {
        Failure::Permanent
    } else if e.is_connect() {
        Failure::NotSent
    } else {
        Failure::NoAnswer
    }
}

/// A URL fit for messages and logs: any `user:password@` part removed.
pub fn without_credentials(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// True when rustls refused the connection somewhere in the error's chain.
fn is_tls_failure(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        let inner_is_tls = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|inner| inner.is::<rustls::Error>());
        if s.is::<rustls::Error>() || inner_is_tls {
            return true;
        }
        source = s.source();
    }
    false
}

/// A transport error's text and its causes (the part that says *why*, e.g.
/// "invalid peer certificate: UnknownIssuer"), without the URL.
pub fn transport_detail(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let cause = s.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        source = s.source();
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
