//! Genesys Cloud Platform API client: OAuth clients and the token endpoint.

pub mod client;
pub mod error;
pub mod existing;
pub mod model;
pub mod region;
pub mod token;

#[cfg(test)]
mod transport_tests;

pub use client::{ClientSettings, Credentials, GenesysClient};
pub use error::GenesysError;
pub use model::{OAuthClient, OAuthClientRequest, RoleDivision};
pub use region::Endpoints;
