//! `ephemeral "genesyscloud_oauth_client_credentials"`: the credentials a
//! sink (`genesyscloud_oauth_client_vault_secret`) keeps in Vault, read
//! inside a Terraform run and never stored: Terraform keeps an ephemeral
//! value in memory only, out of plans and state.
//!
//! The folder holds everything of the ephemeral resource but the protocol
//! glue (`crate::oauth_client_credentials::protocol`): its schema table
//! ([`schema`]), its plain values ([`fields`]), its rules ([`rules`]), the
//! steps of an open and a close ([`steps`]) and the access tokens it holds
//! between them ([`tokens`]).
//!
//! What this keeps true:
//! - one open reads the entry once (one Vault request, through the
//!   provider's own session: its login, namespace and KV version lookup,
//!   each done once per process) and, when it verifies or answers a token,
//!   exchanges the credentials once at the token endpoint;
//! - the answer is the client the entry holds: in a pair, the member the
//!   sink wrote last; an entry that is missing, lacks a key, or whose
//!   record names other clients than the one it holds is an error on the
//!   attribute to look at, and nothing is changed anywhere;
//! - a refused secret is an error naming the client and the entry, after
//!   Genesys's consistency window following the entry's write has passed;
//! - an access token answered is revoked at close; the private data carried
//!   from open to close holds a random handle to it, never the token.

pub mod fields;
pub mod protocol;
pub mod rules;
pub mod schema;
pub mod steps;
pub mod tokens;

pub use fields::{Bearer, CloseRecord, Credentials, CredentialsFields, Request};
pub use steps::{close, open, OpenError};
pub use tokens::HeldTokens;
