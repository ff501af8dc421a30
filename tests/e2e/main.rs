//! End-to-end tests: the real Terraform CLI, the provider binary installed
//! from a filesystem mirror, and the Genesys Cloud emulator (in process).

mod bench;
mod claims;
mod consistency;
mod consumer;
mod crash;
mod docs;
mod downgrade;
mod drift;
mod ephemeral;
mod examples;
mod forward_proxy;
#[cfg(unix)]
mod handshake;
mod harness;
mod integration_credential;
mod mistakes;
mod modules;
mod newcomer;
mod oauth_client;
mod packaging;
mod proxy;
mod shared_credential;
mod sink_credential;
mod standby;
mod standby_moves;
mod vault;
mod vault_auth;
mod vault_requests;
mod vault_secret;
mod workflows;
