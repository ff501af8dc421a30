//! End-to-end tests: the real Terraform CLI, the provider binary installed
//! from a filesystem mirror, and the Genesys Cloud emulator (in process).

mod crash;
mod docs;
mod examples;
mod harness;
mod oauth_client;
mod packaging;
mod proxy;
mod vault;
mod vault_auth;
mod vault_secret;
