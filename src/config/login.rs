//! Which source gives the provider its Genesys Cloud login and API root. The
//! rule every provider setting follows: an attribute in the provider block
//! wins over any environment variable, and a variable only fills an
//! attribute the block leaves out. A login or an API root taken from the
//! block while the environment names another is said in a warning that names
//! both sources (a client id may be named; a secret or a token never is):
//! the official provider reads the same variables, so a workspace running
//! both must not log ours in as someone else without a word.

use crate::attribute_error::AttributeError;
use crate::genesys::region::DEFAULT_REGION;
use crate::genesys::{Endpoints, LoginCredentials};
use crate::secret::Secret;

use super::env::{unused_from_environment, Env};
use super::genesys_input::{
    ProviderInput, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REGION,
};

/// The rule, as the provider's description and the guides say it.
pub const PRECEDENCE: &str = "An attribute set in this block wins over any environment variable; a variable only fills an attribute the block leaves out (when the environment holds another login or address than the block, for Genesys Cloud or for Vault, the plan warns).";

/// Where the API root comes from: `base_url`, `aws_region`, their variables
/// (`GENESYS_BASE_URL`, `GENESYSCLOUD_REGION`), or the default region.
/// `None` when the one chosen is malformed (the problem is pushed on
/// `errors` when it came from the environment: the block's own values are
/// checked by `check_static`).
pub fn endpoints(
    input: &ProviderInput,
    env: Env<'_>,
    errors: &mut Vec<AttributeError>,
    warnings: &mut Vec<AttributeError>,
) -> Option<Endpoints> {
    let from_block = match (&input.base_url, &input.aws_region) {
        (Some(url), _) => Some(("base_url", Endpoints::for_base_url(url).ok())),
        (None, Some(region)) => Some(("aws_region", Endpoints::for_region(region))),
        (None, None) => None,
    };
    let from_env = match env.first_named(ENV_BASE_URL) {
        Some((name, url)) => Some((name, url.clone(), Endpoints::for_base_url(&url))),
        None => env.first_named(ENV_REGION).map(|(name, region)| {
            let endpoints = Endpoints::for_region(&region).ok_or_else(|| region.clone());
            (name, region, endpoints)
        }),
    };
    match (from_block, from_env) {
        (Some((attribute, endpoints)), env_root) => {
            let endpoints = endpoints?;
            if let Some((name, value, other)) = env_root {
                if !matches!(&other, Ok(o) if o.api == endpoints.api) {
                    warnings.push(unused_from_environment(
                        attribute,
                        format!("{name} is not used"),
                        &format!("The provider talks to {} ({attribute} in the provider block)", endpoints.api),
                        &format!("another API root, {name} = {value:?}"),
                        &format!("If the environment's is the one meant, remove {attribute} from the block."),
                    ));
                }
            }
            Some(endpoints)
        }
        (None, Some((name, value, endpoints))) => endpoints
            .map_err(|e| {
                errors.push(match name {
                    "GENESYSCLOUD_REGION" => super::genesys_input::unknown_region(&value),
                    _ => super::genesys_input::bad_base_url(format!("{e} (from {name})")),
                })
            })
            .ok(),
        (None, None) => Endpoints::for_region(DEFAULT_REGION),
    }
}

/// A login as the warning names it: its source, and who it logs in as.
struct Named {
    /// `oauthclient_id`, `GENESYSCLOUD_ACCESS_TOKEN`, …
    source: String,
    /// The client id, or `None` for an access token.
    client_id: Option<String>,
    /// The access token, compared (never shown) with the block's.
    token: Option<Secret>,
}

impl Named {
    fn words(&self) -> String {
        match &self.client_id {
            Some(id) => format!("{} (client id {id:?})", self.source),
            None => format!("{} (an access token)", self.source),
        }
    }

    fn same_as(&self, other: &Named) -> bool {
        match (&self.client_id, &other.client_id, &self.token, &other.token) {
            (Some(a), Some(b), _, _) => a == b,
            (None, None, Some(a), Some(b)) => a.expose() == b.expose(),
            _ => false,
        }
    }
}

/// The provider's login: `oauthclient_from_vault` (read already, in
/// `from_vault`), else `access_token`, else `oauthclient_id` and
/// `oauthclient_secret` when either is set in the block (the other may come
/// from its variable), else the environment's access token, else its client
/// credentials. `None` with the problems pushed on `errors` when there is
/// none; a warning when the block's login wins over another one in the
/// environment.
pub fn login(
    input: &ProviderInput,
    env: Env<'_>,
    from_vault: Option<LoginCredentials>,
    errors: &mut Vec<AttributeError>,
    warnings: &mut Vec<AttributeError>,
) -> Option<LoginCredentials> {
    let env_login = environment_login(env);
    let (credentials, block) = match (from_vault, &input.access_token) {
        (Some(credentials), _) => {
            let named = named("oauthclient_from_vault", &credentials);
            (Some(credentials), Some(("oauthclient_from_vault", named)))
        }
        (None, Some(token)) => {
            let credentials = LoginCredentials::AccessToken(token.clone());
            let named = named("access_token", &credentials);
            (Some(credentials), Some(("access_token", named)))
        }
        (None, None) if input.oauthclient_id.is_some() || input.oauthclient_secret.is_some() => {
            let credentials = client_credentials(input, env, errors);
            let named = credentials
                .as_ref()
                .map(|c| named("oauthclient_id/oauthclient_secret", c));
            (credentials, named.map(|n| ("oauthclient_id", n)))
        }
        (None, None) => match env.first_named(ENV_ACCESS_TOKEN) {
            Some((_, token)) => (
                Some(LoginCredentials::AccessToken(Secret::new(token))),
                None,
            ),
            None => (client_credentials(input, env, errors), None),
        },
    };
    if let (Some((attribute, block)), Some(env_login)) = (block, env_login) {
        // The block's secret with the environment's id is one login.
        let filled_in = attribute == "oauthclient_id" && input.oauthclient_id.is_none();
        if !filled_in && !block.same_as(&env_login) {
            warnings.push(unused_from_environment(
                attribute,
                "The environment's Genesys Cloud login is not used",
                &format!("The provider logs in with {} from the provider block", block.words()),
                &format!("another login, {}", env_login.words()),
                "If the environment's login is the one meant, remove the block's; if the variable is there for another tool (the official provider reads the same variables), this warning only says which login this provider uses.",
            ));
        }
    }
    credentials
}

fn named(source: &str, credentials: &LoginCredentials) -> Named {
    match credentials {
        LoginCredentials::ClientCredentials { client_id, .. } => Named {
            source: source.into(),
            client_id: Some(client_id.clone()),
            token: None,
        },
        LoginCredentials::AccessToken(token) => Named {
            source: source.into(),
            client_id: None,
            token: Some(token.clone()),
        },
    }
}

/// The login the environment alone would give: its access token, else its
/// client id.
fn environment_login(env: Env<'_>) -> Option<Named> {
    if let Some((name, token)) = env.first_named(ENV_ACCESS_TOKEN) {
        return Some(Named {
            source: name.into(),
            client_id: None,
            token: Some(Secret::new(token)),
        });
    }
    env.first_named(ENV_CLIENT_ID).map(|(name, id)| Named {
        source: name.into(),
        client_id: Some(id),
        token: None,
    })
}

/// `oauthclient_id` and `oauthclient_secret`, each from the block, else from
/// its variables; a missing one is an error on its attribute.
fn client_credentials(
    input: &ProviderInput,
    env: Env<'_>,
    errors: &mut Vec<AttributeError>,
) -> Option<LoginCredentials> {
    let id = input
        .oauthclient_id
        .clone()
        .or_else(|| env.first(ENV_CLIENT_ID));
    let secret = input
        .oauthclient_secret
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| env.first(ENV_CLIENT_SECRET).map(Secret::new));
    if id.is_none() {
        errors.push(missing("oauthclient_id", ENV_CLIENT_ID));
    }
    if secret.is_none() {
        errors.push(missing("oauthclient_secret", ENV_CLIENT_SECRET));
    }
    Some(LoginCredentials::ClientCredentials {
        client_id: id?,
        client_secret: secret?,
    })
}

fn missing(attribute: &'static str, env: &[&str]) -> AttributeError {
    AttributeError::new(
        attribute,
        format!("Missing {attribute}"),
        format!(
            "Set {attribute} in the provider block or one of the environment variables {}, or set access_token, or read both from Vault with oauthclient_from_vault.",
            env.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Sync {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn block_login() -> ProviderInput {
        ProviderInput {
            oauthclient_id: Some("block-id".into()),
            oauthclient_secret: Some(Secret::new("block-secret-1234")),
            ..Default::default()
        }
    }

    fn run(
        input: &ProviderInput,
        pairs: &[(&str, &str)],
        from_vault: Option<LoginCredentials>,
    ) -> (Option<LoginCredentials>, Vec<AttributeError>) {
        let lookup = env_of(pairs);
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let login = login(
            input,
            Env::new(&lookup),
            from_vault,
            &mut errors,
            &mut warnings,
        );
        assert!(errors.is_empty(), "{errors:?}");
        (login, warnings)
    }

    #[test]
    fn the_blocks_client_credentials_win_over_an_access_token_in_the_environment() {
        let token = "env-token-garbage-77";
        let (login, warnings) = run(
            &block_login(),
            &[("GENESYSCLOUD_ACCESS_TOKEN", token)],
            None,
        );
        assert!(
            matches!(login, Some(LoginCredentials::ClientCredentials { ref client_id, .. }) if client_id == "block-id")
        );
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!(w.attribute, "oauthclient_id");
        for source in [
            "oauthclient_id/oauthclient_secret",
            "GENESYSCLOUD_ACCESS_TOKEN",
        ] {
            assert!(w.detail.contains(source), "{w:?}");
        }
        let said = format!("{w:?}");
        assert!(!said.contains(token) && !said.contains("block-secret-1234"));
    }

    #[test]
    fn another_client_id_in_the_environment_is_named_the_same_one_is_quiet() {
        let (_, warnings) = run(
            &block_login(),
            &[
                ("GENESYSCLOUD_OAUTHCLIENT_ID", "official-id"),
                ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "other-secret-999"),
            ],
            None,
        );
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].detail.contains("\"official-id\""),
            "{warnings:?}"
        );
        assert!(!warnings[0].detail.contains("other-secret-999"));
        let (_, quiet) = run(
            &block_login(),
            &[("GENESYS_ADMIN_CLIENT_ID", "block-id")],
            None,
        );
        assert!(quiet.is_empty(), "{quiet:?}");
        // The block's secret with the environment's id: one login, no warning.
        let half = ProviderInput {
            oauthclient_secret: Some(Secret::new("s")),
            ..Default::default()
        };
        let (login, quiet) = run(&half, &[("GENESYSCLOUD_OAUTHCLIENT_ID", "env-id")], None);
        assert!(
            matches!(login, Some(LoginCredentials::ClientCredentials { ref client_id, .. }) if client_id == "env-id")
        );
        assert!(quiet.is_empty(), "{quiet:?}");
    }

    #[test]
    fn a_block_access_token_and_vault_credentials_win_too() {
        let token_block = ProviderInput {
            access_token: Some(Secret::new("block-token-1")),
            ..Default::default()
        };
        let (login, warnings) = run(
            &token_block,
            &[("GENESYSCLOUD_OAUTHCLIENT_ID", "env-id")],
            None,
        );
        assert!(matches!(login, Some(LoginCredentials::AccessToken(_))));
        assert_eq!(warnings[0].attribute, "access_token");
        let (_, same) = run(
            &token_block,
            &[("GENESYSCLOUD_ACCESS_TOKEN", "block-token-1")],
            None,
        );
        assert!(same.is_empty(), "{same:?}");
        let vault = LoginCredentials::ClientCredentials {
            client_id: "vault-id".into(),
            client_secret: Secret::new("v"),
        };
        let (login, warnings) = run(
            &ProviderInput::default(),
            &[("GENESYSCLOUD_ACCESS_TOKEN", "t")],
            Some(vault),
        );
        assert!(
            matches!(login, Some(LoginCredentials::ClientCredentials { ref client_id, .. }) if client_id == "vault-id")
        );
        assert_eq!(warnings[0].attribute, "oauthclient_from_vault");
    }

    #[test]
    fn without_a_login_in_the_block_the_environment_decides_quietly() {
        let (login, warnings) = run(
            &ProviderInput::default(),
            &[
                ("GENESYSCLOUD_ACCESS_TOKEN", "t"),
                ("GENESYSCLOUD_OAUTHCLIENT_ID", "id"),
            ],
            None,
        );
        assert!(matches!(login, Some(LoginCredentials::AccessToken(_))));
        assert!(warnings.is_empty());
    }

    #[test]
    fn the_blocks_region_wins_over_the_environments_base_url() {
        let input = ProviderInput {
            aws_region: Some("eu-west-1".into()),
            ..Default::default()
        };
        let lookup = env_of(&[("GENESYS_BASE_URL", "http://127.0.0.1:9")]);
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let e = endpoints(&input, Env::new(&lookup), &mut errors, &mut warnings).expect("valid");
        assert_eq!(e.api.as_str(), "https://api.mypurecloud.ie/");
        assert!(errors.is_empty());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].attribute, "aws_region");
        assert!(
            warnings[0].detail.contains("GENESYS_BASE_URL"),
            "{warnings:?}"
        );
        // The same root from both: nothing to say.
        let lookup = env_of(&[("GENESYSCLOUD_REGION", "eu-west-1")]);
        warnings.clear();
        endpoints(&input, Env::new(&lookup), &mut errors, &mut warnings).expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_rule_is_said_in_the_provider_description() {
        assert!(crate::config::schema::block()
            .description
            .contains(PRECEDENCE));
    }
}
