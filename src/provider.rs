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

fn text(v: &Value<String>) -> Option<String> {
    v.as_ref_option().cloned()
}

fn secret(v: &Value<SensitiveString>) -> Option<Secret> {
    v.as_ref_option().map(|s| s.0.clone())
}

impl VaultBlock {
    fn input(&self) -> VaultInput {
        VaultInput {
            address: text(&self.address),
            token: secret(&self.token),
            token_file: text(&self.token_file),
            namespace: text(&self.namespace),
            ca_cert_file: text(&self.ca_cert_file),
            skip_tls_verify: self.skip_tls_verify.as_option(),
            allow_read_only_plan: self.allow_read_only_plan.as_option(),
            claims_mount: text(&self.claims_mount),
            auth_login_jwt: self.auth_login_jwt.as_ref_option().map(|b| JwtLoginInput {
                mount: text(&b.mount),
                role: text(&b.role),
                jwt: secret(&b.jwt),
                tag: text(&b.tag),
            }),
            auth_login_approle: self.auth_login_approle.as_ref_option().map(|b| {
                AppRoleLoginInput {
                    mount: text(&b.mount),
                    role_id: secret(&b.role_id),
                    secret_id: secret(&b.secret_id),
                }
            }),
        }
    }
}

/// The attributes of the block set to a value Terraform knows only at
/// apply, as paths (`vault.address`): a block whose values come from an
/// ephemeral resource opened at apply, or from a resource not created yet.
fn unknown_attributes(config: &ProviderConfig) -> Vec<String> {
    let mut found = Vec::new();
    let mut note = |path: &str, unknown: bool| {
        if unknown {
            found.push(path.to_string());
        }
    };
    note("oauthclient_id", config.oauthclient_id.is_unknown());
    note("oauthclient_secret", config.oauthclient_secret.is_unknown());
    note("aws_region", config.aws_region.is_unknown());
    note("base_url", config.base_url.is_unknown());
    note("access_token", config.access_token.is_unknown());
    note("max_retries", config.max_retries.is_unknown());
    note(
        "retry_deadline_seconds",
        config.retry_deadline_seconds.is_unknown(),
    );
    note(
        "request_timeout_seconds",
        config.request_timeout_seconds.is_unknown(),
    );
    note(
        "consistency_timeout_seconds",
        config.consistency_timeout_seconds.is_unknown(),
    );
    note(
        "oauthclient_from_vault",
        config.oauthclient_from_vault.is_unknown(),
    );
    if let Some(b) = config.oauthclient_from_vault.as_ref_option() {
        note("oauthclient_from_vault.mount", b.mount.is_unknown());
        note("oauthclient_from_vault.path", b.path.is_unknown());
        note(
            "oauthclient_from_vault.client_id_key",
            b.client_id_key.is_unknown(),
        );
        note(
            "oauthclient_from_vault.client_secret_key",
            b.client_secret_key.is_unknown(),
        );
    }
    note("vault", config.vault.is_unknown());
    if let Some(v) = config.vault.as_ref_option() {
        note("vault.address", v.address.is_unknown());
        note("vault.token", v.token.is_unknown());
        note("vault.namespace", v.namespace.is_unknown());
        note("vault.ca_cert_file", v.ca_cert_file.is_unknown());
        note("vault.skip_tls_verify", v.skip_tls_verify.is_unknown());
        note(
            "vault.allow_read_only_plan",
            v.allow_read_only_plan.is_unknown(),
        );
        note("vault.claims_mount", v.claims_mount.is_unknown());
        note("vault.token_file", v.token_file.is_unknown());
        note("vault.auth_login_jwt", v.auth_login_jwt.is_unknown());
        if let Some(j) = v.auth_login_jwt.as_ref_option() {
            note("vault.auth_login_jwt.mount", j.mount.is_unknown());
            note("vault.auth_login_jwt.role", j.role.is_unknown());
            note("vault.auth_login_jwt.jwt", j.jwt.is_unknown());
            note("vault.auth_login_jwt.tag", j.tag.is_unknown());
        }
        note(
            "vault.auth_login_approle",
            v.auth_login_approle.is_unknown(),
        );
        if let Some(a) = v.auth_login_approle.as_ref_option() {
            note("vault.auth_login_approle.mount", a.mount.is_unknown());
            note("vault.auth_login_approle.role_id", a.role_id.is_unknown());
            note(
                "vault.auth_login_approle.secret_id",
                a.secret_id.is_unknown(),
            );
        }
    }
    found
}

impl ProviderConfig {
    fn vault_input(&self) -> VaultInput {
        self.vault
            .as_ref_option()
            .map(VaultBlock::input)
            .unwrap_or_default()
    }

    fn input(self) -> ProviderInput {
        ProviderInput {
            oauthclient_id: self.oauthclient_id.as_option(),
            oauthclient_secret: self.oauthclient_secret.as_option().map(|s| s.0),
            aws_region: self.aws_region.as_option(),
            base_url: self.base_url.as_option(),
            access_token: self.access_token.as_option().map(|s| s.0),
            transport: TransportInput {
                max_retries: self.max_retries.as_option(),
                retry_deadline_seconds: self.retry_deadline_seconds.as_option(),
                request_timeout_seconds: self.request_timeout_seconds.as_option(),
            },
            consistency_timeout_seconds: self.consistency_timeout_seconds.as_option(),
            oauthclient_from_vault: self.oauthclient_from_vault.as_ref_option().map(|b| {
                FromVaultInput {
                    mount: text(&b.mount),
                    path: text(&b.path),
                    client_id_key: text(&b.client_id_key),
                    client_secret_key: text(&b.client_secret_key),
                }
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
        for e in config::genesys::check_static(&config.input()) {
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
        let unknown = unknown_attributes(&config);
        if !unknown.is_empty() {
            tracing::info!(?unknown, "provider configuration known only at apply");
            self.clients.known_at_apply(unknown);
            return Some(());
        }
        let vault_input = config.vault_input();
        let input = config.input();
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
