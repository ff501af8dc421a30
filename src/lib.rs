//! Terraform provider for Genesys Cloud OAuth clients whose secrets go to
//! HashiCorp Vault and never into Terraform state.
//!
//! Where things are:
//! - [`genesys`]: the Genesys Cloud API client (OAuth clients, token endpoint);
//! - [`retry`]: the one place retries are decided;
//! - [`redirect`]: which redirects are followed (credentials stay home);
//! - [`secret`]: the type secrets travel in;
//! - [`oauth_client`]: create, read, update, delete an OAuth client and its
//!   integration credential in Genesys Cloud;
//! - [`sink`]: regenerate, write to Vault, verify: the only code writing a secret;
//! - [`oauth_client_credentials`]: the ephemeral resource reading what a sink
//!   wrote, inside one Terraform run (schema, rules and steps in one folder);
//! - [`vault`]: the Vault KV client (where the Vault write is);
//! - [`hashing`]: the secret hash kept in state;
//! - [`zeroizing`]: HTTP bodies that carry a secret, wiped when dropped;
//! - [`config`]: provider configuration from attributes and environment;
//! - [`plan`]: validation and plan rules of each resource;
//! - [`registry`]: process-wide facts shared by the resources of one run;
//! - [`schema`]: the schemas as data (attributes, defaults, descriptions);
//! - [`tf`]: the thin glue to the Terraform plugin protocol (`tf-provider`).

pub mod attribute_error;
pub mod config;
pub mod genesys;
pub mod handshake;
pub mod hashing;
pub mod http;
pub mod logging;
pub mod note;
pub mod oauth_client;
pub mod oauth_client_credentials;
pub mod plan;
pub mod redirect;
pub mod registry;
pub mod retry;
pub mod schema;
pub mod secret;
pub mod single_flight;
pub mod sink;
pub mod tf;
pub mod vault;
pub mod zeroizing;

#[cfg(test)]
mod test_servers;

/// Provider version, fixed at build time: `PROVIDER_VERSION` when the
/// release build sets it (GoReleaser, from the tag), else Cargo.toml's.
pub const VERSION: &str = match option_env!("PROVIDER_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

/// The User-Agent sent with every request.
pub fn user_agent() -> String {
    format!("terraform-provider-genesyscloud/{VERSION} (+rust)")
}
