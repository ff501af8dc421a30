//! Process-wide records: what one resource learns in this provider process
//! (one plan, or one apply) that another resource must see.
//!
//! Terraform hands a provider one resource at a time, and a resource never
//! sees another's state. Some rules still span resources: one sink per
//! OAuth client ([`claims`]), one client per integration credential and the
//! credential a sink must keep current ([`integration_credentials`]), the
//! state each client is planned with ([`client_states`]), no check ahead of
//! a write that can cut off nobody ([`unheld_secrets`]). A record holds
//! state, not rules, and is forgotten when the process ends: [`claims`] and
//! [`integration_credentials`] are made once by the provider and shared
//! behind an `Arc`; [`client_states`] and [`unheld_secrets`] are statics.
//! What a record means is decided by the resource folders that read it
//! (`vault_secret/`, `oauth_client/`).

pub mod claims;
pub mod client_states;
pub mod integration_credentials;
pub mod unheld_secrets;
