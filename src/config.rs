//! Provider configuration: attributes first, then environment variables
//! (the official provider's names and the seed tutorial's), then defaults.
//! Every problem names the attribute to fix.

use std::time::Duration;

use crate::genesys::region::{region_names, DEFAULT_REGION};
use crate::genesys::{ClientSettings, Credentials, Endpoints};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::vault::{VaultAuth, VaultSettings};

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
    /// `oauthclient_from_vault { … }`.
    pub oauthclient_from_vault: Option<FromVaultInput>,
}

/// The provider's `oauthclient_from_vault { … }` block: where in Vault KV the
/// provider's own client credentials are kept.
#[derive(Debug, Default, Clone)]
pub struct FromVaultInput {
    /// KV mount (default `secret`).
    pub mount: Option<String>,
    /// Entry path within the mount.
    pub path: Option<String>,
    /// Key of the client id (default `client_id`).
    pub client_id_key: Option<String>,
    /// Key of the client secret (default `client_secret`).
    pub client_secret_key: Option<String>,
}

impl FromVaultInput {
    /// Mount, path and keys with their defaults.
    pub fn location(&self) -> (String, String, String, String) {
        (
            self.mount.clone().unwrap_or_else(|| "secret".into()),
            self.path.clone().unwrap_or_default(),
            self.client_id_key
                .clone()
                .unwrap_or_else(|| "client_id".into()),
            self.client_secret_key
                .clone()
                .unwrap_or_else(|| "client_secret".into()),
        )
    }
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
    if let Some(from_vault) = &input.oauthclient_from_vault {
        errors.extend(check_from_vault(input, from_vault));
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

/// `oauthclient_from_vault` excludes the direct credentials, and its mount
/// and path must be well formed.
fn check_from_vault(input: &ProviderInput, from_vault: &FromVaultInput) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for (attribute, set) in [
        ("oauthclient_id", input.oauthclient_id.is_some()),
        ("oauthclient_secret", input.oauthclient_secret.is_some()),
        ("access_token", input.access_token.is_some()),
    ] {
        if set {
            errors.push(ConfigError {
                attribute,
                summary: format!("{attribute} conflicts with oauthclient_from_vault"),
                detail: format!("The provider's credentials come either from {attribute} or from Vault (oauthclient_from_vault), not both: remove one of them."),
            });
        }
    }
    let (mount, path, id_key, secret_key) = from_vault.location();
    for (attribute, value) in [
        ("oauthclient_from_vault.mount", &mount),
        ("oauthclient_from_vault.path", &path),
    ] {
        if let Err(e) = crate::plan::vault_secret::check_kv_path(attribute, value) {
            errors.push(ConfigError {
                attribute,
                summary: e.summary,
                detail: e.detail,
            });
        }
    }
    for (attribute, value) in [
        ("oauthclient_from_vault.client_id_key", &id_key),
        ("oauthclient_from_vault.client_secret_key", &secret_key),
    ] {
        if value.trim().is_empty() {
            errors.push(ConfigError {
                attribute,
                summary: format!("{attribute} is empty"),
                detail: "Name the key of the entry that holds the value, or leave the attribute out for the default.".into(),
            });
        }
    }
    errors
}

/// Reads the provider's own client credentials from Vault
/// (`oauthclient_from_vault`), KV v1 or v2.
pub async fn credentials_from_vault(
    vault: &crate::vault::VaultClient,
    from_vault: &FromVaultInput,
) -> Result<Credentials, ConfigError> {
    let (mount, path, id_key, secret_key) = from_vault.location();
    let fail = |attribute: &'static str, summary: String, detail: String| ConfigError {
        attribute,
        summary,
        detail,
    };
    let data = vault
        .read_data(&mount, &path)
        .await
        .map_err(|e| {
            fail(
                "oauthclient_from_vault",
                "Cannot read the provider's credentials from Vault".into(),
                e.to_string(),
            )
        })?
        .ok_or_else(|| {
            fail(
                "oauthclient_from_vault.path",
                format!("No Vault entry at {mount}/{path}"),
                format!("oauthclient_from_vault points at {mount}/{path}, which does not exist (or its latest version is deleted). Write the admin client's {id_key} and {secret_key} there, or fix mount and path."),
            )
        })?;
    let value = |key: &str, attribute: &'static str| {
        data.value(key)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                fail(
                    attribute,
                    format!("Vault entry {mount}/{path} has no key {key:?}"),
                    format!("Set {attribute} to the key that holds the value, or add {key:?} to the entry."),
                )
            })
    };
    let client_id = value(&id_key, "oauthclient_from_vault.client_id_key")?;
    let client_secret = value(&secret_key, "oauthclient_from_vault.client_secret_key")?;
    Ok(Credentials::ClientCredentials {
        client_id: client_id.expose().to_string(),
        client_secret,
    })
}

/// Retry policy and per-attempt timeout, shared by the Genesys and Vault
/// clients.
pub fn transport(input: &ProviderInput) -> (RetryPolicy, Duration) {
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
    (retry, request_timeout)
}

/// Resolves the attributes and the environment into client settings.
/// `from_vault` carries the credentials read by [`credentials_from_vault`]
/// when `oauthclient_from_vault` is set; they replace the direct ones.
pub fn resolve(
    input: &ProviderInput,
    env: &dyn Fn(&str) -> Option<String>,
    user_agent: String,
    from_vault: Option<Credentials>,
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
    let credentials = match (from_vault, access_token) {
        (Some(credentials), _) => Some(credentials),
        (None, Some(token)) => Some(Credentials::AccessToken(token)),
        (None, None) => {
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

    let (retry, request_timeout) = transport(input);

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
    /// `token_file`.
    pub token_file: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `ca_cert_file`.
    pub ca_cert_file: Option<String>,
    /// `skip_tls_verify`.
    pub skip_tls_verify: Option<bool>,
    /// `auth_login_jwt { … }`.
    pub auth_login_jwt: Option<JwtLoginInput>,
    /// `auth_login_approle { … }`.
    pub auth_login_approle: Option<AppRoleLoginInput>,
}

/// `vault { auth_login_jwt { … } }` as written.
#[derive(Debug, Default, Clone)]
pub struct JwtLoginInput {
    /// Auth mount (default `jwt`).
    pub mount: Option<String>,
    /// Vault role.
    pub role: Option<String>,
    /// The JWT; else `TFC_WORKLOAD_IDENTITY_TOKEN[_<TAG>]`.
    pub jwt: Option<Secret>,
    /// Tag of HCP Terraform's `TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>`.
    pub tag: Option<String>,
}

/// `vault { auth_login_approle { … } }` as written.
#[derive(Debug, Default, Clone)]
pub struct AppRoleLoginInput {
    /// Auth mount (default `approle`).
    pub mount: Option<String>,
    /// Role ID; else `GENESYSCLOUD_VAULT_ROLE_ID`.
    pub role_id: Option<Secret>,
    /// Secret ID; else `GENESYSCLOUD_VAULT_SECRET_ID`.
    pub secret_id: Option<Secret>,
}

/// Vault settings, and the warnings the configuration deserves.
#[derive(Debug)]
pub struct ResolvedVault {
    /// What the Vault client is built from.
    pub settings: VaultSettings,
    /// Not errors, but worth the user's attention (shown as warnings).
    pub warnings: Vec<ConfigError>,
}

/// The order in which the block's methods are tried: the first one set wins.
const AUTH_ORDER: [&str; 4] = [
    "vault.token",
    "vault.token_file",
    "vault.auth_login_jwt",
    "vault.auth_login_approle",
];

/// Resolves the Vault settings: block attributes, then `VAULT_ADDR` (or the
/// seed tutorial's `VAULT_ADDRESS`), `VAULT_NAMESPACE`, `VAULT_CACERT`,
/// `TFC_VAULT_ENCODED_CACERT`, `VAULT_SKIP_VERIFY`. `Ok(None)` when no
/// address is configured anywhere: Vault is then unavailable, which only
/// matters to the secret sinks and `oauthclient_from_vault`.
///
/// The token: the first method set in the block (`token`, `token_file`,
/// `auth_login_jwt`, `auth_login_approle`), else `VAULT_TOKEN`, else the file
/// named by `GENESYSCLOUD_VAULT_TOKEN_FILE`, else `~/.vault-token`.
pub fn resolve_vault(
    input: &VaultInput,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<std::path::PathBuf>,
    retry: RetryPolicy,
    request_timeout: Duration,
    user_agent: String,
) -> Result<Option<ResolvedVault>, Vec<ConfigError>> {
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
    let mut warnings = Vec::new();
    let address = match url::Url::parse(address.trim()) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {
            if u.scheme() == "http" && !is_loopback(&u) {
                warnings.push(ConfigError {
                    attribute: "vault.address",
                    summary: "Vault is reached over plain http".into(),
                    detail: format!("{} is not a loopback address: the Vault token and every secret written travel unencrypted. Use https.", crate::http::without_credentials(&u)),
                });
            }
            Some(u)
        }
        _ => {
            errors.push(ConfigError {
                attribute: "vault.address",
                summary: "Invalid Vault address".into(),
                detail: format!("{address:?} is not an http(s) URL, e.g. https://vault.example.com:8200 (from vault.address, VAULT_ADDR or VAULT_ADDRESS)."),
            });
            None
        }
    };
    let auth = match resolve_auth(input, env, home) {
        Ok((auth, shadowed)) => {
            warnings.extend(shadowed);
            Some(auth)
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let ca_cert_pem = match ca_certificates(input, &from_env) {
        Ok(pem) => pem,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let skip_tls_verify = input.skip_tls_verify.unwrap_or_else(|| {
        from_env(&["VAULT_SKIP_VERIFY"]).is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "t" | "yes"
            )
        })
    });
    if skip_tls_verify {
        warnings.push(ConfigError {
            attribute: "vault.skip_tls_verify",
            summary: "Vault TLS verification is OFF".into(),
            detail: "skip_tls_verify (or VAULT_SKIP_VERIFY) is set: anyone on the network path can impersonate Vault and read the token and every secret written. Use ca_cert_file (or VAULT_CACERT, TFC_VAULT_ENCODED_CACERT) instead.".into(),
        });
    }
    let namespace = input
        .namespace
        .clone()
        .or_else(|| from_env(&["VAULT_NAMESPACE"]))
        .filter(|n| !n.trim().is_empty());
    match (address, auth) {
        (Some(address), Some(auth)) if errors.is_empty() => Ok(Some(ResolvedVault {
            settings: VaultSettings {
                address,
                auth,
                namespace,
                ca_cert_pem,
                skip_tls_verify,
                retry,
                request_timeout,
                user_agent,
            },
            warnings,
        })),
        _ => Err(errors),
    }
}

/// Picks the authentication method. Returns it with one warning per method
/// that was also set in the block but loses to an earlier one.
fn resolve_auth(
    input: &VaultInput,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<std::path::PathBuf>,
) -> Result<(VaultAuth, Vec<ConfigError>), ConfigError> {
    let from_env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let set = [
        input.token.as_ref().is_some_and(|t| !t.is_empty()),
        input.token_file.is_some(),
        input.auth_login_jwt.is_some(),
        input.auth_login_approle.is_some(),
    ];
    let chosen = set.iter().position(|s| *s);
    let shadowed = match chosen {
        Some(first) => (first + 1..AUTH_ORDER.len())
            .filter(|i| set[*i])
            .map(|i| ConfigError {
                attribute: AUTH_ORDER[i],
                summary: format!("{} is ignored", AUTH_ORDER[i]),
                detail: format!(
                    "{} is also set and comes first (order: token, token_file, auth_login_jwt, auth_login_approle). Remove the one you do not use.",
                    AUTH_ORDER[first]
                ),
            })
            .collect(),
        None => Vec::new(),
    };
    let auth = match chosen {
        Some(0) => VaultAuth::Token {
            token: input.token.clone().unwrap_or_else(|| Secret::new("")),
            source: "vault.token".into(),
        },
        Some(1) => token_from_file(
            input.token_file.as_deref().unwrap_or_default(),
            "vault.token_file",
        )?,
        Some(2) => jwt_login(input.auth_login_jwt.as_ref(), &from_env)?,
        Some(3) => approle_login(input.auth_login_approle.as_ref(), &from_env)?,
        _ => {
            if let Some(token) = from_env("VAULT_TOKEN") {
                VaultAuth::Token {
                    token: Secret::new(token.trim()),
                    source: "VAULT_TOKEN".into(),
                }
            } else if let Some(file) = from_env("GENESYSCLOUD_VAULT_TOKEN_FILE") {
                token_from_file(&file, "vault.token_file")?
            } else if let Some(auth) = home
                .map(|h| h.join(".vault-token"))
                .and_then(|f| token_from_file(&f.to_string_lossy(), "vault.token").ok())
            {
                auth
            } else {
                return Err(ConfigError {
                    attribute: "vault.token",
                    summary: "No way to authenticate to Vault".into(),
                    detail: "Set one of vault.token, vault.token_file, an auth_login_jwt or auth_login_approle block, the VAULT_TOKEN environment variable, or ~/.vault-token. In HCP Terraform, enable Vault dynamic credentials (TFC_VAULT_PROVIDER_AUTH) or set TFC_WORKLOAD_IDENTITY_AUDIENCE and use auth_login_jwt.".into(),
                });
            }
        }
    };
    Ok((auth, shadowed))
}

/// A token kept in a file (HCP Terraform's dynamic credentials for several
/// configurations, `~/.vault-token`).
fn token_from_file(file: &str, attribute: &'static str) -> Result<VaultAuth, ConfigError> {
    let problem = match std::fs::read_to_string(file) {
        Ok(text) if !text.trim().is_empty() => {
            return Ok(VaultAuth::Token {
                token: Secret::new(text.trim()),
                source: format!("token file {file}"),
            })
        }
        Ok(_) => "the file is empty".to_string(),
        Err(e) => e.to_string(),
    };
    Err(ConfigError {
        attribute,
        summary: "Cannot read the Vault token file".into(),
        detail: format!("{file}: {problem}. In HCP Terraform, pass var.tfc_vault_dynamic_credentials.default.token_filename (or .aliases[\"<alias>\"].token_filename)."),
    })
}

fn jwt_login(
    input: Option<&JwtLoginInput>,
    from_env: &dyn Fn(&str) -> Option<String>,
) -> Result<VaultAuth, ConfigError> {
    let input = input.cloned().unwrap_or_default();
    let mount = input.mount.unwrap_or_else(|| "jwt".into());
    let role = input.role.unwrap_or_default();
    if role.trim().is_empty() {
        return Err(ConfigError {
            attribute: "vault.auth_login_jwt.role",
            summary: "auth_login_jwt needs a role".into(),
            detail: format!("Name the Vault role of the JWT auth method at auth/{mount} that the run logs in as."),
        });
    }
    // HCP Terraform names the variable after the tag as written; the
    // upper-case form is the shell convention, tried second.
    let variables = match input
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(tag) => vec![
            format!("TFC_WORKLOAD_IDENTITY_TOKEN_{tag}"),
            format!("TFC_WORKLOAD_IDENTITY_TOKEN_{}", tag.to_ascii_uppercase()),
        ],
        None => vec!["TFC_WORKLOAD_IDENTITY_TOKEN".to_string()],
    };
    let variable = variables[0].clone();
    let jwt = input.jwt.filter(|j| !j.is_empty()).or_else(|| {
        variables
            .iter()
            .find_map(|v| from_env(v))
            .map(|j| Secret::new(j.trim()))
    });
    match jwt {
        Some(jwt) => Ok(VaultAuth::Jwt { mount, role, jwt }),
        None => Err(ConfigError {
            attribute: "vault.auth_login_jwt.jwt",
            summary: format!("auth_login_jwt (mount \"{mount}\") has no JWT"),
            detail: format!("Set jwt, or run where {variable} is set: in HCP Terraform, set the workspace variable {} to the audience the Vault role expects.", variable.replace("TOKEN", "AUDIENCE")),
        }),
    }
}

fn approle_login(
    input: Option<&AppRoleLoginInput>,
    from_env: &dyn Fn(&str) -> Option<String>,
) -> Result<VaultAuth, ConfigError> {
    let input = input.cloned().unwrap_or_default();
    let mount = input.mount.unwrap_or_else(|| "approle".into());
    let pick = |value: Option<Secret>, variable: &str, attribute: &'static str| {
        value
            .filter(|v| !v.is_empty())
            .or_else(|| from_env(variable).map(|v| Secret::new(v.trim())))
            .ok_or_else(|| ConfigError {
                attribute,
                summary: format!(
                    "auth_login_approle (mount \"{mount}\") has no {}",
                    attribute.rsplit('.').next().unwrap_or(attribute)
                ),
                detail: format!("Set {attribute} or the environment variable {variable}."),
            })
    };
    let role_id = pick(
        input.role_id,
        "GENESYSCLOUD_VAULT_ROLE_ID",
        "vault.auth_login_approle.role_id",
    )?;
    let secret_id = pick(
        input.secret_id,
        "GENESYSCLOUD_VAULT_SECRET_ID",
        "vault.auth_login_approle.secret_id",
    )?;
    Ok(VaultAuth::AppRole {
        mount,
        role_id,
        secret_id,
    })
}

/// Extra CAs: `ca_cert_file` (or `VAULT_CACERT`) and HCP Terraform's
/// `TFC_VAULT_ENCODED_CACERT` (base64 of a PEM bundle), both when both set.
fn ca_certificates(
    input: &VaultInput,
    from_env: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<Option<Vec<u8>>, ConfigError> {
    use base64::Engine as _;
    let mut pem = Vec::new();
    if let Some(file) = input
        .ca_cert_file
        .clone()
        .or_else(|| from_env(&["VAULT_CACERT"]))
    {
        let bytes = std::fs::read(&file).map_err(|e| ConfigError {
            attribute: "vault.ca_cert_file",
            summary: "Cannot read the Vault CA certificate".into(),
            detail: format!("{file}: {e} (from vault.ca_cert_file or VAULT_CACERT)."),
        })?;
        pem.extend_from_slice(&bytes);
        pem.push(b'\n');
    }
    if let Some(encoded) = from_env(&["TFC_VAULT_ENCODED_CACERT"]) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| ConfigError {
                attribute: "vault.ca_cert_file",
                summary: "TFC_VAULT_ENCODED_CACERT is not valid base64".into(),
                detail: format!(
                    "{e}. It must hold the base64 encoding of the PEM CA certificate of Vault."
                ),
            })?;
        pem.extend_from_slice(&bytes);
    }
    Ok((!pem.is_empty()).then_some(pem))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
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
            "Set {attribute} in the provider block or one of the environment variables {}, or set access_token, or read both from Vault with oauthclient_from_vault.",
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
        let s = resolve(&ProviderInput::default(), &env, "ua".into(), None).expect("valid");
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
        let s = resolve(&input, &env, "ua".into(), None).expect("valid");
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
        let errors = resolve(&input, &env_of(&[]), "ua".into(), None).expect_err("invalid");
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
        assert!(
            matches!(&s.settings.auth, VaultAuth::Token { token, .. } if token.expose() == "file-token")
        );
        assert_eq!(s.settings.namespace.as_deref(), Some("team/"));
        assert!(s.settings.skip_tls_verify);
        let warned: Vec<_> = s.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(warned, vec!["vault.skip_tls_verify"]);

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
        let s = resolve(&ProviderInput::default(), &env, "ua".into(), None).expect("valid");
        assert!(matches!(s.credentials, Credentials::AccessToken(_)));
        assert_eq!(s.endpoints.api.as_str(), "https://api.mypurecloud.com/");
    }

    fn vault(input: &VaultInput, env: &[(&str, &str)]) -> Result<ResolvedVault, Vec<ConfigError>> {
        resolve_vault(
            input,
            &env_of(env),
            None,
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .map(|v| v.expect("configured"))
    }

    #[test]
    fn the_first_method_set_in_the_block_wins_over_the_environment() {
        let input = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                role: Some("sink".into()),
                tag: Some("vault".into()),
                ..Default::default()
            }),
            auth_login_approle: Some(AppRoleLoginInput::default()),
            ..Default::default()
        };
        let env = [
            ("VAULT_ADDR", "https://vault.example.com"),
            ("VAULT_TOKEN", "ambient"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN", "untagged"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_VAULT", "tagged-jwt"),
        ];
        let r = vault(&input, &env).expect("valid");
        match &r.settings.auth {
            VaultAuth::Jwt { mount, role, jwt } => {
                assert_eq!((mount.as_str(), role.as_str()), ("jwt", "sink"));
                assert_eq!(jwt.expose(), "tagged-jwt");
            }
            other => panic!("expected a JWT login, got {other:?}"),
        }
        let warned: Vec<_> = r.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(warned, vec!["vault.auth_login_approle"]);

        let r = vault(&VaultInput::default(), &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Token { source, .. } if source == "VAULT_TOKEN")
        );

        // HCP Terraform keeps the tag as written in the variable's name.
        let mixed = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                role: Some("sink".into()),
                tag: Some("Vault".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let env = [
            ("VAULT_ADDR", "https://vault.example.com"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_Vault", "as-written"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_VAULT", "upper"),
        ];
        let r = vault(&mixed, &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Jwt { jwt, .. } if jwt.expose() == "as-written")
        );
    }

    #[test]
    fn login_methods_say_what_is_missing_on_their_attribute() {
        let env = [("VAULT_ADDR", "http://127.0.0.1:8200")];
        let jwt = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                mount: Some("tfc".into()),
                role: Some("r".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let errors = vault(&jwt, &env).expect_err("no JWT");
        assert_eq!(errors[0].attribute, "vault.auth_login_jwt.jwt");
        assert!(
            errors[0].detail.contains("TFC_WORKLOAD_IDENTITY_AUDIENCE"),
            "{:?}",
            errors[0]
        );

        let approle = VaultInput {
            auth_login_approle: Some(AppRoleLoginInput {
                role_id: Some(Secret::new("rid")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let errors = vault(&approle, &env).expect_err("no secret id");
        assert_eq!(errors[0].attribute, "vault.auth_login_approle.secret_id");
        let env_sid = [
            ("VAULT_ADDR", "http://127.0.0.1:8200"),
            ("GENESYSCLOUD_VAULT_SECRET_ID", "sid"),
        ];
        let r = vault(&approle, &env_sid).expect("valid");
        assert!(matches!(&r.settings.auth, VaultAuth::AppRole { mount, .. } if mount == "approle"));

        let file = VaultInput {
            token_file: Some("/nonexistent/token".into()),
            ..Default::default()
        };
        let errors = vault(&file, &env).expect_err("missing file");
        assert_eq!(errors[0].attribute, "vault.token_file");
        assert!(errors[0].detail.contains("tfc_vault_dynamic_credentials"));
    }

    #[test]
    fn tls_settings_accept_encoded_cas_and_warn_about_plain_http() {
        use base64::Engine as _;
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let encoded = base64::engine::general_purpose::STANDARD.encode(pem);
        let env = [
            ("VAULT_ADDR", "http://vault.internal:8200"),
            ("VAULT_TOKEN", "t"),
            ("TFC_VAULT_ENCODED_CACERT", encoded.as_str()),
        ];
        let r = vault(&VaultInput::default(), &env).expect("valid");
        assert_eq!(r.settings.ca_cert_pem.as_deref(), Some(pem.as_bytes()));
        assert_eq!(r.warnings[0].attribute, "vault.address");

        let env = [
            ("VAULT_ADDR", "http://localhost:8200"),
            ("VAULT_TOKEN", "t"),
            ("TFC_VAULT_ENCODED_CACERT", "not base64!"),
        ];
        let errors = vault(&VaultInput::default(), &env).expect_err("bad base64");
        assert!(errors[0].summary.contains("TFC_VAULT_ENCODED_CACERT"));
    }

    #[test]
    fn credentials_from_vault_exclude_the_direct_ones() {
        let input = ProviderInput {
            oauthclient_secret: Some(Secret::new("s")),
            oauthclient_from_vault: Some(FromVaultInput {
                path: Some("genesys//admin".into()),
                client_id_key: Some(" ".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let attrs: Vec<_> = check_static(&input).iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec![
                "oauthclient_secret",
                "oauthclient_from_vault.path",
                "oauthclient_from_vault.client_id_key"
            ]
        );
        let from_vault = Credentials::ClientCredentials {
            client_id: "admin".into(),
            client_secret: Secret::new("from-vault"),
        };
        let input = ProviderInput {
            oauthclient_from_vault: Some(FromVaultInput {
                path: Some("genesys/admin".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let s = resolve(&input, &env_of(&[]), "ua".into(), Some(from_vault)).expect("valid");
        assert!(
            matches!(s.credentials, Credentials::ClientCredentials { ref client_id, .. } if client_id == "admin")
        );
    }
}
