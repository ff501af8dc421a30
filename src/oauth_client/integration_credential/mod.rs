//! The integration credential of `genesyscloud_oauth_client`
//! (`integration_credential_name`): its rules ([`rules`]: made at create,
//! never renamed, whose it is) and its requests ([`steps`]: made from the
//! create answer's secret, read back, found again, deleted).

pub mod rules;
pub mod steps;

pub use steps::{create, delete, orphaned, read, update};
