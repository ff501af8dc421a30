//! What every resource shares to speak the Terraform plugin protocol
//! (`tf-provider`): the configured API clients ([`api_clients`]), the one
//! converter from the schema tables ([`schema`]) and our errors as
//! diagnostics ([`diag`]). Each resource's own glue lives in its folder
//! (`protocol.rs`); the provider that lists them is `src/provider.rs`.

pub mod api_clients;
pub mod diag;
pub mod schema;

/// The plugin schema of a schema table (also served by the benchmark's
/// floor provider, `tools/floor-provider`, so that it matches ours).
pub use schema::schema as plugin_schema;
