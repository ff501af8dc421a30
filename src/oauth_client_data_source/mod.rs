//! `data "genesyscloud_oauth_client"`: one OAuth client found by its name.
//! The folder holds its rules ([`rules`]: its schema table, what it
//! reports of a client) and its protocol glue ([`protocol`]).

pub mod protocol;
pub mod rules;
