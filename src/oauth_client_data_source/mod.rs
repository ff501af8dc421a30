//! `data "genesyscloud_oauth_client"`: one OAuth client found by its name.
//! The folder holds its protocol glue ([`protocol`]).

pub mod protocol;
