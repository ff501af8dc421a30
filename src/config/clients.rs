//! Building the two API clients from the configuration: the Vault client
//! first (the provider's own login may be read from Vault), then the
//! Genesys client. Nothing here touches a Terraform type: the problems come
//! back as [`Problem`]s and the warnings as [`AttributeError`]s, which the
//! glue (the provider's `configure`, `src/provider.rs`) says.

use std::sync::Arc;

use super::env::Env;
use super::genesys::{self};
use super::genesys_input::ProviderInput;
use super::vault::{resolve_vault, VaultInput};
use crate::attribute_error::AttributeError;
use crate::genesys::GenesysClient;
use crate::vault::VaultClient;

/// Why the clients could not be built.
#[derive(Debug)]
pub enum Problem {
    /// A value to fix, on its attribute.
    Attribute(AttributeError),
    /// A client that could not be set up from valid settings (summary,
    /// detail), about the whole provider.
    Setup(&'static str, String),
}

/// What configuring built and has to say.
#[derive(Debug, Default)]
pub struct Configured {
    /// Both clients (Vault only when configured), when nothing failed.
    pub clients: Option<(GenesysClient, Option<Arc<VaultClient>>)>,
    /// Warnings on their attributes, said even when something failed.
    pub warnings: Vec<AttributeError>,
    /// What failed.
    pub problems: Vec<Problem>,
}

/// Builds the clients the provider block (`input`, `vault_input`) and the
/// environment ask for.
pub async fn build(
    vault_input: &VaultInput,
    input: &ProviderInput,
    env: Env<'_>,
    user_agent: String,
) -> Configured {
    let mut out = Configured::default();
    let (retry, request_timeout) = input.transport.resolve();
    let vault = match resolve_vault(vault_input, env, retry, request_timeout, user_agent.clone()) {
        Ok(None) => None,
        Ok(Some(resolved)) => {
            out.warnings = resolved.warnings;
            match VaultClient::new(resolved.settings) {
                Ok(v) => Some(Arc::new(v)),
                Err(e) => return out.failed(Problem::Setup(VAULT_SETUP, e.to_string())),
            }
        }
        Err(errors) => return out.refused(errors),
    };
    let from_vault = match genesys::login_from_vault_if_set(
        vault.as_deref(),
        input.oauthclient_from_vault.as_ref(),
    )
    .await
    {
        Ok(login) => login,
        Err(e) => return out.refused(vec![e]),
    };
    let proxy = match super::proxy::genesys_proxy(env) {
        Ok(proxy) => proxy,
        Err(e) => return out.failed(Problem::Setup(GENESYS_SETUP, e)),
    };
    match genesys::resolve(input, env, user_agent, from_vault) {
        Ok((settings, warnings)) => match GenesysClient::via(settings, proxy) {
            Ok(g) => {
                out.warnings.extend(warnings);
                out.clients = Some((g, vault));
            }
            Err(e) => return out.failed(Problem::Setup(GENESYS_SETUP, e.to_string())),
        },
        Err(errors) => return out.refused(errors),
    }
    out
}

/// The summary when the Vault client cannot be set up.
const VAULT_SETUP: &str = "Cannot set up the Vault client";
/// The summary when the Genesys client cannot be set up.
const GENESYS_SETUP: &str = "Cannot set up the Genesys Cloud client";

impl Configured {
    fn failed(mut self, problem: Problem) -> Configured {
        self.problems.push(problem);
        self
    }

    fn refused(mut self, errors: Vec<AttributeError>) -> Configured {
        self.problems
            .extend(errors.into_iter().map(Problem::Attribute));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::genesys_input::FromVaultInput;

    fn summaries(c: &Configured) -> Vec<String> {
        c.problems
            .iter()
            .map(|p| match p {
                Problem::Attribute(e) => format!("{}: {}", e.attribute, e.summary),
                Problem::Setup(summary, _) => summary.to_string(),
            })
            .collect()
    }

    #[tokio::test]
    async fn clients_are_built_or_each_problem_is_said() {
        let none = |_: &str| None;
        let login = |k: &str| match k {
            "GENESYSCLOUD_OAUTHCLIENT_ID" => Some("id".to_string()),
            "GENESYSCLOUD_OAUTHCLIENT_SECRET" => Some("s".to_string()),
            _ => None,
        };
        let from_vault = ProviderInput {
            oauthclient_from_vault: Some(FromVaultInput {
                path: Some("p".into()),
                ..FromVaultInput::default()
            }),
            ..ProviderInput::default()
        };
        let vault = VaultInput::default();
        let built = build(
            &vault,
            &ProviderInput::default(),
            Env::new(&login),
            "ua".into(),
        )
        .await;
        assert!(built.clients.is_some_and(|(_, v)| v.is_none()));
        assert!(built.problems.is_empty());
        let missing = build(
            &vault,
            &ProviderInput::default(),
            Env::new(&none),
            "ua".into(),
        )
        .await;
        assert!(missing.clients.is_none());
        assert!(!missing.problems.is_empty(), "{:?}", summaries(&missing));
        let no_vault = build(&vault, &from_vault, Env::new(&login), "ua".into()).await;
        assert!(no_vault.clients.is_none());
        assert_eq!(summaries(&no_vault).len(), 1, "{:?}", summaries(&no_vault));
        assert!(summaries(&no_vault)[0].starts_with("oauthclient_from_vault"));
    }
}
