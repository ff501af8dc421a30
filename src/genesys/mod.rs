//! Genesys Cloud Platform API client: OAuth clients, integration
//! credentials and the token endpoint.

pub mod client;
pub mod consistency;
mod divisions;
pub mod error;
pub mod existing;
mod integration_credentials;
pub mod listing;
mod lost_create;
pub mod model;
mod oauth_clients;
mod read_cache;
pub mod region;
pub mod token;

#[cfg(test)]
mod transport_tests;

pub use client::{ClientSettings, GenesysClient, GenesysProxy, LoginCredentials};
pub use error::GenesysError;
pub use integration_credentials::{
    CredentialInfo, Held, OAuthClientCredential, OAUTH_CLIENT_CREDENTIAL_TYPE,
};
pub use model::{OAuthClient, OAuthClientRequest, RoleDivision};
pub use oauth_clients::CreatedClient;
pub use region::Endpoints;
