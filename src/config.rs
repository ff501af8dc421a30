//! Provider configuration: attributes first, then environment variables
//! (the official provider's names and the seed tutorial's), then defaults.
//! Every problem names the attribute to fix.

use std::time::Duration;

use crate::genesys::region::{region_names, DEFAULT_REGION};
use crate::genesys::{ClientSettings, Credentials, Endpoints};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::vault::VaultSettings;

/// Provider attributes as written (`None` when not set).
#[derive(Debug, Default, Clone)]
pub struct ProviderInput {
    /// `oauthclient_id`.
    pub oauthclient_id: Option<String>,
    /// `oauthclient_secret`.
    pub oauthclient_secret: Option<Secret>,
    /// `aws_region`.
    pub aws_region: Option<String>,
    /// `base_url`.
    pub base_url: Option<String>,
    /// `access_token`.
    pub access_token: Option<Secret>,
    /// `max_retries`.
    pub max_retries: Option<i64>,
    /// `retry_deadline_seconds`.
    pub retry_deadline_seconds: Option<i64>,
    /// `request_timeout_seconds`.
    pub request_timeout_seconds: Option<i64>,
}

/// Environment variables read for each attribute, first match wins.
pub const ENV_CLIENT_ID: &[&str] = &["GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYS_ADMIN_CLIENT_ID"];
/// See [`ENV_CLIENT_ID`].
pub const ENV_CLIENT_SECRET: &[&str] = &[
    "GENESYSCLOUD_OAUTHCLIENT_SECRET",
    "GENESYS_ADMIN_CLIENT_SECRET",
];
/// See [`ENV_CLIENT_ID`].
pub const ENV_REGION: &[&str] = &["GENESYSCLOUD_REGION"];
/// See [`ENV_CLIENT_ID`].
pub const ENV_BASE_URL: &[&str] = &["GENESYS_BASE_URL"];
/// See [`ENV_CLIENT_ID`].
pub const ENV_ACCESS_TOKEN: &[&str] = &["GENESYSCLOUD_ACCESS_TOKEN"];

/// Bounds of the numeric attributes: (attribute, range, default).
pub const MAX_RETRIES: (&str, std::ops::RangeInclusive<i64>, i64) = ("max_retries", 0..=100, 10);
/// See [`MAX_RETRIES`].
pub const RETRY_DEADLINE: (&str, std::ops::RangeInclusive<i64>, i64) =
    ("retry_deadline_seconds", 1..=3600, 300);
/// See [`MAX_RETRIES`].
pub const REQUEST_TIMEOUT: (&str, std::ops::RangeInclusive<i64>, i64) =
    ("request_timeout_seconds", 1..=600, 16);

/// A configuration problem on one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The provider attribute to fix.
    pub attribute: &'static str,
    /// One-line summary.
    pub summary: String,
    /// What to do.
    pub detail: String,
}

/// Checks what can be checked without the environment (used by
/// `terraform validate`): region name, URL shape, numeric ranges.
pub fn check_static(input: &ProviderInput) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    if let Some(region) = &input.aws_region {
        if Endpoints::for_region(region).is_none() {
            errors.push(unknown_region(region, "aws_region"));
        }
    }
    if let Some(url) = &input.base_url {
        if let Err(e) = Endpoints::for_base_url(url) {
            errors.push(bad_base_url(e));
        }
    }
    for (value, bounds) in [
        (input.max_retries, &MAX_RETRIES),
        (input.retry_deadline_seconds, &RETRY_DEADLINE),
        (input.request_timeout_seconds, &REQUEST_TIMEOUT),
    ] {
        if let Some(v) = value {
            if !bounds.1.contains(&v) {
                errors.push(ConfigError {
                    attribute: bounds.0,
                    summary: format!("{} = {v} is out of range", bounds.0),
                    detail: format!(
                        "{} must be between {} and {}.",
                        bounds.0,
                        bounds.1.start(),
                        bounds.1.end()
                    ),
                });
            }
        }
    }
    errors
}

/// Resolves the attributes and the environment into client settings.
pub fn resolve(
    input: &ProviderInput,
    env: &dyn Fn(&str) -> Option<String>,
    user_agent: String,
) -> Result<ClientSettings, Vec<ConfigError>> {
    let mut errors = check_static(input);
    let from_env = |names: &[&str]| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()));

    let base_url = input.base_url.clone().or_else(|| from_env(ENV_BASE_URL));
    let region = input.aws_region.clone().or_else(|| from_env(ENV_REGION));
    let endpoints = match (&base_url, &region) {
        (Some(url), _) => Endpoints::for_base_url(url).map_err(|e| {
            if input.base_url.is_none() {
                errors.push(bad_base_url(format!("{e} (from GENESYS_BASE_URL)")));
            }
        }),
        (None, Some(region)) => Endpoints::for_region(region).ok_or_else(|| {
            if input.aws_region.is_none() {
                errors.push(unknown_region(region, "aws_region"));
            }
        }),
        (None, None) => Endpoints::for_region(DEFAULT_REGION).ok_or(()),
    };

    let access_token = input
        .access_token
        .clone()
        .or_else(|| from_env(ENV_ACCESS_TOKEN).map(Secret::new));
    let credentials = match access_token {
        Some(token) => Some(Credentials::AccessToken(token)),
        None => {
            let id = input
                .oauthclient_id
                .clone()
                .or_else(|| from_env(ENV_CLIENT_ID));
            let secret = input
                .oauthclient_secret
                .clone()
                .filter(|s| !s.is_empty())
                .or_else(|| from_env(ENV_CLIENT_SECRET).map(Secret::new));
            if id.is_none() {
                errors.push(missing("oauthclient_id", ENV_CLIENT_ID));
            }
            if secret.is_none() {
                errors.push(missing("oauthclient_secret", ENV_CLIENT_SECRET));
            }
            match (id, secret) {
                (Some(client_id), Some(client_secret)) => Some(Credentials::ClientCredentials {
                    client_id,
                    client_secret,
                }),
                _ => None,
            }
        }
    };

    let number = |v: Option<i64>, bounds: &(&str, std::ops::RangeInclusive<i64>, i64)| {
        v.filter(|v| bounds.1.contains(v)).unwrap_or(bounds.2)
    };
    let retry = RetryPolicy {
        max_retries: u32::try_from(number(input.max_retries, &MAX_RETRIES)).unwrap_or(10),
        deadline: Duration::from_secs(
            number(input.retry_deadline_seconds, &RETRY_DEADLINE).unsigned_abs(),
        ),
        ..RetryPolicy::default()
    };
    let request_timeout =
        Duration::from_secs(number(input.request_timeout_seconds, &REQUEST_TIMEOUT).unsigned_abs());

    match (endpoints, credentials) {
        (Ok(endpoints), Some(credentials)) if errors.is_empty() => Ok(ClientSettings {
            endpoints,
            credentials,
            retry,
            request_timeout,
            user_agent,
        }),
        _ => Err(errors),
    }
}

/// The provider's `vault { … }` block as written.
#[derive(Debug, Default, Clone)]
pub struct VaultInput {
    /// `address`.
    pub address: Option<String>,
    /// `token`.
    pub token: Option<Secret>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `ca_cert_file`.
    pub ca_cert_file: Option<String>,
    /// `skip_tls_verify`.
    pub skip_tls_verify: Option<bool>,
}

/// Resolves the Vault settings: block attributes, then `VAULT_ADDR` (or the
/// seed tutorial's `VAULT_ADDRESS`), `VAULT_TOKEN` (else `~/.vault-token`),
/// `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_SKIP_VERIFY`. `Ok(None)` when no
/// address is configured anywhere: Vault is then unavailable, which only
/// matters to the secret sinks.
pub fn resolve_vault(
    input: &VaultInput,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<std::path::PathBuf>,
    retry: RetryPolicy,
    request_timeout: Duration,
    user_agent: String,
) -> Result<Option<VaultSettings>, Vec<ConfigError>> {
    let from_env = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| env(n).filter(|v| !v.trim().is_empty()))
    };
    let Some(address) = input
        .address
        .clone()
        .or_else(|| from_env(&["VAULT_ADDR", "VAULT_ADDRESS"]))
    else {
        return Ok(None);
    };
    let mut errors = Vec::new();
    let address = match url::Url::parse(address.trim()) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u),
        _ => {
            errors.push(ConfigError {
                attribute: "vault.address",
                summary: "Invalid Vault address".into(),
                detail: format!("{address:?} is not an http(s) URL, e.g. https://vault.example.com:8200 (from vault.address, VAULT_ADDR or VAULT_ADDRESS)."),
            });
            None
        }
    };
    let token = input
        .token
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| from_env(&["VAULT_TOKEN"]).map(Secret::new))
        .or_else(|| {
            let file = home?.join(".vault-token");
            let text = std::fs::read_to_string(file).ok()?;
            let token = text.trim();
            (!token.is_empty()).then(|| Secret::new(token))
        });
    if token.is_none() {
        errors.push(ConfigError {
            attribute: "vault.token",
            summary: "Missing Vault token".into(),
            detail: "Set vault.token, the VAULT_TOKEN environment variable, or ~/.vault-token."
                .into(),
        });
    }
    let ca_file = input
        .ca_cert_file
        .clone()
        .or_else(|| from_env(&["VAULT_CACERT"]));
    let ca_cert_pem = match ca_file {
        None => None,
        Some(file) => match std::fs::read(&file) {
            Ok(pem) => Some(pem),
            Err(e) => {
                errors.push(ConfigError {
                    attribute: "vault.ca_cert_file",
                    summary: "Cannot read the Vault CA certificate".into(),
                    detail: format!("{file}: {e} (from vault.ca_cert_file or VAULT_CACERT)."),
                });
                None
            }
        },
    };
    let skip_tls_verify = input.skip_tls_verify.unwrap_or_else(|| {
        from_env(&["VAULT_SKIP_VERIFY"]).is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "t" | "yes"
            )
        })
    });
    let namespace = input
        .namespace
        .clone()
        .or_else(|| from_env(&["VAULT_NAMESPACE"]))
        .filter(|n| !n.trim().is_empty());
    match (address, token) {
        (Some(address), Some(token)) if errors.is_empty() => Ok(Some(VaultSettings {
            address,
            token,
            namespace,
            ca_cert_pem,
            skip_tls_verify,
            retry,
            request_timeout,
            user_agent,
        })),
        _ => Err(errors),
    }
}

fn unknown_region(region: &str, attribute: &'static str) -> ConfigError {
    ConfigError {
        attribute,
        summary: format!("Unknown Genesys Cloud region {region:?}"),
        detail: format!(
            "aws_region (or GENESYSCLOUD_REGION) must be one of: {}.",
            region_names()
        ),
    }
}

fn bad_base_url(problem: String) -> ConfigError {
    ConfigError {
        attribute: "base_url",
        summary: "Invalid base_url".into(),
        detail: format!("{problem}. base_url is the API's root, e.g. https://api.mypurecloud.com."),
    }
}

fn missing(attribute: &'static str, env: &[&str]) -> ConfigError {
    ConfigError {
        attribute,
        summary: format!("Missing {attribute}"),
        detail: format!(
            "Set {attribute} in the provider block or one of the environment variables {}, or set access_token.",
            env.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_fills_what_attributes_leave_out() {
        let env = env_of(&[
            ("GENESYS_ADMIN_CLIENT_ID", "id-from-seed"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "s"),
            ("GENESYSCLOUD_REGION", "eu-west-1"),
        ]);
        let s = resolve(&ProviderInput::default(), &env, "ua".into()).expect("valid");
        assert_eq!(s.endpoints.api.as_str(), "https://api.mypurecloud.ie/");
        match s.credentials {
            Credentials::ClientCredentials { client_id, .. } => {
                assert_eq!(client_id, "id-from-seed")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(s.request_timeout, Duration::from_secs(16));
    }

    #[test]
    fn attributes_win_and_base_url_overrides_region() {
        let env = env_of(&[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "env-id"),
            ("GENESYS_BASE_URL", "http://127.0.0.1:9"),
        ]);
        let input = ProviderInput {
            oauthclient_id: Some("attr-id".into()),
            oauthclient_secret: Some(Secret::new("s")),
            aws_region: Some("ap-south-1".into()),
            max_retries: Some(2),
            ..Default::default()
        };
        let s = resolve(&input, &env, "ua".into()).expect("valid");
        assert_eq!(s.endpoints.api.as_str(), "http://127.0.0.1:9/");
        assert_eq!(s.retry.max_retries, 2);
        assert!(
            matches!(s.credentials, Credentials::ClientCredentials { ref client_id, .. } if client_id == "attr-id")
        );
    }

    #[test]
    fn problems_name_their_attribute() {
        let input = ProviderInput {
            aws_region: Some("mars-1".into()),
            base_url: Some("::nope".into()),
            request_timeout_seconds: Some(0),
            ..Default::default()
        };
        let errors = resolve(&input, &env_of(&[]), "ua".into()).expect_err("invalid");
        let attrs: Vec<_> = errors.iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec![
                "aws_region",
                "base_url",
                "request_timeout_seconds",
                "oauthclient_id",
                "oauthclient_secret"
            ]
        );
        assert!(errors[0].detail.contains("eu-central-2"));
    }

    #[test]
    fn vault_settings_come_from_block_environment_or_token_file() {
        let none = resolve_vault(
            &VaultInput::default(),
            &env_of(&[]),
            None,
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        );
        assert!(matches!(none, Ok(None)));

        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(home.path().join(".vault-token"), "file-token\n").expect("write");
        let env = env_of(&[
            ("VAULT_ADDRESS", "http://127.0.0.1:8200"),
            ("VAULT_NAMESPACE", "team/"),
            ("VAULT_SKIP_VERIFY", "true"),
        ]);
        let s = resolve_vault(
            &VaultInput::default(),
            &env,
            Some(home.path().to_path_buf()),
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .expect("valid")
        .expect("configured");
        assert_eq!(s.token.expose(), "file-token");
        assert_eq!(s.namespace.as_deref(), Some("team/"));
        assert!(s.skip_tls_verify);

        let input = VaultInput {
            address: Some("vault:8200".into()),
            ca_cert_file: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let errors = resolve_vault(
            &input,
            &env_of(&[]),
            None,
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .expect_err("invalid");
        let attrs: Vec<_> = errors.iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec!["vault.address", "vault.token", "vault.ca_cert_file"]
        );
    }

    #[test]
    fn an_access_token_needs_no_client_credentials() {
        let env = env_of(&[("GENESYSCLOUD_ACCESS_TOKEN", "tok")]);
        let s = resolve(&ProviderInput::default(), &env, "ua".into()).expect("valid");
        assert!(matches!(s.credentials, Credentials::AccessToken(_)));
        assert_eq!(s.endpoints.api.as_str(), "https://api.mypurecloud.com/");
    }
}
