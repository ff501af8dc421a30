//! Registries: process-wide facts shared across the resources of one run.
//!
//! Terraform hands a provider one resource at a time, and a resource never
//! sees another's state. Some rules still span resources: one sink per
//! OAuth client ([`claims`]), one client per integration credential and the
//! credential a sink must keep current ([`integration_credentials`]), no check ahead
//! of a write that can cut off nobody ([`unheld_secrets`]). Whatever one
//! resource learns for them in this provider process (one plan, or one
//! apply) is recorded here and looked up by the others. A registry holds
//! state, not rules: it is made once by the provider, shared behind an
//! `Arc`, and forgotten when the process ends; what a record means is
//! decided in `crate::plan` and by the resource that reads it.

pub mod claims;
pub mod client_states;
pub mod integration_credentials;
pub mod unheld_secrets;
