//! Plan rules: what is valid input, what a default is, how an API answer is
//! reconciled with what the user wrote. No Terraform types here: the glue in
//! `crate::tf` converts and calls in.

pub mod claim;
pub mod import;
pub mod integration_credential;
pub mod oauth_client;
pub mod pair;
pub mod roles;
pub mod sink;
pub mod sink_fields;
pub mod sink_input;
pub mod sink_integration_credential;
pub mod sink_record;
pub mod sink_update;
