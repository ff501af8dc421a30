//! `genesyscloud_oauth_client`: glue only. It converts Terraform values to
//! and from `crate::oauth_client::rules::ClientFields` and calls one function per
//! RPC: the rules are in `crate::oauth_client::rules`, the steps in
//! `crate::oauth_client` (at plan: `crate::oauth_client::planning`).

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};

use crate::note::Note;
use crate::oauth_client::credential_rules::{CredentialPlan, OwnCredential};
use crate::oauth_client::planning::{self, ClientPlan, PlanInput};
use crate::oauth_client::roles::PlannedRole;
use crate::oauth_client::rules::ClientFields;
use crate::oauth_client::{self as steps, Applied, Found};
use crate::process_records::integration_credentials::IntegrationCredentials;
use crate::tf::api_clients::ApiClients;
use crate::tf::diag::{attribute_error, failure, report};
use crate::tf::schema::{Attrs, Field};

/// The resource.
pub struct OAuthClientResource {
    clients: Arc<ApiClients>,
    credentials: Arc<IntegrationCredentials>,
}

impl OAuthClientResource {
    /// A resource using the provider's configured clients; it records its
    /// integration credential in `credentials` for the sinks.
    pub fn new(clients: Arc<ApiClients>, credentials: Arc<IntegrationCredentials>) -> Self {
        OAuthClientResource {
            clients,
            credentials,
        }
    }

    /// Plans what the attribute table leaves (`planning::plan`): the roles,
    /// the credential's id, what the sinks learn of the client.
    fn decide(
        &self,
        diags: &mut Diagnostics,
        planned: &mut ClientState,
        prior: Option<&ClientState>,
        config: &ClientState,
    ) -> Option<()> {
        let input = planned.plan_input(prior, config);
        let decided = planning::plan(&self.credentials, &input, config);
        let plan = decided.map_err(|e| attribute_error(diags, e)).ok()?;
        let kept = prior.map(|p| p.integration_credential_id.clone());
        report(diags, planned.take(plan, kept.unwrap_or_default()));
        Some(())
    }

    /// The state and private state after a create or update.
    fn applied(
        diags: &mut Diagnostics,
        applied: Applied,
    ) -> Option<(Value<ClientState>, Value<ClientPrivate>)> {
        report(diags, applied.notes);
        let private = ClientPrivate {
            credential: applied.record,
        };
        Some((Value::Value(applied.state.into()), Value::Value(private)))
    }
}

/// The resource's private state: the credential the provider recorded as
/// the client's own (see `crate::oauth_client::credential_rules::own_credential`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientPrivate {
    credential: Option<OwnCredential>,
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
    /// What a plan of this planned state (after `prior`, if any) needs to
    /// know; `config` gives the configured roles.
    fn plan_input<'a>(
        &'a self,
        prior: Option<&'a ClientState>,
        config: &ClientState,
    ) -> PlanInput<'a> {
        let text = |v: &'a Value<String>| v.as_ref_option().map(String::as_str);
        let prior_text = |f: fn(&ClientState) -> &Value<String>| prior.and_then(|p| text(f(p)));
        PlanInput {
            client_id: text(&self.id),
            roles: planned_roles(&config.roles),
            prior_roles: prior.and_then(|p| p.fields().roles).unwrap_or_default(),
            credential_name: match &self.integration_credential_name {
                Value::Unknown => None,
                known => Some(text(known)),
            },
            prior_credential_name: prior_text(|p| &p.integration_credential_name),
            prior_credential_id: prior_text(|p| &p.integration_credential_id),
            state: text(&self.state),
            grant_type: text(&self.authorized_grant_type),
        }
    }

    /// Takes what `plan` decided (`prior_credential_id`: the id kept) and
    /// hands back what it says.
    fn take(&mut self, plan: ClientPlan, prior_credential_id: Value<String>) -> Vec<Note> {
        self.roles = Value::Value(plan.roles.into_iter().map(RoleBlock::from).collect());
        self.integration_credential_id = match plan.credential {
            CredentialPlan::Keep => prior_credential_id,
            CredentialPlan::Delete => Value::Null,
            CredentialPlan::Unknown => Value::Unknown,
        };
        plan.notes
    }

    /// The known values, as plain fields (unknown ones are `None`).
    fn fields(&self) -> ClientFields {
        let text = |v: &Value<String>| v.as_ref_option().cloned();
        let set = |v: &Value<BTreeSet<Value<String>>>| {
            v.as_ref_option().map(|s| {
                s.iter()
                    .filter_map(|v| v.as_ref_option().cloned())
                    .collect()
            })
        };
        ClientFields {
            id: text(&self.id),
            name: text(&self.name),
            description: text(&self.description),
            access_token_validity_seconds: self.access_token_validity_seconds.as_option(),
            registered_redirect_uris: set(&self.registered_redirect_uris),
            authorized_grant_type: text(&self.authorized_grant_type),
            scopes: set(&self.scopes),
            roles: self.roles.as_ref_option().map(|_| {
                let known = planned_roles(&self.roles).into_iter();
                known.filter_map(PlannedRole::known).collect()
            }),
            state: text(&self.state),
            client_id: text(&self.client_id),
            date_created: text(&self.date_created),
            integration_credential_name: text(&self.integration_credential_name),
            integration_credential_id: text(&self.integration_credential_id),
        }
    }
}

impl From<ClientFields> for ClientState {
    fn from(f: ClientFields) -> Self {
        let set = |s: Option<BTreeSet<String>>| {
            Value::from(s.map(|s| s.into_iter().map(Value::Value).collect()))
        };
        ClientState {
            id: f.id.into(),
            name: f.name.into(),
            description: f.description.into(),
            access_token_validity_seconds: f.access_token_validity_seconds.into(),
            registered_redirect_uris: set(f.registered_redirect_uris),
            authorized_grant_type: f.authorized_grant_type.into(),
            scopes: set(f.scopes),
            roles: Value::from(f.roles.map(|roles| {
                roles
                    .into_iter()
                    .map(|r| RoleBlock {
                        role_id: Value::Value(r.role_id),
                        division_id: r.division_id.into(),
                    })
                    .collect()
            })),
            state: f.state.into(),
            client_id: f.client_id.into(),
            date_created: f.date_created.into(),
            integration_credential_name: f.integration_credential_name.into(),
            integration_credential_id: f.integration_credential_id.into(),
        }
    }
}

/// The blocks as plain roles (`None`: not known, or left out).
fn planned_roles(roles: &Value<BTreeSet<RoleBlock>>) -> Vec<PlannedRole> {
    let text = |v: &Value<String>| v.as_ref_option().cloned();
    let blocks = roles.as_ref_option().into_iter().flatten();
    blocks
        .map(|r| PlannedRole {
            role_id: text(&r.role_id),
            division_id: text(&r.division_id),
        })
        .collect()
}

impl From<PlannedRole> for RoleBlock {
    fn from(r: PlannedRole) -> Self {
        let known = |v: Option<String>| v.map(Value::Value).unwrap_or(Value::Unknown);
        RoleBlock {
            role_id: known(r.role_id),
            division_id: known(r.division_id),
        }
    }
}

/// The resource's attributes
/// (`crate::oauth_client::rules::resource_block`), with their default rules
/// applied to the state's fields.
pub(crate) static ATTRIBUTES: LazyLock<Attrs<ClientState>> =
    LazyLock::new(|| Attrs::new(crate::oauth_client::rules::resource_block(), field));

/// The state's field of each attribute with a plan rule.
fn field(name: &str) -> Option<Field<ClientState>> {
    Some(match name {
        "access_token_validity_seconds" => Field::Number(|s| &mut s.access_token_validity_seconds),
        "state" => Field::Text(|s| &mut s.state),
        _ => return None,
    })
}

#[async_trait]
impl Resource for OAuthClientResource {
    type State<'a> = Value<ClientState>;
    type PrivateState<'a> = Value<ClientPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(ATTRIBUTES.schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        if let Value::Value(c) = config {
            for error in crate::oauth_client::rules::check(&c.fields()) {
                attribute_error(diags, error);
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
        let Value::Value(prior) = state else {
            return Some((Value::Null, private_state));
        };
        let id = prior.id.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        let record = private_state
            .as_ref_option()
            .and_then(|p| p.credential.clone());
        match steps::read(&genesys, &self.credentials, &id, &prior.fields(), record).await {
            Ok(Found::Client {
                state,
                record,
                notes: said,
            }) => {
                report(diags, said);
                let private = ClientPrivate { credential: record };
                Some((Value::Value((*state).into()), Value::Value(private)))
            }
            Ok(Found::Gone(said)) => {
                report(diags, said);
                Some((Value::Null, private_state))
            }
            Err(e) => failure(diags, e),
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
        self.decide(diags, &mut planned, None, &config)?;
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
        planned.id = prior.id.clone();
        planned.client_id = prior.client_id.clone();
        planned.date_created = prior.date_created.clone();
        self.decide(diags, &mut planned, Some(&prior), &config)?;
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
        let Value::Value(planned) = planned else {
            return None;
        };
        let genesys = self.clients.genesys(diags)?;
        match steps::create(&genesys, &self.credentials, planned.fields()).await {
            Ok(applied) => Self::applied(diags, applied),
            Err(e) => failure(diags, e),
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
        let (Value::Value(prior), Value::Value(planned)) = (prior, planned) else {
            return None;
        };
        let id = prior.id.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        let (prior, planned) = (prior.fields(), planned.fields());
        match steps::update(&genesys, &self.credentials, &id, &prior, planned).await {
            Ok(applied) => Self::applied(diags, applied),
            Err(e) => failure(diags, e),
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
        let handed = self.credentials.handed_over(&id);
        match steps::delete(&genesys, &id, &prior.fields(), handed.as_ref()).await {
            Ok(()) => Some(()),
            Err(e) => failure(diags, e),
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        match crate::oauth_client::rules::imported(&id) {
            Ok(fields) => Some((Value::Value(fields.into()), Value::Null)),
            Err(e) => {
                diags.root_error(e.summary, e.detail);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_rule_finds_its_field() {
        assert!(crate::tf::schema::unmatched(&ATTRIBUTES).is_empty());
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
        let roles = crate::oauth_client::roles::plan_roles(&planned_roles(&config), &[]);
        let planned = ClientState {
            roles: Value::Value(roles.into_iter().map(RoleBlock::from).collect()),
            ..Default::default()
        };
        assert!(planned
            .roles
            .iter()
            .flatten()
            .all(|r| r.division_id.is_unknown()));
        let answer = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "n", "roleDivisions": [{"roleId": "r1", "divisionId": "home"}]
        }))
        .expect("valid");
        let after = ClientState::from(crate::oauth_client::rules::after_apply(
            &planned.fields(),
            &answer,
        ));
        assert!(after
            .roles
            .iter()
            .flatten()
            .all(|r| r.division_id == Value::Value("home".into())));
    }

    #[test]
    fn fields_keep_null_and_empty_apart_both_ways() {
        let state = ClientState {
            id: Value::Value("c1".into()),
            description: Value::Value(String::new()),
            registered_redirect_uris: Value::Value(BTreeSet::new()),
            scopes: Value::Null,
            roles: Value::Value(
                [RoleBlock {
                    role_id: Value::Value("r1".into()),
                    division_id: Value::Null,
                }]
                .into(),
            ),
            integration_credential_id: Value::Value("k1".into()),
            ..Default::default()
        };
        assert_eq!(ClientState::from(state.fields()), state);
        let unknown = ClientState {
            name: Value::Unknown,
            roles: Value::Unknown,
            ..state.clone()
        };
        assert_eq!(
            (unknown.fields().name, unknown.fields().roles),
            (None, None)
        );
    }
}
