//! HashiCorp Vault / OpenBao KV client: the handful of endpoints the secret
//! sinks use, written directly on reqwest so every header and body is ours
//! (notably `cas` inside `options`, which some clients get wrong).

mod auth;
mod capabilities;
mod capability_batch;
pub mod claims;
mod client;
mod error;
mod kv;
mod kv_path;
mod lease;
mod mounts;
mod transport;

pub use auth::VaultAuth;
pub use capabilities::WriteRights;
pub use claims::ClaimRead;
pub use client::{VaultClient, VaultSettings};
pub use error::{MissingCapability, VaultError};
pub use kv::{KvData, KvMetadata, KvRead, KvValue, KvVersionRead, WriteOutcome};
pub use kv_path::KvPath;
pub use mounts::KvVersion;
