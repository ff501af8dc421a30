//! `resource "genesyscloud_oauth_client"`, whole: its protocol glue
//! ([`protocol`]: the state struct, the RPCs, the attribute table applied),
//! its plain fields, schema table and rules ([`rules`]: `ClientFields`,
//! checks, defaults, the create request, state from an answer), its roles
//! ([`roles`]), what a plan records for the sinks ([`planning`]), its
//! integration credential, side by side ([`credential_rules`]: made at
//! create, never renamed, whose it is; [`credential_steps`]: made from the
//! create answer's secret, read back, found again, deleted) and
//! the steps of create, read, update and delete (`steps.rs`, re-exported
//! here), plain async functions over `ClientFields`.
//!
//! What this keeps true:
//! - a role planned without a division is granted in the home division,
//!   looked up once per process and sent explicitly, so state records the
//!   division that was sent, whatever the API echoes;
//! - once Genesys made or changed the client, the step returns its state
//!   even when the integration credential's part fails: the failure is a
//!   [`Note`](crate::note::Note) next to it, never a lost client;
//! - the client secret of a create answer goes only into the integration
//!   credential ([`credential_steps`]) and is dropped (zeroized) there;
//!   a client created without one is recorded as one whose secret nobody
//!   holds (`crate::process_records::unheld_secrets`).
//!
//! Only [`protocol`] touches a Terraform type: what the user must hear
//! comes back from the steps as [`Note`](crate::note::Note)s and
//! [`Failure`](crate::note::Failure)s, which the glue turns into
//! diagnostics (`crate::tf::diag`).

pub mod credential_rules;
pub mod credential_steps;
pub mod planning;
pub mod protocol;
pub mod roles;
pub mod rules;
mod steps;

pub use steps::{create, delete, find_named, read, update, Applied, Found};
