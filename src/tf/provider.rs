//! The provider: its configuration schema, and `configure`, which builds the
//! API clients every resource and data source uses.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{
    Attribute, AttributeConstraint::Optional, AttributeType, Block, Description, NestedBlock,
    Schema,
};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{map, Diagnostics, DynamicDataSource, DynamicResource, Provider};

use super::api_clients::ApiClients;
use super::diag::{attribute_error, attribute_warning};
use super::oauth_client::OAuthClientResource;
use super::oauth_client_data::OAuthClientDataSource;
use super::schema::{attr, sensitive};
use super::sink::SinkResource;
use crate::attribute_error::AttributeError;
use crate::config::clients::Problem;
use crate::config::vault::{AppRoleLoginInput, JwtLoginInput, VaultInput};
use crate::config::{self, env, Env, FromVaultInput, ProviderInput, TransportInput};
use crate::genesys::region::DEFAULT_REGION;
use crate::registry::claims::Claims;
use crate::registry::integration_credentials::IntegrationCredentials;
use crate::secret::Secret;

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

/// The provider block's attributes outside the nested blocks. Ranges,
/// defaults and environment variables come from `config`, where the checks
/// use them.
fn provider_attributes() -> HashMap<String, Attribute> {
    use config::genesys::{
        CONSISTENCY_TIMEOUT, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
        ENV_REGION,
    };
    use config::transport::{MAX_RETRIES, REQUEST_TIMEOUT, RETRY_DEADLINE};
    use AttributeType::{Number, String};
    map! {
        "oauthclient_id" => attr(String, Optional, &format!("Client id of the OAuth client (client-credentials grant) the provider authenticates with. {}", env::sentence(ENV_CLIENT_ID))),
        "oauthclient_secret" => sensitive(String, Optional, &format!("Secret of that OAuth client. {}", env::sentence(ENV_CLIENT_SECRET))),
        "aws_region" => attr(String, Optional, &format!("Genesys Cloud region, e.g. `us-east-1`, `eu-west-1`, `ap-southeast-2`. {} Default `{DEFAULT_REGION}`.", env::sentence(ENV_REGION))),
        "base_url" => attr(String, Optional, &format!("API root URL, overriding the region (the login host is derived by replacing `api.` with `login.`). {}", env::sentence(ENV_BASE_URL))),
        "access_token" => sensitive(String, Optional, &format!("A ready access token to use instead of client credentials (it is not refreshed). {}", env::sentence(ENV_ACCESS_TOKEN))),
        "max_retries" => attr(Number, Optional, &format!("Retries of one API call after throttling (429), server errors (5xx) or lost connections. {}", MAX_RETRIES.sentence())),
        "retry_deadline_seconds" => attr(Number, Optional, &format!("No retry of an API call starts later than this many seconds after its first attempt. {}", RETRY_DEADLINE.sentence())),
        "request_timeout_seconds" => attr(Number, Optional, &format!("Timeout of one HTTP attempt in seconds. {}", REQUEST_TIMEOUT.sentence())),
        "consistency_timeout_seconds" => attr(Number, Optional, &format!("Genesys Cloud is eventually consistent: for a few seconds after a client is created it may answer 404 for it, and a new secret may be refused at the token endpoint. For this many seconds after the provider creates a client or regenerates its secret, such answers are waited out (with backoff) instead of failing; after it, a 404 means the client is gone. {}", CONSISTENCY_TIMEOUT.sentence())),
    }
}

/// `vault { … }`, with its login blocks.
fn vault_block() -> Block {
    use config::vault::{
        auth_order_markdown, DEFAULT_APPROLE_MOUNT, DEFAULT_JWT_MOUNT, ENV_ADDRESS, ENV_CA_CERT,
        ENV_JWT, ENV_NAMESPACE, ENV_ROLE_ID, ENV_SECRET_ID, ENV_SKIP_VERIFY, ENV_TOKEN,
        ENV_TOKEN_FILE,
    };
    use tf_provider::schema::AttributeConstraint::Required;
    Block {
        version: 0,
        description: Description::markdown(format!("The Vault (or OpenBao) the secret sinks write to and `oauthclient_from_vault` reads from, and how the provider authenticates to it. Attributes fall back to Vault's standard environment variables; an empty block (or none) works with `VAULT_ADDR` and `VAULT_TOKEN`, as HCP Terraform's dynamic credentials set them. {}", auth_order_markdown())),
        attributes: map! {
            "address" => attr(AttributeType::String, Optional, &format!("Vault address, e.g. `https://vault.example.com:8200`. {}", env::sentence(ENV_ADDRESS))),
            "token" => sensitive(AttributeType::String, Optional, &format!("Vault token. Environment: `{ENV_TOKEN}`, else the file `~/.vault-token`.")),
            "namespace" => attr(AttributeType::String, Optional, &format!("Vault Enterprise / HCP Vault namespace, sent as `X-Vault-Namespace`. {}", env::sentence(ENV_NAMESPACE))),
            "ca_cert_file" => attr(AttributeType::String, Optional, &format!("PEM file of the CA that signed Vault's certificate. {}", env::sentence(ENV_CA_CERT))),
            "skip_tls_verify" => attr(AttributeType::Bool, Optional, &format!("Do not verify Vault's TLS certificate (testing only; the provider warns). {}", env::sentence(ENV_SKIP_VERIFY))),
            "token_file" => attr(AttributeType::String, Optional, &format!("File holding a Vault token, read at configuration: HCP Terraform's dynamic credentials for several configurations write one (`var.tfc_vault_dynamic_credentials.default.token_filename`). Environment: `{ENV_TOKEN_FILE}` (after `{ENV_TOKEN}`).")),
        },
        blocks: map! {
            "auth_login_jwt" => NestedBlock::Optional(Block {
                version: 0,
                description: Description::markdown("Log in with a JWT (`POST /v1/auth/<mount>/login`), e.g. HCP Terraform's workload identity token. The token obtained is renewed while the provider runs, obtained again only when renewal cannot cover an operation, and revoked when it is replaced and when the provider exits."),
                attributes: map! {
                    "mount" => attr(AttributeType::String, Optional, &format!("Path of the JWT auth method. Default `{DEFAULT_JWT_MOUNT}`.")),
                    "role" => attr(AttributeType::String, Required, "Vault role to log in as."),
                    "jwt" => sensitive(AttributeType::String, Optional, &format!("The JWT. Environment: `{ENV_JWT}`, or `{ENV_JWT}_<TAG>` when `tag` is set.")),
                    "tag" => attr(AttributeType::String, Optional, &format!("Tag of an HCP Terraform workload identity token (`TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>`): the JWT is then read from `{ENV_JWT}_<TAG>`.")),
                },
                blocks: Default::default(),
                deprecated: false,
            }),
            "auth_login_approle" => NestedBlock::Optional(Block {
                version: 0,
                description: Description::markdown("Log in with AppRole (`POST /v1/auth/<mount>/login`). The token obtained is renewed while the provider runs, obtained again only when renewal cannot cover an operation, and revoked when it is replaced and when the provider exits."),
                attributes: map! {
                    "mount" => attr(AttributeType::String, Optional, &format!("Path of the AppRole auth method. Default `{DEFAULT_APPROLE_MOUNT}`.")),
                    "role_id" => sensitive(AttributeType::String, Optional, &format!("Role ID of the AppRole (`vault read auth/<mount>/role/<role>/role-id`). {}", env::sentence(ENV_ROLE_ID))),
                    "secret_id" => sensitive(AttributeType::String, Optional, &format!("A secret ID of that role (`vault write -f auth/<mount>/role/<role>/secret-id`); secret IDs may expire or be limited in uses. {}", env::sentence(ENV_SECRET_ID))),
                },
                blocks: Default::default(),
                deprecated: false,
            }),
        },
        deprecated: false,
    }
}

/// `oauthclient_from_vault { … }`.
fn from_vault_block() -> Block {
    use config::genesys::{
        DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY, DEFAULT_FROM_VAULT_MOUNT,
    };
    use tf_provider::schema::AttributeConstraint::Required;
    Block {
        version: 0,
        description: Description::markdown("Read the provider's own client credentials from a Vault KV entry (v1 or v2) at configuration, instead of `oauthclient_id`/`oauthclient_secret`: a Terraform Cloud workspace then needs only Vault access. Needs the `vault` block (or `VAULT_ADDR`)."),
        attributes: map! {
            "mount" => attr(AttributeType::String, Optional, &format!("KV mount. Default `{DEFAULT_FROM_VAULT_MOUNT}`.")),
            "path" => attr(AttributeType::String, Required, "Entry path within the mount, e.g. `genesys/oauth/terraform-admin`."),
            "client_id_key" => attr(AttributeType::String, Optional, &format!("Key holding the client id. Default `{DEFAULT_CLIENT_ID_KEY}` (as a secret sink writes it).")),
            "client_secret_key" => attr(AttributeType::String, Optional, &format!("Key holding the client secret. Default `{DEFAULT_CLIENT_SECRET_KEY}`.")),
        },
        blocks: Default::default(),
        deprecated: false,
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
        Some(Schema {
            version: 0,
            block: Block {
                version: 0,
                description: Description::markdown(
                    "Manages Genesys Cloud OAuth clients and keeps their secrets in HashiCorp Vault, never in Terraform state.",
                ),
                attributes: provider_attributes(),
                blocks: map! {
                    "vault" => NestedBlock::Optional(vault_block()),
                    "oauthclient_from_vault" => NestedBlock::Optional(from_vault_block()),
                },
                deprecated: false,
            },
        })
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
}
