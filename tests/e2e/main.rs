//! End-to-end tests: the real Terraform CLI, the provider binary installed
//! from a filesystem mirror, and the Genesys Cloud emulator (in process).

mod bench;
mod consistency;
mod docs;
mod examples;
#[cfg(unix)]
mod handshake;
mod harness;
mod oauth_client;
mod packaging;
mod vault;
mod vault_auth;
mod vault_secret;
