//! `ephemeral "genesyscloud_oauth_client_credentials"`: glue only. Each call
//! converts the configuration to `CredentialsFields` and calls the rules
//! (validate) or one step (open, close) of `crate::oauth_client_credentials`,
//! then says its errors and warnings.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::{
    ClientCapabilities, DeferredReason, Diagnostics, EphemeralOpen, EphemeralResource,
};

use crate::note::Failure;
use crate::oauth_client::rules::attribute_of;
use crate::oauth_client_credentials::{
    self as credentials, rules, schema::ephemeral_block, CloseRecord, CredentialsFields,
    HeldTokens, OpenError, Request,
};
use crate::secret::Secret;
use crate::tf::api_clients::ApiClients;
use crate::tf::diag::{attribute_error, failure};
use crate::tf::schema::schema;
use crate::vault_secret::state::field;

/// The ephemeral resource.
pub struct CredentialsResource {
    clients: Arc<ApiClients>,
    tokens: HeldTokens,
}

impl CredentialsResource {
    /// An ephemeral resource using the provider's configured clients.
    pub fn new(clients: Arc<ApiClients>) -> Self {
        CredentialsResource {
            clients,
            tokens: HeldTokens::default(),
        }
    }
}

/// A secret answered to Terraform: the open's result is the one place it
/// is written out (Terraform keeps it in memory, never in plan or state).
#[derive(Debug, Clone)]
pub struct Revealed(Secret);

impl Serialize for Revealed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

impl<'de> Deserialize<'de> for Revealed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Secret::deserialize(d).map(Revealed)
    }
}

/// The configuration and the answer.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialsState {
    mount: Value<String>,
    path: Value<String>,
    client_id_key: Value<String>,
    client_secret_key: Value<String>,
    version: Value<i64>,
    verify: Value<bool>,
    access_token: Value<bool>,
    client_id: Value<String>,
    client_secret: Value<Revealed>,
    created_time: Value<String>,
    bearer_token: Value<Revealed>,
    bearer_token_expires_at: Value<String>,
}

impl CredentialsState {
    fn fields(&self) -> CredentialsFields {
        CredentialsFields {
            mount: field(self.mount.clone()),
            path: field(self.path.clone()),
            client_id_key: field(self.client_id_key.clone()),
            client_secret_key: field(self.client_secret_key.clone()),
            version: field(self.version),
            verify: field(self.verify),
            access_token: field(self.access_token),
        }
    }

    /// The configuration with its defaults, and what the open found (a
    /// configured `version` is answered as configured: 0 stays 0).
    fn opened(self, req: &Request, found: credentials::Credentials) -> CredentialsState {
        let version = match self.version {
            Value::Value(v) => Value::Value(v),
            _ => Value::Value(i64::try_from(found.version).unwrap_or(i64::MAX)),
        };
        let (bearer_token, bearer_token_expires_at) = match found.bearer {
            Some(b) => (Value::Value(Revealed(b.token)), Value::Value(b.expires_at)),
            None => (Value::Null, Value::Null),
        };
        CredentialsState {
            client_id_key: Value::Value(req.client_id_key.clone()),
            client_secret_key: Value::Value(req.client_secret_key.clone()),
            version,
            verify: Value::Value(req.verify),
            access_token: Value::Value(req.access_token),
            client_id: Value::Value(found.client_id),
            client_secret: Value::Value(Revealed(found.client_secret)),
            created_time: found.created_time.into(),
            bearer_token,
            bearer_token_expires_at,
            ..self
        }
    }
}

#[async_trait]
impl EphemeralResource for CredentialsResource {
    type State<'a> = CredentialsState;
    type PrivateState<'a> = Value<CloseRecord>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(&ephemeral_block()))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: CredentialsState) -> Option<()> {
        for e in rules::check(&config.fields()) {
            attribute_error(diags, e);
        }
        Some(())
    }

    async fn open<'a>(
        &self,
        diags: &mut Diagnostics,
        config: CredentialsState,
        capabilities: ClientCapabilities,
    ) -> Option<EphemeralOpen<CredentialsState, Value<CloseRecord>>> {
        let req = match rules::request(&config.fields()) {
            Ok(Some(req)) => req,
            Ok(None) if capabilities.deferral_allowed => {
                return Some(EphemeralOpen::Deferred(
                    DeferredReason::ResourceConfigUnknown,
                ))
            }
            Ok(None) => {
                diags.root_error(
                    "The credentials cannot be read yet",
                    "Part of the configuration is not known until apply, and Terraform did not wait for it.",
                );
                return None;
            }
            Err(errors) => {
                errors.into_iter().for_each(|e| attribute_error(diags, e));
                return None;
            }
        };
        let genesys = self.clients.genesys(diags)?;
        let vault = self.clients.vault(diags)?;
        match credentials::open(&genesys, &vault, &self.tokens, &req).await {
            Ok((found, record)) => Some(EphemeralOpen::Open {
                state: config.opened(&req, found),
                private_state: Value::Value(record),
                renew_at: None,
            }),
            Err(OpenError::Attribute(e)) => {
                attribute_error(diags, e);
                None
            }
            Err(OpenError::Vault(e)) => {
                diags.root_error(format!("Cannot read {}", req.entry), e.to_string());
                None
            }
            Err(OpenError::Genesys(e)) => {
                let summary = format!("Cannot check the credentials read from {}", req.entry);
                failure(
                    diags,
                    Failure {
                        summary,
                        attribute: attribute_of(&e),
                        error: e,
                    },
                )
            }
        }
    }

    async fn close<'a>(&self, diags: &mut Diagnostics, record: Value<CloseRecord>) -> Option<()> {
        let Value::Value(record) = record else {
            return Some(());
        };
        if record.token_handle.is_none() {
            return Some(());
        }
        let genesys = self.clients.genesys(diags)?;
        if let Some((summary, detail)) = credentials::close(&genesys, &self.tokens, &record).await {
            diags.root_warning(summary, detail);
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_keeps_the_configuration_and_shows_the_secret_only_in_its_value() {
        let config = CredentialsState {
            mount: Value::Value("secret".into()),
            path: Value::Value("genesys/ci".into()),
            version: Value::Value(0),
            ..CredentialsState::default()
        };
        let req = rules::request(&config.fields())
            .expect("valid")
            .expect("known");
        let found = |created_time: Option<&str>| credentials::Credentials {
            client_id: "c1".into(),
            client_secret: Secret::new("s3cr3t"),
            version: 4,
            created_time: created_time.map(str::to_string),
            bearer: None,
        };
        let state = config.opened(&req, found(None));
        assert_eq!(state.version, Value::Value(0));
        assert_eq!(state.client_id_key, Value::Value("client_id".into()));
        assert_eq!(state.verify, Value::Value(true));
        assert!(state.bearer_token.is_null() && state.created_time.is_null());
        assert!(!format!("{state:?}").contains("s3cr3t"));
        let json = serde_json::to_string(&state).expect("json");
        assert!(json.contains("\"client_secret\":\"s3cr3t\""));
        let unpinned = CredentialsState {
            version: Value::Null,
            ..state
        };
        let state = unpinned.opened(&req, found(Some("2026-01-01T00:00:00Z")));
        assert_eq!(state.version, Value::Value(4));
        assert_eq!(
            state.created_time,
            Value::Value("2026-01-01T00:00:00Z".into())
        );
    }

    fn unknown_path() -> CredentialsState {
        CredentialsState {
            mount: Value::Value("secret".into()),
            path: Value::Unknown,
            ..CredentialsState::default()
        }
    }

    #[tokio::test]
    async fn an_unknown_configuration_is_deferred_only_when_allowed() {
        let resource = CredentialsResource::new(Arc::new(ApiClients::default()));
        let mut diags = Diagnostics::default();
        let allowed = ClientCapabilities {
            deferral_allowed: true,
            write_only_attributes_allowed: true,
        };
        let opened = resource.open(&mut diags, unknown_path(), allowed).await;
        assert!(matches!(
            opened,
            Some(EphemeralOpen::Deferred(
                DeferredReason::ResourceConfigUnknown
            ))
        ));
        assert!(diags.errors.is_empty());
        let refused = resource
            .open(&mut diags, unknown_path(), ClientCapabilities::default())
            .await;
        assert!(refused.is_none());
        assert_eq!(diags.errors.len(), 1);
    }
}
