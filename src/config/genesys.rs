//! The Genesys Cloud side of the provider configuration: region or base URL,
//! and the credentials the provider authenticates with (attributes, then the
//! official provider's and the seed tutorial's environment variables, or an
//! entry in Vault KV); which source wins is [`super::login`]'s rule.

use crate::attribute_error::AttributeError;
use crate::genesys::{ClientSettings, Endpoints, LoginCredentials};
use crate::vault::{KvRead, VaultClient, VaultError};

use super::env::Env;
use super::genesys_input::{
    bad_base_url, unknown_region, FromVaultInput, FromVaultLocation, ProviderInput,
};
use super::retry_limits::Bounds;

/// `consistency_timeout_seconds`: how long after a create or regenerate a
/// 404, or a refused new secret, is taken for Genesys Cloud's propagation.
pub const CONSISTENCY_TIMEOUT: Bounds = Bounds {
    attribute: "consistency_timeout_seconds",
    range: 0..=600,
    default: 60,
};

/// Checks what can be checked without the environment (used by
/// `terraform validate`): region name, URL shape, numeric ranges.
pub fn check_static(input: &ProviderInput) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    if let Some(region) = &input.aws_region {
        if Endpoints::for_region(region).is_none() {
            errors.push(unknown_region(region));
        }
    }
    if let Some(url) = &input.base_url {
        if let Err(e) = Endpoints::for_base_url(url) {
            errors.push(bad_base_url(e));
        }
    }
    if let Some(from_vault) = &input.oauthclient_from_vault {
        errors.extend(check_from_vault(input, from_vault));
    }
    errors.extend(input.transport.check());
    errors.extend(CONSISTENCY_TIMEOUT.check(input.consistency_timeout_seconds));
    errors
}

/// `oauthclient_from_vault` excludes the direct credentials, and its mount
/// and path must be well formed.
fn check_from_vault(input: &ProviderInput, from_vault: &FromVaultInput) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    for (attribute, set) in [
        ("oauthclient_id", input.oauthclient_id.is_some()),
        ("oauthclient_secret", input.oauthclient_secret.is_some()),
        ("access_token", input.access_token.is_some()),
    ] {
        if set {
            errors.push(AttributeError::new(
                attribute,
                format!("{attribute} conflicts with oauthclient_from_vault"),
                format!("The provider's credentials come either from {attribute} or from Vault (oauthclient_from_vault), not both: remove one of them."),
            ));
        }
    }
    errors.extend(from_vault.location().err().unwrap_or_default());
    errors
}

/// The provider's own client credentials from Vault when
/// `oauthclient_from_vault` is set (`Ok(None)` when it is not); an error on
/// the block when Vault is not configured.
pub async fn login_from_vault_if_set(
    vault: Option<&VaultClient>,
    from_vault: Option<&FromVaultInput>,
) -> Result<Option<LoginCredentials>, AttributeError> {
    let Some(from_vault) = from_vault else {
        return Ok(None);
    };
    let Some(vault) = vault else {
        return Err(AttributeError::new(
            "oauthclient_from_vault",
            "oauthclient_from_vault needs Vault",
            "Configure Vault: vault { address } or VAULT_ADDR, and a way to authenticate.",
        ));
    };
    login_from_vault(vault, from_vault).await.map(Some)
}

/// Reads the provider's own client credentials from Vault
/// (`oauthclient_from_vault`), KV v1 or v2.
pub async fn login_from_vault(
    vault: &VaultClient,
    from_vault: &FromVaultInput,
) -> Result<LoginCredentials, AttributeError> {
    let FromVaultLocation {
        entry,
        client_id_key,
        client_secret_key,
    } = from_vault
        .location()
        .map_err(|mut errors| errors.remove(0))?;
    let read = vault.read_data(&entry).await;
    // A mount that is not there (or not KV, or a path given as a mount):
    // say so on the mount, rather than ask for a policy or an entry.
    if let Err(
        e @ (VaultError::MountUnknown { .. }
        | VaultError::NotAMount { .. }
        | VaultError::NotKv { .. }),
    ) = &read
    {
        let mount = entry.mount();
        return Err(AttributeError::new(
            "oauthclient_from_vault.mount",
            format!("No Vault mount {mount:?}"),
            match e {
                VaultError::MountUnknown { .. } => format!("oauthclient_from_vault reads {entry}, but Vault shows this token no mount {mount:?} (sys/internal/ui/mounts/{mount} was refused): the mount does not exist, or the token's policies grant nothing under it. Fix oauthclient_from_vault.mount (`vault secrets list` shows the mounts), or grant \"read\" on the entry."),
                other => format!("oauthclient_from_vault reads {entry}: {other}"),
            },
        ));
    }
    let read = read.map_err(|e| {
        AttributeError::new(
            "oauthclient_from_vault",
            "Cannot read the provider's credentials from Vault",
            e.to_string(),
        )
    })?;
    let data = match read {
        KvRead::Live(data) => data,
        KvRead::Absent => return Err(AttributeError::new(
            "oauthclient_from_vault.path",
            format!("No Vault entry at {entry}"),
            format!("oauthclient_from_vault points at {entry}, which does not exist. Write the admin client's {client_id_key} and {client_secret_key} there, or fix mount and path."),
        )),
        KvRead::Deleted { version, deletion_time } => return Err(AttributeError::new(
            "oauthclient_from_vault.path",
            format!("The latest version of Vault entry {entry} is deleted"),
            format!("Version {version} of {entry} was deleted at {deletion_time}. Undelete it (vault kv undelete -versions={version} -mount={} {}) or write the admin client's {client_id_key} and {client_secret_key} again.", entry.mount(), entry.path()),
        )),
        KvRead::Destroyed { version } => return Err(AttributeError::new(
            "oauthclient_from_vault.path",
            format!("The latest version of Vault entry {entry} is destroyed"),
            format!("Version {version} of {entry} was destroyed and cannot be recovered. Write the admin client's {client_id_key} and {client_secret_key} there again."),
        )),
    };
    let value = |key: &str, attribute: &'static str| {
        data.value(key)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                AttributeError::new(
                    attribute,
                    format!("Vault entry {entry} has no key {key:?}"),
                    format!("Set {attribute} to the key that holds the value, or add {key:?} to the entry."),
                )
            })
    };
    let client_id = value(&client_id_key, "oauthclient_from_vault.client_id_key")?;
    let client_secret = value(
        &client_secret_key,
        "oauthclient_from_vault.client_secret_key",
    )?;
    Ok(LoginCredentials::ClientCredentials {
        client_id: client_id.expose().to_string(),
        client_secret,
    })
}

/// Resolves the attributes and the environment into client settings, with
/// the warnings of [`super::login`] (the block's login or API root wins over
/// another one in the environment). `from_vault` carries the credentials
/// read by [`login_from_vault`] when `oauthclient_from_vault` is set; they
/// replace the direct ones.
pub fn resolve(
    input: &ProviderInput,
    env: Env<'_>,
    user_agent: String,
    from_vault: Option<LoginCredentials>,
) -> Result<(ClientSettings, Vec<AttributeError>), Vec<AttributeError>> {
    let mut errors = check_static(input);
    let mut warnings = Vec::new();
    let endpoints = super::login::endpoints(input, env, &mut errors, &mut warnings);
    let login_origin = from_vault.as_ref().and(from_vault_origin(input));
    let credentials = super::login::login(input, env, from_vault, &mut errors, &mut warnings);
    let (retry, request_timeout) = input.transport.resolve();

    match (endpoints, credentials) {
        (Some(endpoints), Some(credentials)) if errors.is_empty() => Ok((
            ClientSettings {
                endpoints,
                login: credentials,
                retry,
                request_timeout,
                consistency_window: std::time::Duration::from_secs(
                    CONSISTENCY_TIMEOUT
                        .pick(input.consistency_timeout_seconds)
                        .unsigned_abs(),
                ),
                user_agent,
                login_origin,
            },
            warnings,
        )),
        _ => Err(errors),
    }
}

/// `oauthclient_from_vault` and its entry, named when the token endpoint
/// refuses the credentials read there.
fn from_vault_origin(input: &ProviderInput) -> Option<String> {
    let location = input.oauthclient_from_vault.as_ref()?.location().ok()?;
    Some(format!(
        "oauthclient_from_vault (Vault entry {})",
        location.entry
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::retry_limits::TransportInput;
    use crate::secret::Secret;
    use std::collections::HashMap;
    use std::time::Duration;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_fills_what_attributes_leave_out() {
        let env = env_of(&[
            ("GENESYS_ADMIN_CLIENT_ID", "id-from-seed"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "s"),
            ("GENESYSCLOUD_REGION", "eu-west-1"),
        ]);
        let s = resolve(&ProviderInput::default(), Env::new(&env), "ua".into(), None)
            .expect("valid")
            .0;
        assert_eq!(s.endpoints.api.as_str(), "https://api.mypurecloud.ie/");
        match s.login {
            LoginCredentials::ClientCredentials { client_id, .. } => {
                assert_eq!(client_id, "id-from-seed")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(s.request_timeout, Duration::from_secs(16));
    }

    #[test]
    fn attributes_win_over_the_environment_and_base_url_over_region() {
        let env = env_of(&[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "env-id"),
            ("GENESYS_BASE_URL", "http://127.0.0.1:9"),
        ]);
        let input = ProviderInput {
            oauthclient_id: Some("attr-id".into()),
            oauthclient_secret: Some(Secret::new("s")),
            aws_region: Some("ap-south-1".into()),
            transport: TransportInput {
                max_retries: Some(2),
                ..Default::default()
            },
            ..Default::default()
        };
        let (s, warnings) = resolve(&input, Env::new(&env), "ua".into(), None).expect("valid");
        let region = Endpoints::for_region("ap-south-1").expect("a region");
        assert_eq!(s.endpoints.api, region.api);
        assert_eq!(s.retry.max_retries, 2);
        assert!(
            matches!(s.login, LoginCredentials::ClientCredentials { ref client_id, .. } if client_id == "attr-id")
        );
        let named: Vec<_> = warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(named, vec!["aws_region", "oauthclient_id"]);
        let both = ProviderInput {
            base_url: Some("http://127.0.0.1:8".into()),
            ..input
        };
        let (s, _) = resolve(&both, Env::new(&env), "ua".into(), None).expect("valid");
        assert_eq!(s.endpoints.api.as_str(), "http://127.0.0.1:8/");
    }

    #[test]
    fn problems_name_their_attribute() {
        let input = ProviderInput {
            aws_region: Some("mars-1".into()),
            base_url: Some("::nope".into()),
            transport: TransportInput {
                request_timeout_seconds: Some(0),
                ..Default::default()
            },
            ..Default::default()
        };
        let errors =
            resolve(&input, Env::new(&env_of(&[])), "ua".into(), None).expect_err("invalid");
        let attrs: Vec<_> = errors.iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec![
                "aws_region",
                "base_url",
                "request_timeout_seconds",
                "oauthclient_id",
                "oauthclient_secret"
            ]
        );
        assert!(errors[0].detail.contains("eu-central-2"));
    }

    #[test]
    fn an_access_token_needs_no_client_credentials() {
        let env = env_of(&[("GENESYSCLOUD_ACCESS_TOKEN", "tok")]);
        let s = resolve(&ProviderInput::default(), Env::new(&env), "ua".into(), None)
            .expect("valid")
            .0;
        assert!(matches!(s.login, LoginCredentials::AccessToken(_)));
        assert_eq!(s.endpoints.api.as_str(), "https://api.mypurecloud.com/");
    }

    #[tokio::test]
    async fn credentials_from_vault_need_vault_only_when_asked_for() {
        assert!(matches!(
            login_from_vault_if_set(None, None).await,
            Ok(None)
        ));
        let from_vault = FromVaultInput {
            path: Some("genesys/admin".into()),
            ..Default::default()
        };
        let e = login_from_vault_if_set(None, Some(&from_vault))
            .await
            .expect_err("no Vault");
        assert_eq!(e.attribute, "oauthclient_from_vault");
        assert!(e.detail.contains("VAULT_ADDR"), "{e:?}");
    }

    #[test]
    fn credentials_from_vault_exclude_the_direct_ones() {
        let input = ProviderInput {
            oauthclient_secret: Some(Secret::new("s")),
            oauthclient_from_vault: Some(FromVaultInput {
                path: Some("genesys//admin".into()),
                client_id_key: Some(" ".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let attrs: Vec<_> = check_static(&input).iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec![
                "oauthclient_secret",
                "oauthclient_from_vault.path",
                "oauthclient_from_vault.client_id_key"
            ]
        );
        let from_vault = LoginCredentials::ClientCredentials {
            client_id: "admin".into(),
            client_secret: Secret::new("from-vault"),
        };
        let input = ProviderInput {
            oauthclient_from_vault: Some(FromVaultInput {
                path: Some("genesys/admin".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let s = resolve(
            &input,
            Env::new(&env_of(&[])),
            "ua".into(),
            Some(from_vault),
        )
        .expect("valid")
        .0;
        assert!(
            matches!(s.login, LoginCredentials::ClientCredentials { ref client_id, .. } if client_id == "admin")
        );
        // A refusal at the token endpoint will name where they came from.
        assert_eq!(
            s.login_origin.as_deref(),
            Some("oauthclient_from_vault (Vault entry secret/genesys/admin)")
        );
        let env = env_of(&[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "id"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "s"),
        ]);
        let direct = resolve(&ProviderInput::default(), Env::new(&env), "ua".into(), None)
            .expect("valid")
            .0;
        assert_eq!(direct.login_origin, None);
    }
}
