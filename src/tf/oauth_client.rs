//! `genesyscloud_oauth_client`: glue only. Rules are in
//! `crate::plan::oauth_client`, API calls in `crate::genesys`; the
//! integration credential's part is in `super::oauth_client_credential`.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{
    AttributeConstraint::{Computed, Optional, OptionalComputed, Required},
    AttributeType::{Number, String as Str},
    Block, Description, NestedBlock, Schema,
};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{map, AttributePath, Diagnostics, Resource};

use super::clients::Clients;
use super::diag::{attribute_error, genesys_error};
use super::oauth_client_credential::{self as credential, CredentialAttrs};
use super::schema::{attr, string_set, Attr, Attrs};
use crate::genesys::{GenesysClient, GenesysError, OAuthClient, OAuthClientRequest, RoleDivision};
use crate::plan;
use crate::plan::credentials::IntegrationCredentials;
use crate::plan::integration_credential::OwnCredential;
use crate::plan::oauth_client::RoleRef;

/// The resource.
pub struct OAuthClientResource {
    clients: Arc<Clients>,
    credentials: Arc<IntegrationCredentials>,
}

impl OAuthClientResource {
    /// A resource using the provider's configured clients; it records its
    /// integration credential in `credentials` for the sinks.
    pub fn new(clients: Arc<Clients>, credentials: Arc<IntegrationCredentials>) -> Self {
        OAuthClientResource {
            clients,
            credentials,
        }
    }

    /// Records the client's integration credential for the sinks.
    fn register(&self, s: &ClientState) {
        credential::register(&self.credentials, &s.id, &s.integration_credential_id);
    }
}

/// The resource's private state: the credential the provider recorded as
/// the client's own (see `plan::integration_credential::own_credential`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientPrivate {
    credential: Option<OwnCredential>,
}

impl ClientPrivate {
    /// The record of what `s` holds after an apply.
    fn of(s: &ClientState) -> Value<ClientPrivate> {
        let credential = match (&s.id, &s.integration_credential_id) {
            (Value::Value(client_id), Value::Value(id)) => Some(OwnCredential {
                client_id: client_id.clone(),
                id: id.clone(),
            }),
            _ => None,
        };
        Value::Value(ClientPrivate { credential })
    }
}

/// One `roles` block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleBlock {
    role_id: Value<String>,
    division_id: Value<String>,
}

/// Resource state (and plan, and configuration).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientState {
    id: Value<String>,
    name: Value<String>,
    description: Value<String>,
    access_token_validity_seconds: Value<i64>,
    registered_redirect_uris: Value<BTreeSet<Value<String>>>,
    authorized_grant_type: Value<String>,
    scopes: Value<BTreeSet<Value<String>>>,
    roles: Value<BTreeSet<RoleBlock>>,
    state: Value<String>,
    client_id: Value<String>,
    date_created: Value<String>,
    integration_credential_name: Value<String>,
    integration_credential_id: Value<String>,
}

impl ClientState {
    /// The integration credential's attributes.
    fn credential(&mut self) -> CredentialAttrs<'_> {
        CredentialAttrs {
            name: &mut self.integration_credential_name,
            id: &mut self.integration_credential_id,
        }
    }
}

/// The resource's `roles` block.
fn roles_block() -> Block {
    Block {
        version: 0,
        description: Description::markdown(
            "A role granted to a client-credentials client, in one division.",
        ),
        attributes: map! {
            "role_id" => attr(Str, Required, "Id of a Genesys Cloud authorization role (Admin > Roles, or `GET /api/v2/authorization/roles`). The provider's own admin client must be allowed to grant it."),
            "division_id" => attr(Str, OptionalComputed, "Division id; `*` means all divisions. When left out, the provider grants the role in the organization's home division (looked up once per run) and records its id."),
        },
        blocks: Default::default(),
        deprecated: false,
    }
}

fn strings(set: &Value<BTreeSet<Value<String>>>) -> Vec<String> {
    set.as_ref_option()
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

fn role_refs(roles: &Value<BTreeSet<RoleBlock>>) -> Vec<RoleRef> {
    roles
        .as_ref_option()
        .map(|set| {
            set.iter()
                .filter_map(|r| {
                    Some(RoleRef {
                        role_id: r.role_id.as_ref_option()?.clone(),
                        division_id: r.division_id.as_ref_option().cloned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Plans `roles`: the configured blocks, with divisions left out of the
/// configuration taken from `known` (prior state or API answer) or unknown.
fn plan_roles(
    config: &Value<BTreeSet<RoleBlock>>,
    known: &[RoleRef],
) -> Value<BTreeSet<RoleBlock>> {
    let configured = config.as_ref_option().cloned().unwrap_or_default();
    // Blocks with unknown role ids pass through untouched.
    let (unresolved, resolved): (Vec<_>, Vec<_>) =
        configured.into_iter().partition(|r| !r.role_id.is_value());
    let refs = role_refs(&Value::Value(resolved.into_iter().collect()));
    let mut out: BTreeSet<RoleBlock> = plan::oauth_client::carry_prior_divisions(&refs, known)
        .into_iter()
        .map(|r| RoleBlock {
            role_id: Value::Value(r.role_id),
            division_id: r.division_id.map(Value::Value).unwrap_or(Value::Unknown),
        })
        .collect();
    out.extend(unresolved.into_iter().map(|r| RoleBlock {
        division_id: if r.division_id.is_null() {
            Value::Unknown
        } else {
            r.division_id
        },
        ..r
    }));
    Value::Value(out)
}

fn request_from(s: &ClientState) -> OAuthClientRequest {
    OAuthClientRequest {
        name: s.name.as_ref_option().cloned().unwrap_or_default(),
        description: s.description.as_ref_option().cloned(),
        access_token_validity_seconds: s
            .access_token_validity_seconds
            .as_option()
            .unwrap_or(plan::oauth_client::DEFAULT_VALIDITY),
        registered_redirect_uri: strings(&s.registered_redirect_uris),
        authorized_grant_type: s
            .authorized_grant_type
            .as_ref_option()
            .cloned()
            .unwrap_or_default(),
        scope: strings(&s.scopes),
        role_divisions: role_refs(&s.roles)
            .into_iter()
            .map(|r| RoleDivision {
                role_id: r.role_id,
                division_id: r.division_id,
            })
            .collect(),
        state: s
            .state
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| plan::oauth_client::DEFAULT_STATE.into()),
    }
}

fn answered_roles(c: &OAuthClient) -> Vec<RoleRef> {
    c.role_divisions
        .iter()
        .flatten()
        .map(|r| RoleRef {
            role_id: r.role_id.clone(),
            division_id: r.division_id.clone(),
        })
        .collect()
}

/// A string set from the API, keeping the prior null-vs-empty choice when
/// the API has nothing, and the prior value when the answer leaves the
/// field out.
fn set_from_api(
    prior: &Value<BTreeSet<Value<String>>>,
    answered: &Option<Vec<String>>,
) -> Value<BTreeSet<Value<String>>> {
    let Some(answered) = answered else {
        return prior.clone();
    };
    let items: BTreeSet<Value<String>> = answered.iter().cloned().map(Value::Value).collect();
    if items.is_empty() && !matches!(prior, Value::Value(p) if !p.is_empty()) {
        return prior
            .clone()
            .as_option()
            .map(Value::Value)
            .unwrap_or(Value::Null);
    }
    Value::Value(items)
}

/// State after a read: what Genesys has, expressed the way the prior state
/// (the user's configuration) expressed it where both mean the same. A
/// field the answer leaves out keeps its prior value: an answer shaped
/// differently never makes a plan non-empty.
fn state_from_api(prior: &ClientState, c: &OAuthClient) -> ClientState {
    let description = match (&c.description, &prior.description) {
        (None, prior) => prior.clone(),
        (Some(d), _) if !d.is_empty() => Value::Value(d.clone()),
        (_, Value::Value(p)) if p.is_empty() => Value::Value(String::new()),
        _ => Value::Null,
    };
    let known = |answered: Option<Value<i64>>, prior: &Value<i64>, default: i64| {
        answered.unwrap_or_else(|| {
            prior
                .as_option()
                .map(Value::Value)
                .unwrap_or(Value::Value(default))
        })
    };
    ClientState {
        id: Value::Value(c.id.clone()),
        name: Value::Value(c.name.clone()),
        description,
        access_token_validity_seconds: known(
            c.access_token_validity_seconds.map(Value::Value),
            &prior.access_token_validity_seconds,
            plan::oauth_client::DEFAULT_VALIDITY,
        ),
        registered_redirect_uris: set_from_api(
            &prior.registered_redirect_uris,
            &c.registered_redirect_uri,
        ),
        authorized_grant_type: Value::Value(plan::oauth_client::grant_type_for_state(
            prior
                .authorized_grant_type
                .as_ref_option()
                .map(String::as_str),
            &c.authorized_grant_type,
        )),
        scopes: set_from_api(&prior.scopes, &c.scope),
        roles: match &c.role_divisions {
            None => prior.roles.clone(),
            // A role answered without its division keeps the one the state
            // recorded (the division that was sent).
            Some(_) => Value::Value(
                plan::oauth_client::carry_prior_divisions(
                    &answered_roles(c),
                    &role_refs(&prior.roles),
                )
                .into_iter()
                .map(|r| RoleBlock {
                    role_id: Value::Value(r.role_id),
                    division_id: r.division_id.map(Value::Value).unwrap_or(Value::Null),
                })
                .collect(),
            ),
        },
        state: match &c.state {
            Some(state) => Value::Value(state.clone()),
            None => prior
                .state
                .as_ref_option()
                .map(|s| Value::Value(s.clone()))
                .unwrap_or_else(|| Value::Value(plan::oauth_client::DEFAULT_STATE.into())),
        },
        client_id: Value::Value(c.id.clone()),
        date_created: c
            .date_created
            .clone()
            .map(Value::Value)
            .unwrap_or_else(|| prior.date_created.clone()),
        // Read separately (`oauth_client_credential::read`).
        integration_credential_name: prior.integration_credential_name.clone(),
        integration_credential_id: prior.integration_credential_id.clone(),
    }
}

/// When the state says the client was created, for waiting out Genesys
/// Cloud's propagation on a refresh right after an apply.
fn created_at(s: &ClientState) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(
        s.date_created.as_ref_option()?,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
}

/// Roles planned without a division are granted in the home division,
/// looked up once per provider process and sent explicitly; the state then
/// records the id that was sent, whatever the API echoes.
async fn fill_home_division(
    genesys: &GenesysClient,
    planned: &mut ClientState,
) -> Result<(), GenesysError> {
    let Value::Value(roles) = &planned.roles else {
        return Ok(());
    };
    if roles.iter().all(|r| r.division_id.is_value()) {
        return Ok(());
    }
    let home = genesys.home_division().await?;
    planned.roles = Value::Value(
        roles
            .iter()
            .cloned()
            .map(|r| RoleBlock {
                division_id: if r.division_id.is_value() {
                    r.division_id
                } else {
                    Value::Value(home.clone())
                },
                ..r
            })
            .collect(),
    );
    Ok(())
}

/// State after create or update: the plan, with what only the answer knows.
fn state_after_apply(planned: &ClientState, c: &OAuthClient) -> ClientState {
    ClientState {
        id: Value::Value(c.id.clone()),
        client_id: Value::Value(c.id.clone()),
        date_created: c
            .date_created
            .clone()
            .map(Value::Value)
            .unwrap_or(Value::Null),
        roles: plan_roles(&planned.roles, &answered_roles(c)).map(|set| {
            set.into_iter()
                .map(|r| RoleBlock {
                    division_id: if r.division_id.is_unknown() {
                        Value::Null
                    } else {
                        r.division_id
                    },
                    ..r
                })
                .collect()
        }),
        ..planned.clone()
    }
}

/// The resource's attributes (the `roles` block is [`roles_block`]), with
/// their default rules.
static ATTRIBUTES: LazyLock<Attrs<ClientState>> = LazyLock::new(|| {
    Attrs::new(vec![
        Attr::new("id", Str, Computed, "The OAuth client id."),
        Attr::new("name", Str, Required, "Client name (Genesys Cloud allows duplicates)."),
        Attr::new("description", Str, Optional, "Free-text description."),
        Attr::new("access_token_validity_seconds", Number, OptionalComputed, &format!("Lifetime of the tokens the client obtains, {}.", plan::oauth_client::validity_sentence()))
            .default(|s: &mut ClientState| &mut s.access_token_validity_seconds, plan::oauth_client::DEFAULT_VALIDITY),
        Attr::new("registered_redirect_uris", string_set(), Optional, "Redirect URIs (code and token grants)."),
        Attr::new("authorized_grant_type", Str, Required, &format!("One of {}.", plan::oauth_client::grant_types_markdown())),
        Attr::new("scopes", string_set(), Optional, "Scopes (grants other than `CLIENT-CREDENTIALS`)."),
        Attr::new("state", Str, OptionalComputed, "`active`, `inactive` (no new tokens; those already issued run out) or `disabled` (the tokens already issued stop working too).")
            .default(|s: &mut ClientState| &mut s.state, plan::oauth_client::DEFAULT_STATE.to_string()),
        Attr::new("client_id", Str, Computed, "The OAuth client id, as a consumer uses it (same as `id`)."),
        Attr::new("date_created", Str, Computed, "Creation time (ISO-8601)."),
        Attr::new("integration_credential_name", Str, Optional, "Name of an integration credential (type `pureCloudOAuthClient`, what data actions authenticate with) to make holding this client's id and secret. It is made when the client is created, from the secret of the create answer, which never reaches state. Removing the name deletes the credential. An existing credential cannot be renamed here, since Genesys Cloud needs the secret to rename it: rename it in Genesys Cloud and set the new name, or replace the client with `terraform taint` (a new client and credential are made). To keep the credential current when the secret is regenerated later, set `integration_credential_id` on the client's `genesyscloud_oauth_client_vault_secret` to this resource's `integration_credential_id`: every rotation then writes the new secret into it (a sink that does not is warned about at plan)."),
        Attr::new("integration_credential_id", Str, Computed, "Id of the integration credential named by `integration_credential_name`: the one made at create, or named at import as `<client id>:<credential id>`; null when there is none (the client was adopted after a lost create answer, or imported without it). A credential is never taken for this client's by its name, since Genesys Cloud does not say whose id and secret a credential holds: one deleted outside Terraform keeps its id here, with a warning (the client's sink makes a new one and keeps it current), and destroy deletes only this id."),
    ])
});

#[async_trait]
impl Resource for OAuthClientResource {
    type State<'a> = Value<ClientState>;
    type PrivateState<'a> = Value<ClientPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: Block {
                version: 0,
                description: Description::markdown(
                    "A Genesys Cloud OAuth client. The client secret Genesys returns at creation goes only into the integration credential named by `integration_credential_name`, if any, and is then discarded: use `genesyscloud_oauth_client_vault_secret` to obtain a secret and keep it in Vault.",
                ),
                attributes: ATTRIBUTES.schema(),
                blocks: map! {
                    "roles" => NestedBlock::Set(roles_block()),
                },
                deprecated: false,
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        let Value::Value(c) = config else {
            return Some(());
        };
        let checks = [
            c.name
                .as_ref_option()
                .map(|v| plan::oauth_client::check_name(v)),
            c.authorized_grant_type
                .as_ref_option()
                .map(|v| plan::oauth_client::check_grant_type(v)),
            c.access_token_validity_seconds
                .as_option()
                .map(plan::oauth_client::check_validity),
            c.state
                .as_ref_option()
                .map(|v| plan::oauth_client::check_state(v)),
        ];
        for error in checks.into_iter().flatten().filter_map(Result::err) {
            attribute_error(diags, error);
        }
        credential::validate(diags, &c.integration_credential_name);
        for role in c.roles.iter().flatten() {
            if matches!(&role.role_id, Value::Value(r) if r.trim().is_empty()) {
                diags.error(
                    "Empty role_id",
                    "Each roles block needs a role id.",
                    AttributePath::new("roles"),
                );
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(mut prior) = state else {
            return Some((Value::Null, private_state));
        };
        let id = prior.id.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        match genesys.get_client(&id, created_at(&prior)).await {
            Ok(Some(c)) if !c.is_deleted() => {
                let mut state = state_from_api(&prior, &c);
                let mut private = private_state.as_option().unwrap_or_default();
                credential::read(
                    &genesys,
                    diags,
                    &id,
                    state.credential(),
                    &mut private.credential,
                )
                .await?;
                self.register(&state);
                Some((Value::Value(state), Value::Value(private)))
            }
            Ok(_) => {
                tracing::info!(client_id = %id, "OAuth client is gone from Genesys Cloud; removing it from state");
                credential::orphaned(diags, &id, prior.credential());
                self.credentials.record(&id, None);
                Some((Value::Null, private_state))
            }
            Err(e) => {
                genesys_error(diags, "Could not read OAuth client", &e);
                None
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(mut planned) = proposed else {
            return Some((proposed, Value::Null));
        };
        let config = config.as_option().unwrap_or_default();
        planned.id = Value::Unknown;
        planned.client_id = Value::Unknown;
        planned.date_created = Value::Unknown;
        ATTRIBUTES.apply_defaults(&mut planned, &config);
        planned.roles = plan_roles(&config.roles, &[]);
        credential::claim_name(
            diags,
            &self.credentials,
            None,
            &planned.integration_credential_name,
            &config,
        )?;
        credential::plan_create(planned.credential());
        Some((Value::Value(planned), Value::Null))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let (Value::Value(prior), Value::Value(mut planned)) = (prior, proposed) else {
            return Some((Value::Null, prior_private, vec![]));
        };
        let config = config.as_option().unwrap_or_default();
        ATTRIBUTES.apply_defaults(&mut planned, &config);
        planned.roles = plan_roles(&config.roles, &role_refs(&prior.roles));
        planned.id = prior.id.clone();
        planned.client_id = prior.client_id.clone();
        planned.date_created = prior.date_created.clone();
        credential::claim_name(
            diags,
            &self.credentials,
            prior.id.as_ref_option().map(String::as_str),
            &planned.integration_credential_name,
            &config,
        )?;
        credential::plan_update(
            diags,
            &prior.integration_credential_name,
            &prior.integration_credential_id,
            planned.credential(),
        )?;
        self.register(&planned);
        Some((Value::Value(planned), prior_private, vec![]))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(prior_private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(mut planned) = planned else {
            return None;
        };
        let genesys = self.clients.genesys(diags)?;
        if let Err(e) = fill_home_division(&genesys, &mut planned).await {
            genesys_error(diags, "Could not look up the home division", &e);
            return None;
        }
        match genesys.create_client(&request_from(&planned)).await {
            Ok(created) => {
                let mut state = state_after_apply(&planned, &created.client);
                let taken = created.same_name.as_ref().map(|same| {
                    same.iter()
                        .map(|c| (c.id.clone(), c.date_created.clone()))
                        .collect()
                });
                if let Some((summary, detail)) = plan::oauth_client::name_taken_warning(
                    &created.client.name,
                    &taken.map_err(Clone::clone),
                    &created.client.id,
                ) {
                    diags.root_warning(summary, detail);
                }
                if created.adopted {
                    diags.root_warning(
                        "OAuth client adopted after a lost answer",
                        format!(
                            "Genesys Cloud did not confirm the create, but client {} with this name was found and is now managed here (no duplicate was made).",
                            created.client.id
                        ),
                    );
                }
                // The secret goes into the credential, if one is asked for,
                // and is zeroized there: this resource never keeps it.
                state.integration_credential_id = credential::create(
                    &genesys,
                    diags,
                    &planned.integration_credential_name,
                    created,
                )
                .await;
                self.register(&state);
                let private = ClientPrivate::of(&state);
                Some((Value::Value(state), private))
            }
            Err(e) => {
                genesys_error(diags, "Could not create OAuth client", &e);
                None
            }
        }
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (Value::Value(prior), Value::Value(mut planned)) = (prior, planned) else {
            return None;
        };
        let id = prior.id.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        if let Err(e) = fill_home_division(&genesys, &mut planned).await {
            genesys_error(diags, "Could not look up the home division", &e);
            return None;
        }
        match genesys.update_client(&id, &request_from(&planned)).await {
            Ok(c) => {
                let mut state = state_after_apply(&planned, &c);
                // The client is updated: a failed credential step keeps the
                // credential as it was, next to an error.
                match credential::update(
                    &genesys,
                    diags,
                    &prior.integration_credential_name,
                    &prior.integration_credential_id,
                    &planned.integration_credential_name,
                )
                .await
                {
                    Some(credential_id) => state.integration_credential_id = credential_id,
                    None => {
                        state.integration_credential_name =
                            prior.integration_credential_name.clone();
                        state.integration_credential_id = prior.integration_credential_id.clone();
                    }
                }
                self.register(&state);
                let private = ClientPrivate::of(&state);
                Some((Value::Value(state), private))
            }
            Err(e) => {
                genesys_error(diags, "Could not update OAuth client", &e);
                None
            }
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        _planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        let Value::Value(prior) = prior else {
            return Some(());
        };
        let id = prior.id.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        let (name, wired) = (
            &prior.integration_credential_name,
            &prior.integration_credential_id,
        );
        let own = credential::to_delete(&self.credentials, &id, name, wired);
        credential::destroy(&genesys, diags, &own).await?;
        match genesys.delete_client(&id, &request_from(&prior)).await {
            Ok(()) => Some(()),
            Err(e) => {
                genesys_error(diags, "Could not delete OAuth client", &e);
                None
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (client, credential) = match plan::integration_credential::parse_import_id(&id) {
            Ok(ids) => ids,
            Err(e) => {
                diags.root_error(e.summary, e.detail);
                return None;
            }
        };
        let state = ClientState {
            id: Value::Value(client),
            integration_credential_id: credential.map(Value::Value).unwrap_or(Value::Null),
            ..Default::default()
        };
        Some((Value::Value(state), Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_client() -> OAuthClient {
        serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "n", "authorizedGrantType": "SAML2-BEARER", "state": "active",
            "accessTokenValiditySeconds": 600, "registeredRedirectUri": [], "scope": [],
            "roleDivisions": [{"roleId": "r1", "divisionId": "home"}], "dateCreated": "2026-01-01T00:00:00.000Z"
        }))
        .expect("valid")
    }

    #[test]
    fn read_keeps_the_users_spelling_and_null_sets() {
        let prior = ClientState {
            authorized_grant_type: Value::Value("SAML2BEARER".into()),
            ..Default::default()
        };
        let s = state_from_api(&prior, &api_client());
        assert_eq!(s.authorized_grant_type, Value::Value("SAML2BEARER".into()));
        assert_eq!(s.registered_redirect_uris, Value::Null);
        assert_eq!(s.description, Value::Null);
        assert_eq!(s.access_token_validity_seconds, Value::Value(600));
    }

    #[test]
    fn answers_without_optional_fields_keep_the_prior_state() {
        let prior = ClientState {
            id: Value::Value("c1".into()),
            name: Value::Value("n".into()),
            description: Value::Value("kept".into()),
            access_token_validity_seconds: Value::Value(3600),
            registered_redirect_uris: Value::Value([Value::Value("https://a/cb".into())].into()),
            authorized_grant_type: Value::Value("SAML2BEARER".into()),
            scopes: Value::Value([Value::Value("users:readonly".into())].into()),
            roles: Value::Value(
                [RoleBlock {
                    role_id: Value::Value("r1".into()),
                    division_id: Value::Value("home".into()),
                }]
                .into(),
            ),
            state: Value::Value("inactive".into()),
            client_id: Value::Value("c1".into()),
            date_created: Value::Value("2026-01-01T00:00:00.000Z".into()),
            integration_credential_name: Value::Value("actions".into()),
            integration_credential_id: Value::Value("k1".into()),
        };
        let bare: OAuthClient =
            serde_json::from_value(serde_json::json!({"id": "c1", "name": "n"})).expect("valid");
        let mut expected = prior.clone();
        expected.id = Value::Value("c1".into());
        assert_eq!(state_from_api(&prior, &bare), expected);

        let no_division: OAuthClient = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "n", "roleDivisions": [{"roleId": "r1", "divisionId": null}]
        }))
        .expect("valid");
        assert_eq!(state_from_api(&prior, &no_division).roles, prior.roles);
    }

    #[test]
    fn roles_left_to_genesys_plan_unknown_then_take_the_answer() {
        let config: Value<BTreeSet<RoleBlock>> = Value::Value(
            [RoleBlock {
                role_id: Value::Value("r1".into()),
                division_id: Value::Null,
            }]
            .into_iter()
            .collect(),
        );
        let planned = plan_roles(&config, &[]);
        assert!(planned.iter().flatten().all(|r| r.division_id.is_unknown()));
        let after = state_after_apply(
            &ClientState {
                roles: planned,
                ..Default::default()
            },
            &api_client(),
        );
        assert!(after
            .roles
            .iter()
            .flatten()
            .all(|r| r.division_id == Value::Value("home".into())));
    }
}
