//! `data "genesyscloud_oauth_client"`: look a client up by name.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::oauth_client::roles::RoleRef;
use crate::oauth_client::rules::ClientFields;
use crate::tf::api_clients::ApiClients;
use crate::tf::diag::report;
use crate::tf::schema::schema;

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
        Some(schema(&super::rules::data_source_block()))
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
            Ok(c) => Some(super::rules::as_found(&c).into()),
            Err(note) => {
                report(diags, vec![note]);
                None
            }
        }
    }
}

impl From<ClientFields> for ClientData {
    fn from(f: ClientFields) -> Self {
        let role = |r: RoleRef| RoleObject {
            role_id: Value::Value(r.role_id),
            division_id: r.division_id.into(),
        };
        ClientData {
            name: f.name.into(),
            id: f.id.into(),
            client_id: f.client_id.into(),
            description: f.description.into(),
            authorized_grant_type: f.authorized_grant_type.into(),
            access_token_validity_seconds: f.access_token_validity_seconds.into(),
            registered_redirect_uris: f.registered_redirect_uris.into(),
            scopes: f.scopes.into(),
            roles: Value::from(f.roles.map(|r| r.into_iter().map(role).collect())),
            state: f.state.into(),
        }
    }
}
