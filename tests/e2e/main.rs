//! End-to-end tests: the real Terraform CLI, the provider binary installed
//! from a filesystem mirror, and the Genesys Cloud emulator (in process).

mod docs;
mod examples;
mod harness;
mod oauth_client;
mod packaging;
mod vault;
mod vault_auth;
mod vault_proxy;
mod vault_secret;
