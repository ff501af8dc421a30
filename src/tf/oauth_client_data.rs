//! `data "genesyscloud_oauth_client"`: look a client up by name.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use super::api_clients::ApiClients;
use super::diag::notes;
use super::schema::schema;
use crate::genesys::OAuthClient;

/// The data source.
pub struct OAuthClientDataSource {
    clients: Arc<ApiClients>,
}

impl OAuthClientDataSource {
    /// A data source using the provider's configured clients.
    pub fn new(clients: Arc<ApiClients>) -> Self {
        OAuthClientDataSource { clients }
    }
}

/// A role as the data source reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct RoleObject {
    role_id: Value<String>,
    division_id: Value<String>,
}

/// Data source state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientData {
    name: Value<String>,
    id: Value<String>,
    client_id: Value<String>,
    description: Value<String>,
    authorized_grant_type: Value<String>,
    access_token_validity_seconds: Value<i64>,
    registered_redirect_uris: Value<BTreeSet<String>>,
    scopes: Value<BTreeSet<String>>,
    roles: Value<BTreeSet<RoleObject>>,
    state: Value<String>,
}

#[async_trait]
impl DataSource for OAuthClientDataSource {
    type State<'a> = ClientData;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(&crate::schema::oauth_client_data::block()))
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let name = config.name.as_ref_option()?.clone();
        let genesys = self.clients.genesys(diags)?;
        match crate::oauth_client::find_named(&genesys, &name).await {
            Ok(c) => Some(state_of(&c)),
            Err(note) => {
                notes(diags, vec![note]);
                None
            }
        }
    }
}

/// The data source's state for client `c`.
fn state_of(c: &OAuthClient) -> ClientData {
    ClientData {
        name: Value::Value(c.name.clone()),
        id: Value::Value(c.id.clone()),
        client_id: Value::Value(c.id.clone()),
        description: c
            .description
            .clone()
            .map(Value::Value)
            .unwrap_or(Value::Null),
        authorized_grant_type: Some(c.authorized_grant_type.clone())
            .filter(|g| !g.is_empty())
            .map(Value::Value)
            .unwrap_or(Value::Null),
        access_token_validity_seconds: c
            .access_token_validity_seconds
            .map(Value::Value)
            .unwrap_or(Value::Null),
        registered_redirect_uris: Value::Value(
            c.registered_redirect_uri
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
        ),
        scopes: Value::Value(c.scope.clone().unwrap_or_default().into_iter().collect()),
        roles: Value::Value(
            c.role_divisions
                .iter()
                .flatten()
                .map(|r| RoleObject {
                    role_id: Value::Value(r.role_id.clone()),
                    division_id: r
                        .division_id
                        .clone()
                        .map(Value::Value)
                        .unwrap_or(Value::Null),
                })
                .collect(),
        ),
        state: c.state.clone().map(Value::Value).unwrap_or(Value::Null),
    }
}
