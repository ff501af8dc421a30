//! The Genesys side of the provider block as written, and the names both
//! its resolution (`genesys.rs`) and the login rule (`login.rs`) read: the
//! inputs, the environment variables of each attribute, the key-name
//! defaults of `oauthclient_from_vault`, and the two errors of a bad API
//! root. A leaf of `config/`: it decides nothing.

use crate::attribute_error::AttributeError;
use crate::genesys::region::region_names;
use crate::secret::Secret;
use crate::vault::KvPath;

use super::retry_limits::TransportInput;

/// Provider attributes outside the `vault` block, as written (`None` when
/// not set).
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
    /// `max_retries`, `retry_deadline_seconds`, `request_timeout_seconds`.
    pub transport: TransportInput,
    /// `consistency_timeout_seconds`.
    pub consistency_timeout_seconds: Option<i64>,
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

/// Where `oauthclient_from_vault` points, defaults filled in.
#[derive(Debug, Clone)]
pub struct FromVaultLocation {
    /// Mount and path of the entry.
    pub entry: KvPath,
    /// Key of the client id.
    pub client_id_key: String,
    /// Key of the client secret.
    pub client_secret_key: String,
}

/// `oauthclient_from_vault.mount` when not set.
pub const DEFAULT_FROM_VAULT_MOUNT: &str = "secret";
/// `oauthclient_from_vault.client_id_key` when not set (as a sink writes it).
pub const DEFAULT_CLIENT_ID_KEY: &str = "client_id";
/// `oauthclient_from_vault.client_secret_key` when not set.
pub const DEFAULT_CLIENT_SECRET_KEY: &str = "client_secret";

impl FromVaultInput {
    /// Mount, path and keys with their defaults; an error on the attribute
    /// that is malformed.
    pub fn location(&self) -> Result<FromVaultLocation, Vec<AttributeError>> {
        let mut errors = Vec::new();
        let entry = KvPath::checked(
            self.mount.as_deref().unwrap_or(DEFAULT_FROM_VAULT_MOUNT),
            self.path.as_deref().unwrap_or_default(),
            [
                "oauthclient_from_vault.mount",
                "oauthclient_from_vault.path",
            ],
        )
        .map_err(|e| errors.extend(e))
        .ok();
        let mut key = |value: &Option<String>, default: &str, attribute: &'static str| {
            let value = value.clone().unwrap_or_else(|| default.into());
            if value.trim().is_empty() {
                errors.push(AttributeError::new(
                    attribute,
                    format!("{attribute} is empty"),
                    "Name the key of the entry that holds the value, or leave the attribute out for the default.",
                ));
            }
            value
        };
        let client_id_key = key(
            &self.client_id_key,
            DEFAULT_CLIENT_ID_KEY,
            "oauthclient_from_vault.client_id_key",
        );
        let client_secret_key = key(
            &self.client_secret_key,
            DEFAULT_CLIENT_SECRET_KEY,
            "oauthclient_from_vault.client_secret_key",
        );
        match entry {
            Some(entry) if errors.is_empty() => Ok(FromVaultLocation {
                entry,
                client_id_key,
                client_secret_key,
            }),
            _ => Err(errors),
        }
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

pub(super) fn unknown_region(region: &str) -> AttributeError {
    AttributeError::new(
        "aws_region",
        format!("Unknown Genesys Cloud region {region:?}"),
        format!(
            "aws_region (or GENESYSCLOUD_REGION) must be one of: {}.",
            region_names()
        ),
    )
}

pub(super) fn bad_base_url(problem: String) -> AttributeError {
    AttributeError::new(
        "base_url",
        "Invalid base_url",
        format!("{problem}. base_url is the API's root, e.g. https://api.mypurecloud.com."),
    )
}
