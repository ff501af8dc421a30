//! `resource "genesyscloud_oauth_client_vault_secret"` (the sink), whole:
//! the only code that ever holds a client secret after create.
//!
//! A rotation regenerates the client's secret (the only moment Genesys Cloud
//! returns one) and writes it to Vault with check-and-set, into an entry it
//! has claimed with its labels beforehand, then checks that the credentials
//! consumers will read work. Everything that can be checked is checked
//! *before* the regenerate (the Vault entry is ours or new, nobody wrote
//! since the plan, the token's policy allows the write, the client exists),
//! so that a refused write does not leave consumers with a secret that no
//! longer works. (The policy is not asked where there are no such
//! consumers: a client this process created, whose secret went nowhere;
//! `preflight::check_ahead`.) With a standby client, a rotation regenerates and writes
//! the client whose credentials are not in Vault (`crate::vault_secret::pair`), leaving
//! those consumers hold alone.
//!
//! The room's map (this file only declares and re-exports):
//! - [`protocol`]: the protocol glue, one RPC a function; [`state`]: the
//!   state struct and its attribute table (`ATTRIBUTES`);
//! - [`fields`]: `SinkFields`, the attributes as plain values, and the
//!   schema table; [`record`]: `SinkRecord`, the private state;
//! - [`input`]: validate's checks; [`rules`]: drift, repairs, defaults,
//!   ownership marks; [`update`]: rotate, rewrite or keep, and what an
//!   update's apply writes; [`pair`]: `standby_client_id`; [`import`]: the
//!   import id and adopting an entry; [`claim`]: one client, one sink
//!   across states (rules);
//! - one step per Terraform call over `SinkFields`, its notes collected in
//!   the `Run` of `call.rs`: `refresh.rs` (read), `planning.rs` (plan),
//!   `apply.rs` (create, update, destroy, import);
//! - `rotation.rs`: the rotation algorithm (check → mark → claim →
//!   regenerate → write → label ∥ credential ∥ verify), and the rewrite
//!   and remove beside it; `label.rs`: the entry's custom metadata;
//! - `preflight.rs`: what Vault holds, who holds it, the checks before a
//!   write; `checks.rs`: checks outside a rotation (plan, import, refresh,
//!   destroy); `target.rs`: at plan, the client a rotation will write;
//!   `oauth_clients.rs`: the clients read and checked at apply;
//!   `vault_claim.rs`: the claims' requests;
//! - `verify.rs`: credentials exchanged and read back; `settle.rs`: a write
//!   whose answer was lost; `restore.rs`: the other client's credentials
//!   put back after a failed verify; `outcome.rs`: what a rotation's
//!   outcome says; `error.rs`: why an operation failed; `spec.rs`: what an
//!   operation is asked to do;
//! - the integration credential kept current (`integration_credential_id`),
//!   in three files side by side: [`credential_rules`] (which credential,
//!   sync, remake, recover, the warnings), `credential_steps.rs` (its
//!   requests: read, written, synced, refreshed, recovered from the entry's
//!   record) and `credential_phases.rs` (its part of each Terraform call:
//!   plan, apply, the destroy's hand-over).

mod apply;
mod call;
mod checks;
pub mod claim;
mod credential_phases;
pub mod credential_rules;
mod credential_steps;
mod error;
pub mod fields;
pub mod import;
pub mod input;
mod label;
mod oauth_clients;
mod outcome;
pub mod pair;
mod planning;
mod preflight;
pub mod protocol;
pub mod record;
mod refresh;
mod restore;
mod rotation;
pub mod rules;
mod settle;
mod spec;
pub mod state;
mod target;
pub mod update;
mod vault_claim;
mod verify;

pub use verify::exchange_settled;
