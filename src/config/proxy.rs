//! The official provider's proxy variables, read for the Genesys Cloud
//! calls as that provider reads them (`GENESYSCLOUD_PROXY_HOST`, `_PORT`,
//! `_PROTOCOL`, `_AUTH_USERNAME`, `_AUTH_PASSWORD`): a user moving over keeps
//! them. Its `proxy { … }` block is not accepted: the standard `HTTPS_PROXY`
//! / `NO_PROXY`, which reach Vault too, are the way this provider documents.
//! Nothing is read unless `GENESYSCLOUD_PROXY_HOST` is set.

use crate::genesys::GenesysProxy;
use crate::secret::Secret;

use super::env::Env;

/// The proxy's host name or address.
pub const ENV_PROXY_HOST: &str = "GENESYSCLOUD_PROXY_HOST";
/// Its port (default: the protocol's).
pub const ENV_PROXY_PORT: &str = "GENESYSCLOUD_PROXY_PORT";
/// `http` (the default) or `https`: how the provider talks to the proxy.
pub const ENV_PROXY_PROTOCOL: &str = "GENESYSCLOUD_PROXY_PROTOCOL";
/// User name, when the proxy asks for one.
pub const ENV_PROXY_USERNAME: &str = "GENESYSCLOUD_PROXY_AUTH_USERNAME";
/// Password for that user.
pub const ENV_PROXY_PASSWORD: &str = "GENESYSCLOUD_PROXY_AUTH_PASSWORD";

/// The proxy the `GENESYSCLOUD_PROXY_*` variables name, `Ok(None)` when
/// `GENESYSCLOUD_PROXY_HOST` is not set; `Err` says which variable is wrong
/// (never the password).
pub fn genesys_proxy(env: Env<'_>) -> Result<Option<GenesysProxy>, String> {
    let Some(host) = env.var(ENV_PROXY_HOST) else {
        return Ok(None);
    };
    let protocol = env
        .var(ENV_PROXY_PROTOCOL)
        .map(|p| p.to_ascii_lowercase())
        .unwrap_or_else(|| "http".into());
    if protocol != "http" && protocol != "https" {
        return Err(format!(
            "{ENV_PROXY_PROTOCOL} is {protocol:?}: it must be http or https"
        ));
    }
    let port = match env.var(ENV_PROXY_PORT) {
        Some(port) => format!(
            ":{}",
            port.parse::<u16>()
                .map_err(|_| format!("{ENV_PROXY_PORT} is {port:?}: it must be a port number"))?
        ),
        None => String::new(),
    };
    let url = url::Url::parse(&format!("{protocol}://{host}{port}"))
        .ok()
        .filter(|u| u.host_str().is_some() && u.path() == "/")
        .ok_or_else(|| {
            format!("{ENV_PROXY_HOST} is {host:?}: it must be a host name or address")
        })?;
    let auth = match (env.var(ENV_PROXY_USERNAME), env.var(ENV_PROXY_PASSWORD)) {
        (Some(user), password) => Some((user, Secret::new(password.unwrap_or_default()))),
        (None, Some(_)) => {
            return Err(format!(
                "{ENV_PROXY_PASSWORD} is set without {ENV_PROXY_USERNAME}"
            ))
        }
        (None, None) => None,
    };
    Ok(Some(GenesysProxy { url, auth }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn proxy_of(pairs: &[(&str, &str)]) -> Result<Option<GenesysProxy>, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| map.get(k).cloned();
        genesys_proxy(Env::new(&lookup))
    }

    #[test]
    fn the_official_variables_make_one_proxy_url() {
        assert!(proxy_of(&[(ENV_PROXY_PORT, "8080")]).expect("ok").is_none());
        let p = proxy_of(&[
            (ENV_PROXY_HOST, "proxy.corp.example"),
            (ENV_PROXY_PORT, "3128"),
            (ENV_PROXY_USERNAME, "john"),
            (ENV_PROXY_PASSWORD, "proxy-password-1"),
        ])
        .expect("ok")
        .expect("a proxy");
        assert_eq!(p.url.as_str(), "http://proxy.corp.example:3128/");
        assert!(p.auth.is_some_and(|(u, _)| u == "john"));
        let https = proxy_of(&[(ENV_PROXY_HOST, "10.0.0.5"), (ENV_PROXY_PROTOCOL, "HTTPS")])
            .expect("ok")
            .expect("a proxy");
        assert_eq!(https.url.as_str(), "https://10.0.0.5/");
    }

    #[test]
    fn a_wrong_variable_is_named_and_the_password_never_is() {
        for (pairs, named) in [
            (
                vec![(ENV_PROXY_HOST, "p"), (ENV_PROXY_PORT, "99999")],
                ENV_PROXY_PORT,
            ),
            (
                vec![(ENV_PROXY_HOST, "p"), (ENV_PROXY_PROTOCOL, "socks5")],
                ENV_PROXY_PROTOCOL,
            ),
            (vec![(ENV_PROXY_HOST, "p/x")], ENV_PROXY_HOST),
            (
                vec![(ENV_PROXY_HOST, "p"), (ENV_PROXY_PASSWORD, "pw-secret-9")],
                ENV_PROXY_USERNAME,
            ),
        ] {
            let e = proxy_of(&pairs).expect_err("refused");
            assert!(e.contains(named), "{e}");
            assert!(!e.contains("pw-secret-9"), "{e}");
        }
    }
}
