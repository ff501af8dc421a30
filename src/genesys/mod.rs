//! Genesys Cloud Platform API client: OAuth clients and the token endpoint.

pub mod client;
pub mod consistency;
mod divisions;
pub mod error;
pub mod model;
mod oauth_clients;
mod read_cache;
pub mod region;
pub mod token;

pub use client::{ClientSettings, Credentials, GenesysClient};
pub use error::GenesysError;
pub use model::{OAuthClient, OAuthClientRequest, RoleDivision};
pub use oauth_clients::CreatedClient;
pub use region::Endpoints;
