//! Provider configuration, split by service: attributes first, then
//! environment variables, then defaults, for every setting (an attribute in
//! the provider block wins over any environment variable: [`login`] says the
//! rule once, as [`login::PRECEDENCE`]). Every problem is an
//! [`AttributeError`](crate::attribute_error::AttributeError) naming the
//! attribute to fix.
//!
//! - [`env`](mod@env): the one rule for reading environment variables;
//! - [`transport`]: retries and timeouts, shared by both API clients;
//! - [`genesys`]: region, base URL and the provider's own credentials;
//! - [`login`]: which source gives the Genesys login and API root, and the
//!   warning when the environment holds another;
//! - [`proxy`]: the official provider's `GENESYSCLOUD_PROXY_*` variables;
//! - [`vault`]: the `vault` block (address, authentication, TLS);
//! - [`clients`]: the two API clients built from all of it.

pub mod clients;
pub mod env;
pub mod genesys;
pub mod login;
pub mod proxy;
pub mod schema;
pub mod transport;
pub mod vault;

pub use env::Env;
pub use genesys::{FromVaultInput, ProviderInput};
pub use transport::TransportInput;
