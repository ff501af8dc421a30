//! The integration credential `genesyscloud_oauth_client_vault_secret` keeps
//! current (`integration_credential_id`): its rules ([`rules`]: which
//! credential, sync, remake, recover, the warnings), its requests
//! ([`steps`]: read, written, synced, refreshed, recovered from the entry's
//! record) and its part of each Terraform call ([`phases`]: plan, apply,
//! destroy's hand-over).

pub mod phases;
pub mod rules;
pub mod steps;
