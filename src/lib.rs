//! Terraform provider for Genesys Cloud OAuth clients whose secrets go to
//! HashiCorp Vault and never into Terraform state.
//!
//! Where things are: one folder per resource, data source and ephemeral
//! resource, each holding its schema table, plain state types, rules, steps
//! and protocol glue (`protocol.rs`); beside them what they share.
//! - [`oauth_client`]: `resource "genesyscloud_oauth_client"` and its
//!   integration credential;
//! - [`oauth_client_data_source`]: `data "genesyscloud_oauth_client"`;
//! - [`vault_secret`]: `resource "genesyscloud_oauth_client_vault_secret"`
//!   (the sink): regenerate, write to Vault, verify, the only code writing a
//!   secret;
//! - [`oauth_client_credentials`]: the ephemeral resource reading what a sink
//!   wrote, inside one Terraform run;
//! - [`provider`]: the provider: configure, and its lists of resources,
//!   data sources and ephemeral resources;
//! - [`tf`]: what every resource shares to speak the plugin protocol
//!   (`tf-provider`): the configured API clients, the schema converter,
//!   diagnostics;
//! - [`note`]: what a step says besides its result (`Note`, `Failure`);
//! - [`process_records`]: process-wide records shared by the resources of one run;
//! - [`config`]: provider configuration from attributes and environment;
//! - [`schema`]: the language of the schema tables;
//! - [`genesys`]: the Genesys Cloud API client (OAuth clients, token endpoint);
//! - [`vault`]: the Vault KV client (where the Vault write is);
//! - [`retry`]: the one place retries are decided;
//! - [`redirect`]: which redirects are followed (credentials stay home);
//! - [`secret`]: the type secrets travel in;
//! - [`hashing`]: the secret hash kept in state;
//! - [`zeroizing`]: HTTP bodies that carry a secret, wiped when dropped.

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
pub mod oauth_client_data_source;
pub mod process_records;
pub mod provider;
pub mod redirect;
pub mod retry;
pub mod schema;
pub mod secret;
pub mod single_flight;

pub mod tf;
pub mod vault;
pub mod vault_secret;
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
