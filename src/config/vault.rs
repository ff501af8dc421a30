//! The `vault { … }` block: where Vault is, how the provider authenticates
//! to it (the first method set in the block, else the environment), and
//! which CAs it trusts. Every problem names the attribute to fix.

use std::time::Duration;

use crate::attribute_error::AttributeError;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::vault::{VaultAuth, VaultSettings};

use super::env::{sentence, unused_from_environment, Env};
use crate::schema::Kind::{Bool, Str};
use crate::schema::Presence::{Optional, Required};
use crate::schema::{Block, Entry, Nesting};

/// The provider's `vault { … }` block as written.
#[derive(Debug, Default, Clone)]
pub struct VaultInput {
    /// `address`.
    pub address: Option<String>,
    /// `token`.
    pub token: Option<Secret>,
    /// `token_file`.
    pub token_file: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `ca_cert_file`.
    pub ca_cert_file: Option<String>,
    /// `skip_tls_verify`.
    pub skip_tls_verify: Option<bool>,
    /// `allow_read_only_plan`.
    pub allow_read_only_plan: Option<bool>,
    /// `claims_mount`.
    pub claims_mount: Option<String>,
    /// `auth_login_jwt { … }`.
    pub auth_login_jwt: Option<JwtLoginInput>,
    /// `auth_login_approle { … }`.
    pub auth_login_approle: Option<AppRoleLoginInput>,
}

/// `auth_login_jwt.mount` when not set.
pub const DEFAULT_JWT_MOUNT: &str = "jwt";
/// `auth_login_approle.mount` when not set.
pub const DEFAULT_APPROLE_MOUNT: &str = "approle";

/// Variables `address` falls back to, in order (`VAULT_ADDRESS`: the seed
/// tutorial's spelling).
pub const ENV_ADDRESS: &[&str] = &["VAULT_ADDR", "VAULT_ADDRESS"];
/// Variable `namespace` falls back to.
pub const ENV_NAMESPACE: &[&str] = &["VAULT_NAMESPACE"];
/// Variable `ca_cert_file` falls back to.
pub const ENV_CA_CERT: &[&str] = &["VAULT_CACERT"];
/// Variable `skip_tls_verify` falls back to.
pub const ENV_SKIP_VERIFY: &[&str] = &["VAULT_SKIP_VERIFY"];
/// Variable the token falls back to when the block sets no login method.
pub const ENV_TOKEN: &str = "VAULT_TOKEN";
/// Variable naming a token file, tried after [`ENV_TOKEN`].
pub const ENV_TOKEN_FILE: &str = "GENESYSCLOUD_VAULT_TOKEN_FILE";
/// Variable `auth_login_jwt.jwt` falls back to (`…_<TAG>` with a `tag`).
pub const ENV_JWT: &str = "TFC_WORKLOAD_IDENTITY_TOKEN";
/// Variable `auth_login_approle.role_id` falls back to.
pub const ENV_ROLE_ID: &[&str] = &["GENESYSCLOUD_VAULT_ROLE_ID"];
/// Variable `auth_login_approle.secret_id` falls back to.
pub const ENV_SECRET_ID: &[&str] = &["GENESYSCLOUD_VAULT_SECRET_ID"];

/// `vault { auth_login_jwt { … } }` as written.
#[derive(Debug, Default, Clone)]
pub struct JwtLoginInput {
    /// Auth mount (default `jwt`).
    pub mount: Option<String>,
    /// Vault role.
    pub role: Option<String>,
    /// The JWT; else `TFC_WORKLOAD_IDENTITY_TOKEN[_<TAG>]`.
    pub jwt: Option<Secret>,
    /// Tag of HCP Terraform's `TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>`.
    pub tag: Option<String>,
}

/// `vault { auth_login_approle { … } }` as written.
#[derive(Debug, Default, Clone)]
pub struct AppRoleLoginInput {
    /// Auth mount (default `approle`).
    pub mount: Option<String>,
    /// Role ID; else `GENESYSCLOUD_VAULT_ROLE_ID`.
    pub role_id: Option<Secret>,
    /// Secret ID; else `GENESYSCLOUD_VAULT_SECRET_ID`.
    pub secret_id: Option<Secret>,
}

/// Vault settings, and the warnings the configuration deserves.
#[derive(Debug)]
pub struct ResolvedVault {
    /// What the Vault client is built from.
    pub settings: VaultSettings,
    /// Not errors, but worth the user's attention (shown as warnings).
    pub warnings: Vec<AttributeError>,
}

/// One way the `vault` block can say how to get a token. Its place in
/// [`AUTH_METHODS`] is its place in the order: the first one set wins, and
/// each later one set gets a warning.
pub struct AuthMethod {
    /// Its attribute, or its block's path (`vault.auth_login_jwt`).
    pub attribute: &'static str,
    /// What it adds to the `vault` block's schema.
    schema: fn() -> AuthSchema,
    /// Whether the block sets it.
    set: fn(&VaultInput) -> bool,
    /// How it gets the token (or what is missing, on its attribute).
    login: fn(&VaultInput, Env<'_>) -> Result<VaultAuth, AttributeError>,
}

impl AuthMethod {
    /// Its name within the block (`token_file`).
    pub fn name(&self) -> &'static str {
        self.attribute
            .strip_prefix("vault.")
            .unwrap_or(self.attribute)
    }

    /// Whether it is a nested block (`auth_login_jwt { … }`) rather than
    /// an attribute.
    pub fn is_block(&self) -> bool {
        matches!((self.schema)(), AuthSchema::Block(_))
    }
}

/// A login method's part of the `vault` block's schema.
pub enum AuthSchema {
    /// An attribute (named as the method).
    Attribute(Entry),
    /// A nested block, at most one, named as the method.
    Block(Block),
}

/// The block's methods, in the order they are tried. A new method is one
/// entry here (with its input in [`VaultInput`] and its `VaultAuth`); the
/// order, the warnings, the error texts, its part of the schema and the
/// schema's sentence follow.
pub const AUTH_METHODS: &[AuthMethod] = &[
    AuthMethod {
        attribute: "vault.token",
        schema: token_entry,
        set: |input| input.token.as_ref().is_some_and(|t| !t.is_empty()),
        login: |input, _| {
            Ok(VaultAuth::Token {
                token: input.token.clone().unwrap_or_else(|| Secret::new("")),
                source: "vault.token".into(),
            })
        },
    },
    AuthMethod {
        attribute: "vault.token_file",
        schema: token_file_entry,
        set: |input| input.token_file.is_some(),
        login: |input, _| {
            token_from_file(
                input.token_file.as_deref().unwrap_or_default(),
                "vault.token_file",
            )
        },
    },
    AuthMethod {
        attribute: "vault.auth_login_jwt",
        schema: jwt_login_block,
        set: |input| input.auth_login_jwt.is_some(),
        login: |input, env| jwt_login(input.auth_login_jwt.as_ref(), env),
    },
    AuthMethod {
        attribute: "vault.auth_login_approle",
        schema: approle_login_block,
        set: |input| input.auth_login_approle.is_some(),
        login: |input, env| approle_login(input.auth_login_approle.as_ref(), env),
    },
];

/// The `vault` block's schema: its own attributes, then each of
/// [`AUTH_METHODS`]' part, in their order.
pub fn vault_block() -> Block {
    let mut block = Block::new(
        format!("The Vault (or OpenBao) the secret sinks write to and `oauthclient_from_vault` reads from, and how the provider authenticates to it. Attributes fall back to Vault's standard environment variables; an empty block (or none) works with `VAULT_ADDR` and `VAULT_TOKEN`, as HCP Terraform's dynamic credentials set them. {}", auth_order_markdown()),
        vec![
            Entry::new("address", Str, Optional, format!("Vault address, e.g. `https://vault.example.com:8200`. {}", sentence(ENV_ADDRESS))),
            Entry::new("namespace", Str, Optional, format!("Vault Enterprise / HCP Vault namespace, sent as `X-Vault-Namespace`. {}", sentence(ENV_NAMESPACE))),
            Entry::new("ca_cert_file", Str, Optional, format!("PEM file of the CA that signed Vault's certificate. {}", sentence(ENV_CA_CERT))),
            Entry::new("skip_tls_verify", Bool, Optional, format!("Do not verify Vault's TLS certificate (testing only; the provider warns). {}", sentence(ENV_SKIP_VERIFY))),
            Entry::new("allow_read_only_plan", Bool, Optional, "Let a plan go on, with a warning, when the token may not write a sink's entry, instead of refusing it: for HCP Terraform with a read-only plan role (`TFC_VAULT_PLAN_ROLE`). The apply asks again with its own token before it regenerates a secret anyone may hold, and stops there, the old secret still working, when that token may not write either. Default `false`: the plan refuses.".to_string()),
            Entry::new("claims_mount", Str, Optional, format!("KV v2 mount holding the clients' claims, one per OAuth client at `{}/<client id>`: the record, seen by every Terraform state writing to this Vault, of which sink keeps each client, so that a second sink for the same client in another state is refused at plan. Default: each sink's own mount. A KV v1 mount keeps no claim (it has no check-and-set). See the guide \"Consuming the secret from Vault\".", crate::vault::claims::CLAIMS_FOLDER)),
        ],
    );
    for method in AUTH_METHODS {
        match (method.schema)() {
            AuthSchema::Attribute(entry) => block.attributes.push(entry),
            AuthSchema::Block(login) => block = block.nest(method.name(), Nesting::Optional, login),
        }
    }
    block
}

/// `claims_mount`, checked as a mount; `None` when not set.
fn claims_mount(input: &VaultInput) -> Result<Option<String>, AttributeError> {
    let Some(mount) = input.claims_mount.as_deref() else {
        return Ok(None);
    };
    crate::vault::KvPath::check("vault.claims_mount", mount)?;
    Ok(Some(mount.to_string()))
}

/// `vault { token = … }`.
fn token_entry() -> AuthSchema {
    AuthSchema::Attribute(
        Entry::new(
            "token",
            Str,
            Optional,
            format!("Vault token. Environment: `{ENV_TOKEN}`, else the file `~/.vault-token`."),
        )
        .sensitive(),
    )
}

/// `vault { token_file = … }`.
fn token_file_entry() -> AuthSchema {
    AuthSchema::Attribute(Entry::new("token_file", Str, Optional, format!("File holding a Vault token, read at configuration: HCP Terraform's dynamic credentials for several configurations write one (`var.tfc_vault_dynamic_credentials.default.token_filename`). Environment: `{ENV_TOKEN_FILE}` (after `{ENV_TOKEN}`).")))
}

/// What both login blocks say of the token they obtain.
const LOGIN_TOKEN: &str = "The token obtained is renewed while the provider runs, obtained again only when renewal cannot cover an operation, and revoked when it is replaced and when the provider exits.";

/// `vault { auth_login_jwt { … } }`.
fn jwt_login_block() -> AuthSchema {
    AuthSchema::Block(Block::new(
        format!("Log in with a JWT (`POST /v1/auth/<mount>/login`), e.g. HCP Terraform's workload identity token. {LOGIN_TOKEN}"),
        vec![
            Entry::new("mount", Str, Optional, format!("Path of the JWT auth method. Default `{DEFAULT_JWT_MOUNT}`.")),
            Entry::new("role", Str, Required, "Vault role to log in as."),
            Entry::new("jwt", Str, Optional, format!("The JWT. Environment: `{ENV_JWT}`, or `{ENV_JWT}_<TAG>` when `tag` is set.")).sensitive(),
            Entry::new("tag", Str, Optional, format!("Tag of an HCP Terraform workload identity token (`TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>`): the JWT is then read from `{ENV_JWT}_<TAG>`.")),
        ],
    ))
}

/// `vault { auth_login_approle { … } }`.
fn approle_login_block() -> AuthSchema {
    AuthSchema::Block(Block::new(
        format!("Log in with AppRole (`POST /v1/auth/<mount>/login`). {LOGIN_TOKEN}"),
        vec![
            Entry::new("mount", Str, Optional, format!("Path of the AppRole auth method. Default `{DEFAULT_APPROLE_MOUNT}`.")),
            Entry::new("role_id", Str, Optional, format!("Role ID of the AppRole (`vault read auth/<mount>/role/<role>/role-id`). {}", sentence(ENV_ROLE_ID))).sensitive(),
            Entry::new("secret_id", Str, Optional, format!("A secret ID of that role (`vault write -f auth/<mount>/role/<role>/secret-id`); secret IDs may expire or be limited in uses. {}", sentence(ENV_SECRET_ID))).sensitive(),
        ],
    ))
}

/// Where the token comes from when the block sets no method, in order.
struct Fallback {
    /// The variable or file, as messages name it.
    name: &'static str,
    /// The token; `None` when this source has none.
    token: fn(Env<'_>) -> Option<Result<VaultAuth, AttributeError>>,
}

const FALLBACKS: &[Fallback] = &[
    Fallback {
        name: ENV_TOKEN,
        token: |env| {
            env.var(ENV_TOKEN).map(|token| {
                Ok(VaultAuth::Token {
                    token: Secret::new(token),
                    source: ENV_TOKEN.into(),
                })
            })
        },
    },
    Fallback {
        name: ENV_TOKEN_FILE,
        token: |env| {
            env.var(ENV_TOKEN_FILE)
                .map(|file| token_from_file(&file, "vault.token_file"))
        },
    },
    Fallback {
        name: "~/.vault-token",
        // A missing or empty ~/.vault-token is not an error: it is simply
        // not there.
        token: |env| {
            let file = std::path::Path::new(&env.var("HOME")?).join(".vault-token");
            token_from_file(&file.to_string_lossy(), "vault.token")
                .ok()
                .map(Ok)
        },
    },
];

/// The ways to authenticate, in order, for messages: `vault.token,
/// vault.token_file, an auth_login_jwt block, …, VAULT_TOKEN, … or
/// ~/.vault-token`.
pub fn auth_choices() -> String {
    let mut choices: Vec<String> = AUTH_METHODS
        .iter()
        .map(|m| match m.is_block() {
            true => format!("an {} block", m.name()),
            false => m.attribute.to_string(),
        })
        .collect();
    choices.extend(FALLBACKS.iter().map(|f| f.name.to_string()));
    let last = choices.pop().unwrap_or_default();
    format!("{} or {last}", choices.join(", "))
}

/// The order, as the schema's description says it (Markdown).
pub fn auth_order_markdown() -> String {
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "The provider gets its token from the first of {} set in this block (a later one set is ignored, with a warning), else from {}, in that order.",
        quoted(AUTH_METHODS.iter().map(AuthMethod::name).collect()),
        quoted(FALLBACKS.iter().map(|f| f.name).collect()),
    )
}

/// Resolves the Vault settings: block attributes, then `VAULT_ADDR` (or the
/// seed tutorial's `VAULT_ADDRESS`), `VAULT_NAMESPACE`, `VAULT_CACERT`,
/// `TFC_VAULT_ENCODED_CACERT`, `VAULT_SKIP_VERIFY` (and `HOME`, for
/// `~/.vault-token`). `Ok(None)` when no
/// address is configured anywhere: Vault is then unavailable, which only
/// matters to the secret sinks and `oauthclient_from_vault`.
///
/// The token: the first of [`AUTH_METHODS`] set in the block, else the
/// first of the fallbacks (`VAULT_TOKEN`, the file named by
/// `GENESYSCLOUD_VAULT_TOKEN_FILE`, `~/.vault-token`) that has one.
pub fn resolve_vault(
    input: &VaultInput,
    env: Env<'_>,
    retry: RetryPolicy,
    request_timeout: Duration,
    user_agent: String,
) -> Result<Option<ResolvedVault>, Vec<AttributeError>> {
    let Some(address) = input.address.clone().or_else(|| env.first(ENV_ADDRESS)) else {
        return Ok(None);
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if let (Some(own), Some((name, other))) = (&input.address, env.first_named(ENV_ADDRESS)) {
        if own.trim().trim_end_matches('/') != other.trim().trim_end_matches('/') {
            warnings.push(unused_from_environment(
                "vault.address",
                format!("{name} is not used"),
                &format!(
                    "The provider talks to Vault at {} (vault.address in the provider block)",
                    shown(own)
                ),
                &format!("another address, {name} = {}", shown(&other)),
                "If the environment's is the one meant, remove vault.address from the block.",
            ));
        }
    }
    let address = checked_address(&address, &mut warnings)
        .map_err(|e| errors.push(e))
        .ok();
    let auth = match resolve_auth(input, env) {
        Ok((auth, shadowed)) => {
            warnings.extend(shadowed);
            Some(auth)
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let ca_cert_pem = ca_certificates(input, env)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let claims_mount = claims_mount(input)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let skip_tls_verify = skip_tls_verify(input, env);
    if skip_tls_verify {
        warnings.push(AttributeError {
            attribute: "vault.skip_tls_verify",
            summary: "Vault TLS verification is OFF".into(),
            detail: "skip_tls_verify (or VAULT_SKIP_VERIFY) is set: anyone on the network path can impersonate Vault and read the token and every secret written. Use ca_cert_file (or VAULT_CACERT, TFC_VAULT_ENCODED_CACERT) instead.".into(),
        });
    }
    let namespace = input
        .namespace
        .clone()
        .or_else(|| env.first(ENV_NAMESPACE))
        .filter(|n| !n.trim().is_empty());
    match (address, auth) {
        (Some(address), Some(auth)) if errors.is_empty() => Ok(Some(ResolvedVault {
            settings: VaultSettings {
                address,
                auth,
                namespace,
                ca_cert_pem,
                skip_tls_verify,
                read_only_plan: input.allow_read_only_plan.unwrap_or(false),
                claims_mount,
                retry,
                request_timeout,
                user_agent,
            },
            warnings,
        })),
        _ => Err(errors),
    }
}

/// An address as a message shows it: without any user or password in it.
fn shown(address: &str) -> String {
    match url::Url::parse(address.trim()) {
        Ok(u) => crate::http::without_credentials(&u),
        Err(_) => format!("{:?} (not a URL)", address.trim()),
    }
}

/// The address as a URL, with a warning when secrets would travel over
/// plain http beyond this machine.
fn checked_address(
    address: &str,
    warnings: &mut Vec<AttributeError>,
) -> Result<url::Url, AttributeError> {
    match url::Url::parse(address.trim()) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {
            if u.scheme() == "http" && !is_loopback(&u) {
                warnings.push(AttributeError {
                    attribute: "vault.address",
                    summary: "Vault is reached over plain http".into(),
                    detail: format!("{} is not a loopback address: the Vault token and every secret written travel unencrypted. Use https.", crate::http::without_credentials(&u)),
                });
            }
            Ok(u)
        }
        _ => Err(AttributeError {
            attribute: "vault.address",
            summary: "Invalid Vault address".into(),
            detail: format!("{address:?} is not an http(s) URL, e.g. https://vault.example.com:8200 (from vault.address, VAULT_ADDR or VAULT_ADDRESS)."),
        }),
    }
}

/// `skip_tls_verify`, else `VAULT_SKIP_VERIFY` read as Vault's CLI reads it.
fn skip_tls_verify(input: &VaultInput, env: Env<'_>) -> bool {
    input.skip_tls_verify.unwrap_or_else(|| {
        env.first(ENV_SKIP_VERIFY).is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "t" | "yes"
            )
        })
    })
}

/// Picks the authentication method. Returns it with one warning per method
/// that was also set in the block but loses to an earlier one.
fn resolve_auth(
    input: &VaultInput,
    env: Env<'_>,
) -> Result<(VaultAuth, Vec<AttributeError>), AttributeError> {
    let mut set = AUTH_METHODS.iter().filter(|m| (m.set)(input));
    let Some(chosen) = set.next() else {
        let found = FALLBACKS.iter().find_map(|f| (f.token)(env));
        return found
            .unwrap_or_else(|| Err(no_way_to_authenticate()))
            .map(|auth| (auth, Vec::new()));
    };
    let order = AUTH_METHODS
        .iter()
        .map(AuthMethod::name)
        .collect::<Vec<_>>()
        .join(", ");
    let unused_env_token = env
        .var(ENV_TOKEN)
        .filter(|t| !input.token.as_ref().is_some_and(|own| own.expose() == t.as_str()))
        .map(|_| {
            unused_from_environment(
                chosen.attribute,
                "The environment's Vault login is not used",
                &format!("The provider logs in to Vault with {} from the provider block", chosen.attribute),
                &format!("another token, {ENV_TOKEN}"),
                "If the environment's token is the one meant, remove the block's login; if the variable is there for another tool, this warning only says which login this provider uses.",
            )
        });
    let shadowed = unused_env_token
        .into_iter()
        .chain(set.map(|m| AttributeError {
            attribute: m.attribute,
            summary: format!("{} is ignored", m.attribute),
            detail: format!(
                "{} is also set and comes first (order: {order}). Remove the one you do not use.",
                chosen.attribute
            ),
        }))
        .collect();
    Ok(((chosen.login)(input, env)?, shadowed))
}

fn no_way_to_authenticate() -> AttributeError {
    AttributeError {
        attribute: "vault.token",
        summary: "No way to authenticate to Vault".into(),
        detail: format!("Set one of {}. In HCP Terraform, enable Vault dynamic credentials (TFC_VAULT_PROVIDER_AUTH) or set TFC_WORKLOAD_IDENTITY_AUDIENCE and use auth_login_jwt.", auth_choices()),
    }
}

/// A token kept in a file (HCP Terraform's dynamic credentials for several
/// configurations, `~/.vault-token`).
fn token_from_file(file: &str, attribute: &'static str) -> Result<VaultAuth, AttributeError> {
    let problem = match std::fs::read_to_string(file) {
        Ok(text) if !text.trim().is_empty() => {
            return Ok(VaultAuth::Token {
                token: Secret::new(text.trim()),
                source: format!("token file {file}"),
            })
        }
        Ok(_) => "the file is empty".to_string(),
        Err(e) => e.to_string(),
    };
    Err(AttributeError {
        attribute,
        summary: "Cannot read the Vault token file".into(),
        detail: format!("{file}: {problem}. In HCP Terraform, pass var.tfc_vault_dynamic_credentials.default.token_filename (or .aliases[\"<alias>\"].token_filename)."),
    })
}

fn jwt_login(input: Option<&JwtLoginInput>, env: Env<'_>) -> Result<VaultAuth, AttributeError> {
    let input = input.cloned().unwrap_or_default();
    let mount = input.mount.unwrap_or_else(|| DEFAULT_JWT_MOUNT.into());
    let role = input.role.unwrap_or_default();
    if role.trim().is_empty() {
        return Err(AttributeError {
            attribute: "vault.auth_login_jwt.role",
            summary: "auth_login_jwt needs a role".into(),
            detail: format!("Name the Vault role of the JWT auth method at auth/{mount} that the run logs in as."),
        });
    }
    // HCP Terraform names the variable after the tag as written; the
    // upper-case form is the shell convention, tried second.
    let variables = match input
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(tag) => vec![
            format!("{ENV_JWT}_{tag}"),
            format!("{ENV_JWT}_{}", tag.to_ascii_uppercase()),
        ],
        None => vec![ENV_JWT.to_string()],
    };
    let variable = variables[0].clone();
    let jwt = input
        .jwt
        .filter(|j| !j.is_empty())
        .or_else(|| variables.iter().find_map(|v| env.var(v)).map(Secret::new));
    match jwt {
        Some(jwt) => Ok(VaultAuth::Jwt { mount, role, jwt }),
        None => Err(AttributeError {
            attribute: "vault.auth_login_jwt.jwt",
            summary: format!("auth_login_jwt (mount \"{mount}\") has no JWT"),
            detail: format!("Set jwt, or run where {variable} is set: in HCP Terraform, set the workspace variable {} to the audience the Vault role expects.", variable.replace("TOKEN", "AUDIENCE")),
        }),
    }
}

fn approle_login(
    input: Option<&AppRoleLoginInput>,
    env: Env<'_>,
) -> Result<VaultAuth, AttributeError> {
    let input = input.cloned().unwrap_or_default();
    let mount = input.mount.unwrap_or_else(|| DEFAULT_APPROLE_MOUNT.into());
    let pick = |value: Option<Secret>, variables: &[&str], attribute: &'static str| {
        let variable = variables.join(" or ");
        value
            .filter(|v| !v.is_empty())
            .or_else(|| env.first(variables).map(Secret::new))
            .ok_or_else(|| AttributeError {
                attribute,
                summary: format!(
                    "auth_login_approle (mount \"{mount}\") has no {}",
                    attribute.rsplit('.').next().unwrap_or(attribute)
                ),
                detail: format!("Set {attribute} or the environment variable {variable}."),
            })
    };
    let role_id = pick(
        input.role_id,
        ENV_ROLE_ID,
        "vault.auth_login_approle.role_id",
    )?;
    let secret_id = pick(
        input.secret_id,
        ENV_SECRET_ID,
        "vault.auth_login_approle.secret_id",
    )?;
    Ok(VaultAuth::AppRole {
        mount,
        role_id,
        secret_id,
    })
}

/// Extra CAs: `ca_cert_file` (or `VAULT_CACERT`) and HCP Terraform's
/// `TFC_VAULT_ENCODED_CACERT` (base64 of a PEM bundle), both when both set.
fn ca_certificates(input: &VaultInput, env: Env<'_>) -> Result<Option<Vec<u8>>, AttributeError> {
    use base64::Engine as _;
    let mut pem = Vec::new();
    if let Some(file) = input
        .ca_cert_file
        .clone()
        .or_else(|| env.first(ENV_CA_CERT))
    {
        let bytes = std::fs::read(&file).map_err(|e| AttributeError {
            attribute: "vault.ca_cert_file",
            summary: "Cannot read the Vault CA certificate".into(),
            detail: format!("{file}: {e} (from vault.ca_cert_file or VAULT_CACERT)."),
        })?;
        pem.extend_from_slice(&bytes);
        pem.push(b'\n');
    }
    if let Some(encoded) = env.var("TFC_VAULT_ENCODED_CACERT") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| AttributeError {
                attribute: "vault.ca_cert_file",
                summary: "TFC_VAULT_ENCODED_CACERT is not valid base64".into(),
                detail: format!(
                    "{e}. It must hold the base64 encoding of the PEM CA certificate of Vault."
                ),
            })?;
        pem.extend_from_slice(&bytes);
    }
    Ok((!pem.is_empty()).then_some(pem))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn vault_settings_come_from_block_environment_or_token_file() {
        let none = resolve_vault(
            &VaultInput::default(),
            Env::new(&env_of(&[])),
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        );
        assert!(matches!(none, Ok(None)));

        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(home.path().join(".vault-token"), "file-token\n").expect("write");
        let home = home.path().to_string_lossy();
        let env = env_of(&[
            ("VAULT_ADDRESS", "http://127.0.0.1:8200"),
            ("VAULT_NAMESPACE", "team/"),
            ("VAULT_SKIP_VERIFY", "true"),
            ("HOME", &home),
        ]);
        let s = resolve_vault(
            &VaultInput::default(),
            Env::new(&env),
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .expect("valid")
        .expect("configured");
        assert!(
            matches!(&s.settings.auth, VaultAuth::Token { token, .. } if token.expose() == "file-token")
        );
        assert_eq!(s.settings.namespace.as_deref(), Some("team/"));
        assert!(s.settings.skip_tls_verify);
        let warned: Vec<_> = s.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(warned, vec!["vault.skip_tls_verify"]);
        // A plan refuses an entry the token may not write unless the block
        // allows a read-only plan token.
        assert!(!s.settings.read_only_plan);
        let read_only = VaultInput {
            allow_read_only_plan: Some(true),
            ..Default::default()
        };
        let plan_role = vault(
            &read_only,
            &[("VAULT_ADDR", "https://v"), ("VAULT_TOKEN", "t")],
        );
        assert!(plan_role.expect("valid").settings.read_only_plan);
        // The claims stay on each sink's mount unless the block moves them;
        // a malformed mount is refused on its attribute.
        assert_eq!(s.settings.claims_mount, None);
        let env = [("VAULT_ADDR", "https://v"), ("VAULT_TOKEN", "t")];
        let claims = |mount: &str| VaultInput {
            claims_mount: Some(mount.into()),
            ..Default::default()
        };
        let moved = vault(&claims("claims"), &env).expect("valid");
        assert_eq!(moved.settings.claims_mount.as_deref(), Some("claims"));
        let bad = vault(&claims("/claims"), &env).expect_err("refused");
        assert_eq!(bad[0].attribute, "vault.claims_mount");

        let input = VaultInput {
            address: Some("vault:8200".into()),
            ca_cert_file: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let errors = resolve_vault(
            &input,
            Env::new(&env_of(&[])),
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .expect_err("invalid");
        let attrs: Vec<_> = errors.iter().map(|e| e.attribute).collect();
        assert_eq!(
            attrs,
            vec!["vault.address", "vault.token", "vault.ca_cert_file"]
        );
    }

    fn vault(
        input: &VaultInput,
        env: &[(&str, &str)],
    ) -> Result<ResolvedVault, Vec<AttributeError>> {
        resolve_vault(
            input,
            Env::new(&env_of(env)),
            RetryPolicy::default(),
            Duration::from_secs(5),
            "ua".into(),
        )
        .map(|v| v.expect("configured"))
    }

    #[test]
    fn another_login_or_address_in_the_environment_is_said_never_shown() {
        let block = |token: &str, address: &str| VaultInput {
            token: Some(Secret::new(token.to_string())),
            address: Some(address.into()),
            ..Default::default()
        };
        let env = [
            ("VAULT_ADDR", "https://user:pw@other.example.com"),
            ("VAULT_TOKEN", "env-token"),
        ];
        let r = vault(&block("block-token", "https://vault.example.com"), &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Token { token, .. } if token.expose() == "block-token")
        );
        assert_eq!(r.settings.address.as_str(), "https://vault.example.com/");
        let warned: Vec<_> = r.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(warned, vec!["vault.address", "vault.token"]);
        let said = format!("{:?}", r.warnings);
        for hidden in ["env-token", "block-token", "pw"] {
            assert!(!said.contains(hidden), "{hidden} shown: {said}");
        }
        assert!(said.contains("VAULT_ADDR") && said.contains("other.example.com"));
        // The same token and address in both places: nothing to say.
        let same = [
            ("VAULT_ADDR", "https://vault.example.com/"),
            ("VAULT_TOKEN", "block-token"),
        ];
        let r = vault(&block("block-token", "https://vault.example.com"), &same).expect("valid");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn the_first_method_set_in_the_block_wins_over_the_environment() {
        let input = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                role: Some("sink".into()),
                tag: Some("vault".into()),
                ..Default::default()
            }),
            auth_login_approle: Some(AppRoleLoginInput::default()),
            ..Default::default()
        };
        let env = [
            ("VAULT_ADDR", "https://vault.example.com"),
            ("VAULT_TOKEN", "ambient"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN", "untagged"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_VAULT", "tagged-jwt"),
        ];
        let r = vault(&input, &env).expect("valid");
        match &r.settings.auth {
            VaultAuth::Jwt { mount, role, jwt } => {
                assert_eq!((mount.as_str(), role.as_str()), ("jwt", "sink"));
                assert_eq!(jwt.expose(), "tagged-jwt");
            }
            other => panic!("expected a JWT login, got {other:?}"),
        }
        // The environment's token is not used, and the block's second
        // method neither: both are said.
        let warned: Vec<_> = r.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(
            warned,
            vec!["vault.auth_login_jwt", "vault.auth_login_approle"]
        );
        assert_eq!(
            r.warnings[0].summary,
            "The environment's Vault login is not used"
        );
        assert!(
            !r.warnings[0].detail.contains("ambient"),
            "the token is shown"
        );

        let r = vault(&VaultInput::default(), &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Token { source, .. } if source == "VAULT_TOKEN")
        );

        // HCP Terraform keeps the tag as written in the variable's name.
        let mixed = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                role: Some("sink".into()),
                tag: Some("Vault".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let env = [
            ("VAULT_ADDR", "https://vault.example.com"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_Vault", "as-written"),
            ("TFC_WORKLOAD_IDENTITY_TOKEN_VAULT", "upper"),
        ];
        let r = vault(&mixed, &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Jwt { jwt, .. } if jwt.expose() == "as-written")
        );
    }

    #[test]
    fn the_method_table_makes_the_order_the_warnings_and_the_texts() {
        let env = [
            ("VAULT_ADDR", "https://vault.example.com"),
            ("GENESYSCLOUD_VAULT_SECRET_ID", "sid"),
            ("GENESYSCLOUD_VAULT_ROLE_ID", "rid"),
        ];
        let token_file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(token_file.path(), "from-file").expect("write");
        let mut input = VaultInput {
            token: Some(Secret::new("block-token")),
            token_file: Some(token_file.path().to_string_lossy().into_owned()),
            auth_login_jwt: Some(JwtLoginInput {
                role: Some("r".into()),
                jwt: Some(Secret::new("jwt")),
                ..Default::default()
            }),
            auth_login_approle: Some(AppRoleLoginInput::default()),
            ..Default::default()
        };
        let r = vault(&input, &env).expect("valid");
        assert!(
            matches!(&r.settings.auth, VaultAuth::Token { source, .. } if source == "vault.token")
        );
        let warned: Vec<_> = r.warnings.iter().map(|w| w.attribute).collect();
        assert_eq!(
            warned,
            vec![
                "vault.token_file",
                "vault.auth_login_jwt",
                "vault.auth_login_approle"
            ]
        );
        assert!(r.warnings[0]
            .detail
            .contains("(order: token, token_file, auth_login_jwt, auth_login_approle)"));

        // Each method, once those before it are gone, is the one chosen.
        let chosen = |input: &VaultInput| vault(input, &env).expect("valid").settings.auth;
        input.token = None;
        assert!(
            matches!(chosen(&input), VaultAuth::Token { token, .. } if token.expose() == "from-file")
        );
        input.token_file = None;
        assert!(matches!(chosen(&input), VaultAuth::Jwt { .. }));
        input.auth_login_jwt = None;
        assert!(matches!(chosen(&input), VaultAuth::AppRole { .. }));

        assert_eq!(
            auth_choices(),
            "vault.token, vault.token_file, an auth_login_jwt block, an auth_login_approle block, VAULT_TOKEN, GENESYSCLOUD_VAULT_TOKEN_FILE or ~/.vault-token"
        );
        assert!(auth_order_markdown().contains(
            "first of `token`, `token_file`, `auth_login_jwt`, `auth_login_approle` set in this block"
        ));
        let none = vault(&VaultInput::default(), &env[..1]).expect_err("no token");
        assert!(none[0]
            .detail
            .starts_with(&format!("Set one of {}.", auth_choices())));
    }

    #[test]
    fn login_methods_say_what_is_missing_on_their_attribute() {
        let env = [("VAULT_ADDR", "http://127.0.0.1:8200")];
        let jwt = VaultInput {
            auth_login_jwt: Some(JwtLoginInput {
                mount: Some("tfc".into()),
                role: Some("r".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let errors = vault(&jwt, &env).expect_err("no JWT");
        assert_eq!(errors[0].attribute, "vault.auth_login_jwt.jwt");
        assert!(
            errors[0].detail.contains("TFC_WORKLOAD_IDENTITY_AUDIENCE"),
            "{:?}",
            errors[0]
        );

        let approle = VaultInput {
            auth_login_approle: Some(AppRoleLoginInput {
                role_id: Some(Secret::new("rid")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let errors = vault(&approle, &env).expect_err("no secret id");
        assert_eq!(errors[0].attribute, "vault.auth_login_approle.secret_id");
        let env_sid = [
            ("VAULT_ADDR", "http://127.0.0.1:8200"),
            ("GENESYSCLOUD_VAULT_SECRET_ID", "sid"),
        ];
        let r = vault(&approle, &env_sid).expect("valid");
        assert!(matches!(&r.settings.auth, VaultAuth::AppRole { mount, .. } if mount == "approle"));

        let file = VaultInput {
            token_file: Some("/nonexistent/token".into()),
            ..Default::default()
        };
        let errors = vault(&file, &env).expect_err("missing file");
        assert_eq!(errors[0].attribute, "vault.token_file");
        assert!(errors[0].detail.contains("tfc_vault_dynamic_credentials"));
    }

    #[test]
    fn tls_settings_accept_encoded_cas_and_warn_about_plain_http() {
        use base64::Engine as _;
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let encoded = base64::engine::general_purpose::STANDARD.encode(pem);
        let env = [
            ("VAULT_ADDR", "http://vault.internal:8200"),
            ("VAULT_TOKEN", "t"),
            ("TFC_VAULT_ENCODED_CACERT", encoded.as_str()),
        ];
        let r = vault(&VaultInput::default(), &env).expect("valid");
        assert_eq!(r.settings.ca_cert_pem.as_deref(), Some(pem.as_bytes()));
        assert_eq!(r.warnings[0].attribute, "vault.address");

        let env = [
            ("VAULT_ADDR", "http://localhost:8200"),
            ("VAULT_TOKEN", "t"),
            ("TFC_VAULT_ENCODED_CACERT", "not base64!"),
        ];
        let errors = vault(&VaultInput::default(), &env).expect_err("bad base64");
        assert!(errors[0].summary.contains("TFC_VAULT_ENCODED_CACERT"));
    }

    #[test]
    fn each_method_is_in_the_vault_block_under_its_name() {
        let block = vault_block();
        for method in AUTH_METHODS {
            let name = method.name();
            match (method.schema)() {
                AuthSchema::Attribute(entry) => {
                    assert_eq!(entry.name, name);
                    assert!(block.attributes.iter().any(|e| e.name == name), "{name}");
                }
                AuthSchema::Block(_) => {
                    assert!(block.blocks.iter().any(|n| n.name == name), "{name}");
                }
            }
        }
        let nested: Vec<&str> = block.blocks.iter().map(|n| n.name).collect();
        assert_eq!(nested, ["auth_login_jwt", "auth_login_approle"]);
    }
}
