//! Thin glue between the Terraform plugin protocol (`tf-provider`) and the
//! plain modules. Schemas are data in `crate::schema`, converted by
//! `schema.rs`; decisions live in `crate::plan` and
//! `crate::config`, the steps of an apply or a read in `crate::oauth_client`
//! and `crate::sink`, of an ephemeral open and close in
//! `crate::oauth_client_credentials`, what resources share in one run in
//! `crate::registry`.

mod api_clients;
mod diag;
mod oauth_client;
mod oauth_client_credentials;
mod oauth_client_data;
mod provider;
mod schema;
mod sink;
mod sink_state;

pub use provider::GenesysProvider;
/// The plugin schema of a schema table (also served by the benchmark's
/// floor provider, `tools/floor-provider`, so that it matches ours).
pub use schema::schema as plugin_schema;
