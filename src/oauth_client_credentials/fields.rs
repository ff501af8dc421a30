//! The ephemeral resource's values without Terraform types: its
//! configuration as Terraform sends it ([`CredentialsFields`], each value
//! set, null or unknown), what an open is asked ([`Request`]), what it
//! answers ([`Credentials`]) and what close needs ([`CloseRecord`]).

use serde::{Deserialize, Serialize};

use crate::secret::Secret;
use crate::vault::KvPath;
use crate::vault_secret::fields::Field;

/// The configuration, named as in the schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CredentialsFields {
    /// `mount`.
    pub mount: Field<String>,
    /// `path`.
    pub path: Field<String>,
    /// `client_id_key`.
    pub client_id_key: Field<String>,
    /// `client_secret_key`.
    pub client_secret_key: Field<String>,
    /// `version`.
    pub version: Field<i64>,
    /// `verify`.
    pub verify: Field<bool>,
    /// `access_token`.
    pub access_token: Field<bool>,
}

/// What one open is asked: the configuration checked, defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The entry.
    pub entry: KvPath,
    /// Key of the client id (empty: the id the custom metadata records).
    pub client_id_key: String,
    /// Key of the client secret.
    pub client_secret_key: String,
    /// The version to read (`None`: the latest).
    pub version: Option<u64>,
    /// Exchange the credentials once and fail if they are refused.
    pub verify: bool,
    /// Answer an access token too.
    pub access_token: bool,
}

/// An access token answered with the credentials.
#[derive(Debug)]
pub struct Bearer {
    /// The token.
    pub token: Secret,
    /// When it expires (RFC 3339).
    pub expires_at: String,
}

/// What an open answers.
#[derive(Debug)]
pub struct Credentials {
    /// The client id the entry holds.
    pub client_id: String,
    /// Its secret.
    pub client_secret: Secret,
    /// The version read (0 on KV v1).
    pub version: u64,
    /// When it was written (KV v2).
    pub created_time: Option<String>,
    /// The access token, when asked for.
    pub bearer: Option<Bearer>,
}

/// What close needs, carried by Terraform from open to close in memory (the
/// ephemeral resource's private data): a handle to the access token held in
/// this process, never the token, and what to name in a warning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloseRecord {
    /// The handle of the access token to revoke ([`super::HeldTokens`]).
    pub token_handle: Option<String>,
    /// The client the token belongs to.
    pub client_id: String,
    /// The entry its credentials came from (`<mount>/<path>`).
    pub entry: String,
    /// When the token expires by itself (RFC 3339).
    pub expires_at: Option<String>,
}
