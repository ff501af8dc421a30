//! The provider: its configuration schema, `configure`, which builds the
//! API clients every resource and data source uses, and the lists of the
//! resources, data sources and ephemeral resources it serves (a new one is
//! a folder of its own and one line here).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{
    map, Diagnostics, DynamicDataSource, DynamicEphemeralResource, DynamicResource, Provider,
};

use crate::attribute_error::AttributeError;
use crate::config::clients::Problem;
use crate::config::vault::{AppRoleLoginInput, JwtLoginInput, VaultInput};
use crate::config::{self, Env, FromVaultInput, ProviderInput, TransportInput};
use crate::oauth_client::protocol::OAuthClientResource;
use crate::oauth_client_credentials::protocol::CredentialsResource;
use crate::oauth_client_data_source::protocol::OAuthClientDataSource;
use crate::process_records::claims::Claims;
use crate::process_records::integration_credentials::IntegrationCredentials;
use crate::secret::Secret;
use crate::tf::api_clients::ApiClients;
use crate::tf::diag::{attribute_error, attribute_warning};
use crate::tf::schema::schema;
use crate::vault_secret::protocol::SinkResource;

/// The `genesyscloud` provider.
#[derive(Default)]
pub struct GenesysProvider {
    clients: Arc<ApiClients>,
    claims: Arc<Claims>,
    credentials: Arc<IntegrationCredentials>,
}

impl GenesysProvider {
    /// What to run once Terraform has stopped the plugin (`serve` returned:
    /// Terraform asks the plugin to shut down after its last call, and kills
    /// it two seconds later): revokes the Vault token the provider logged in
    /// for. A token given to the provider is left alone.
    pub fn at_exit(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let clients = self.clients.clone();
        async move { clients.close().await }
    }
}

/// A sensitive string as Terraform sends it. Deserializes straight into a
/// [`Secret`]; serializes as `***` (provider configuration is never sent back).
#[derive(Debug, Clone)]
pub struct SensitiveString(pub Secret);

impl<'de> Deserialize<'de> for SensitiveString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Secret::deserialize(d).map(SensitiveString)
    }
}

impl Serialize for SensitiveString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// Provider block attributes.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    oauthclient_id: Value<String>,
    oauthclient_secret: Value<SensitiveString>,
    aws_region: Value<String>,
    base_url: Value<String>,
    access_token: Value<SensitiveString>,
    max_retries: Value<i64>,
    retry_deadline_seconds: Value<i64>,
    request_timeout_seconds: Value<i64>,
    consistency_timeout_seconds: Value<i64>,
    #[serde(with = "tf_provider::value::serde_as_vec")]
    vault: Value<VaultBlock>,
    #[serde(with = "tf_provider::value::serde_as_vec")]
    oauthclient_from_vault: Value<FromVaultBlock>,
}

/// The provider's `oauthclient_from_vault { … }` block.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FromVaultBlock {
    mount: Value<String>,
    path: Value<String>,
    client_id_key: Value<String>,
    client_secret_key: Value<String>,
}

/// `vault { auth_login_jwt { … } }`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct JwtLoginBlock {
    mount: Value<String>,
    role: Value<String>,
    jwt: Value<SensitiveString>,
    tag: Value<String>,
}

/// `vault { auth_login_approle { … } }`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AppRoleLoginBlock {
    mount: Value<String>,
    role_id: Value<SensitiveString>,
    secret_id: Value<SensitiveString>,
}

/// The provider's `vault { … }` block.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VaultBlock {
    address: Value<String>,
    token: Value<SensitiveString>,
    namespace: Value<String>,
    ca_cert_file: Value<String>,
    skip_tls_verify: Value<bool>,
    allow_read_only_plan: Value<bool>,
    claims_mount: Value<String>,
    token_file: Value<String>,
    #[serde(with = "tf_provider::value::serde_as_vec")]
    auth_login_jwt: Value<JwtLoginBlock>,
    #[serde(with = "tf_provider::value::serde_as_vec")]
    auth_login_approle: Value<AppRoleLoginBlock>,
}

/// Reads the block's values into the plain inputs of `config`, noting each
/// attribute whose value Terraform knows only at apply (as a path,
/// `vault.address`): such a value reads as unset here, and `configure` must
/// not let the environment fill it in.
#[derive(Default)]
struct Reader {
    unknown: Vec<String>,
}

impl Reader {
    /// A value, or a nested block, when known and set.
    fn value<'v, T>(&mut self, path: &str, v: &'v Value<T>) -> Option<&'v T> {
        if v.is_unknown() {
            self.unknown.push(path.to_string());
        }
        v.as_ref_option()
    }

    fn text(&mut self, path: &str, v: &Value<String>) -> Option<String> {
        self.value(path, v).cloned()
    }

    fn secret(&mut self, path: &str, v: &Value<SensitiveString>) -> Option<Secret> {
        self.value(path, v).map(|s| s.0.clone())
    }

    fn copied<T: Copy>(&mut self, path: &str, v: &Value<T>) -> Option<T> {
        self.value(path, v).copied()
    }
}

impl VaultBlock {
    fn input(&self, r: &mut Reader) -> VaultInput {
        VaultInput {
            address: r.text("vault.address", &self.address),
            token: r.secret("vault.token", &self.token),
            token_file: r.text("vault.token_file", &self.token_file),
            namespace: r.text("vault.namespace", &self.namespace),
            ca_cert_file: r.text("vault.ca_cert_file", &self.ca_cert_file),
            skip_tls_verify: r.copied("vault.skip_tls_verify", &self.skip_tls_verify),
            allow_read_only_plan: r
                .copied("vault.allow_read_only_plan", &self.allow_read_only_plan),
            claims_mount: r.text("vault.claims_mount", &self.claims_mount),
            auth_login_jwt: r
                .value("vault.auth_login_jwt", &self.auth_login_jwt)
                .map(|b| JwtLoginInput {
                    mount: r.text("vault.auth_login_jwt.mount", &b.mount),
                    role: r.text("vault.auth_login_jwt.role", &b.role),
                    jwt: r.secret("vault.auth_login_jwt.jwt", &b.jwt),
                    tag: r.text("vault.auth_login_jwt.tag", &b.tag),
                }),
            auth_login_approle: r
                .value("vault.auth_login_approle", &self.auth_login_approle)
                .map(|b| AppRoleLoginInput {
                    mount: r.text("vault.auth_login_approle.mount", &b.mount),
                    role_id: r.secret("vault.auth_login_approle.role_id", &b.role_id),
                    secret_id: r.secret("vault.auth_login_approle.secret_id", &b.secret_id),
                }),
        }
    }
}

impl ProviderConfig {
    fn vault_input(&self, r: &mut Reader) -> VaultInput {
        r.value("vault", &self.vault)
            .map(|b| b.input(r))
            .unwrap_or_default()
    }

    fn input(&self, r: &mut Reader) -> ProviderInput {
        ProviderInput {
            oauthclient_id: r.text("oauthclient_id", &self.oauthclient_id),
            oauthclient_secret: r.secret("oauthclient_secret", &self.oauthclient_secret),
            aws_region: r.text("aws_region", &self.aws_region),
            base_url: r.text("base_url", &self.base_url),
            access_token: r.secret("access_token", &self.access_token),
            transport: TransportInput {
                max_retries: r.copied("max_retries", &self.max_retries),
                retry_deadline_seconds: r
                    .copied("retry_deadline_seconds", &self.retry_deadline_seconds),
                request_timeout_seconds: r
                    .copied("request_timeout_seconds", &self.request_timeout_seconds),
            },
            consistency_timeout_seconds: r.copied(
                "consistency_timeout_seconds",
                &self.consistency_timeout_seconds,
            ),
            oauthclient_from_vault: r
                .value("oauthclient_from_vault", &self.oauthclient_from_vault)
                .map(|b| FromVaultInput {
                    mount: r.text("oauthclient_from_vault.mount", &b.mount),
                    path: r.text("oauthclient_from_vault.path", &b.path),
                    client_id_key: r.text("oauthclient_from_vault.client_id_key", &b.client_id_key),
                    client_secret_key: r.text(
                        "oauthclient_from_vault.client_secret_key",
                        &b.client_secret_key,
                    ),
                }),
        }
    }
}

/// Says what building the clients had to say.
fn say(diags: &mut Diagnostics, warnings: Vec<AttributeError>, problems: Vec<Problem>) {
    for w in warnings {
        attribute_warning(diags, w);
    }
    for p in problems {
        match p {
            Problem::Attribute(e) => attribute_error(diags, e),
            Problem::Setup(summary, detail) => diags.root_error(summary, detail),
        }
    }
}

#[async_trait]
impl Provider for GenesysProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(&crate::config::schema::block()))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        for e in config::genesys::check_static(&config.input(&mut Reader::default())) {
            attribute_error(diags, e);
        }
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        // A value known only at apply still wins over the environment: the
        // clients are not built from what the environment would put in its
        // place, and whatever needs them at plan says why it cannot run.
        let mut read = Reader::default();
        let vault_input = config.vault_input(&mut read);
        let input = config.input(&mut read);
        if !read.unknown.is_empty() {
            tracing::info!(unknown = ?read.unknown, "provider configuration known only at apply");
            self.clients.known_at_apply(read.unknown);
            return Some(());
        }
        let built =
            config::clients::build(&vault_input, &input, Env::process(), crate::user_agent()).await;
        say(diags, built.warnings, built.problems);
        let (genesys, vault) = built.clients?;
        tracing::info!(
            version = crate::VERSION,
            terraform_version,
            api = %genesys.endpoints().api,
            vault = ?vault,
            "provider configured"
        );
        self.clients.set(genesys, vault);
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(map! {
            "oauth_client" => OAuthClientResource::new(self.clients.clone(), self.credentials.clone()),
            "oauth_client_vault_secret" => SinkResource::new(self.clients.clone(), self.claims.clone(), self.credentials.clone()),
        })
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(map! {
            "oauth_client" => OAuthClientDataSource::new(self.clients.clone()),
        })
    }

    fn get_ephemeral_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicEphemeralResource>>> {
        Some(map! {
            "oauth_client_credentials" => CredentialsResource::new(self.clients.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_known_only_at_apply_are_noted_as_they_are_read() {
        let config = ProviderConfig {
            oauthclient_id: Value::Unknown,
            oauthclient_secret: Value::Value(SensitiveString(Secret::new("s".to_string()))),
            vault: Value::Value(VaultBlock {
                address: Value::Unknown,
                auth_login_jwt: Value::Value(JwtLoginBlock {
                    jwt: Value::Unknown,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            oauthclient_from_vault: Value::Unknown,
            ..Default::default()
        };
        let mut read = Reader::default();
        let vault = config.vault_input(&mut read);
        let input = config.input(&mut read);
        assert_eq!(
            read.unknown,
            [
                "vault.address",
                "vault.auth_login_jwt.jwt",
                "oauthclient_id",
                "oauthclient_from_vault"
            ]
        );
        // Read as unset, which configure must not let the environment fill.
        assert_eq!((vault.address, input.oauthclient_id), (None, None));
        assert!(input.oauthclient_secret.is_some());

        let mut known = Reader::default();
        ProviderConfig::default().input(&mut known);
        assert!(known.unknown.is_empty());
    }
}
