//! Provider configuration, split by service: attributes first, then
//! environment variables, then defaults, for every setting (an attribute in
//! the provider block wins over any environment variable: [`login`] says the
//! rule once, as [`login::PRECEDENCE`]). Every problem is an
//! [`AttributeError`](crate::attribute_error::AttributeError) naming the
//! attribute to fix.
//!
//! - [`env`](mod@env): the one rule for reading environment variables;
//! - [`retry_limits`]: retries and timeouts, shared by both API clients;
//! - [`genesys_input`]: the Genesys side of the block as written, and its
//!   environment variables (a leaf);
//! - [`genesys`]: region, base URL and the provider's own credentials;
//! - [`login`]: which source gives the Genesys login and API root, and the
//!   warning when the environment holds another;
//! - [`proxy`]: the official provider's `GENESYSCLOUD_PROXY_*` variables;
//! - [`vault`]: the `vault` block (address, authentication, TLS);
//! - [`clients`]: the two API clients built from all of it.

pub mod clients;
pub mod env;
pub mod genesys;
pub mod genesys_input;
pub mod login;
pub mod proxy;
pub mod retry_limits;
pub mod schema;
pub mod vault;

pub use env::Env;
pub use genesys_input::{FromVaultInput, ProviderInput};
pub use retry_limits::TransportInput;
