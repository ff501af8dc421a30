//! The sink, `genesyscloud_oauth_client_vault_secret`: glue only. Each
//! call converts its values to `crate::vault_secret::fields::SinkFields`, calls one
//! step of `crate::vault_secret` (`read`, `plan_new_sink`, `plan_change`, `create`,
//! `update`, `destroy`, `import`) or, at validate, the checks of
//! `crate::vault_secret::input`, and says the notes; the replace and default rules
//! are on its attributes (`state.rs`).

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, AttributePathStep, Diagnostics, Resource};

use super::apply;
use super::call::{Apis, Run};
use super::fields::SinkFields;
use super::input::check_config;
use super::planning;
use super::record::SinkRecord;
use super::refresh;
use super::state::{SinkState, ATTRIBUTES};
use crate::genesys::GenesysClient;
use crate::note::Note;
use crate::process_records::claims::Claims;
use crate::process_records::integration_credentials::IntegrationCredentials;
use crate::tf::api_clients::ApiClients;
use crate::tf::diag::{attribute_error, report};
use crate::vault::VaultClient;

/// The resource.
pub struct SinkResource {
    clients: Arc<ApiClients>,
    claims: Arc<Claims>,
    credentials: Arc<IntegrationCredentials>,
}

impl SinkResource {
    /// A resource using the provider's configured clients; `claims` holds
    /// which sink keeps which OAuth client in this process.
    pub fn new(
        clients: Arc<ApiClients>,
        claims: Arc<Claims>,
        credentials: Arc<IntegrationCredentials>,
    ) -> Self {
        SinkResource {
            clients,
            claims,
            credentials,
        }
    }

    /// A run of the sink's steps with this resource's clients and registries.
    fn run(&self) -> Run<'_> {
        Run::new(&*self.clients, &self.claims, &self.credentials)
    }
}

/// The error an unconfigured client's accessor said, as a note.
fn said(mut diags: Diagnostics) -> Note {
    let d = diags.errors.pop();
    let (summary, detail) = d.map_or_else(Default::default, |d| (d.summary, d.detail));
    Note::Error(summary.into_owned(), detail.into_owned())
}

impl Apis for ApiClients {
    fn genesys(&self) -> Result<Arc<GenesysClient>, Note> {
        let mut diags = Diagnostics::default();
        ApiClients::genesys(self, &mut diags).ok_or_else(|| said(diags))
    }
    fn vault(&self) -> Result<Arc<VaultClient>, Note> {
        let mut diags = Diagnostics::default();
        ApiClients::vault(self, &mut diags).ok_or_else(|| said(diags))
    }
}

/// Says what a step's run said and hands on its result.
fn done<T>(diags: &mut Diagnostics, run: Run<'_>, out: Option<T>) -> Option<T> {
    report(diags, run.notes);
    out
}

/// A state and private state for Terraform.
fn values(out: (SinkFields, SinkRecord)) -> (Value<SinkState>, Value<SinkRecord>) {
    (Value::Value(out.0.into()), Value::Value(out.1))
}

/// The plan with the configuration's defaults filled in.
fn with_defaults(mut planned: SinkState, config: &SinkState) -> SinkFields {
    ATTRIBUTES.apply_defaults(&mut planned, config);
    planned.into()
}

#[async_trait]
impl Resource for SinkResource {
    type State<'a> = Value<SinkState>;
    type PrivateState<'a> = Value<SinkRecord>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(ATTRIBUTES.schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        let Value::Value(c) = config else {
            return Some(());
        };
        for error in check_config(&with_defaults(c.clone(), &c)) {
            attribute_error(diags, error);
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(state) = state else {
            return Some((Value::Null, private));
        };
        let record = private.as_option().unwrap_or_default();
        let mut run = self.run();
        let out = refresh::read(&mut run, state.into(), record).await;
        done(diags, run, out).map(values)
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(planned) = proposed else {
            return Some((proposed, Value::Null));
        };
        let planned = with_defaults(planned, &config.as_option().unwrap_or_default());
        let mut run = self.run();
        let out = planning::plan_new_sink(&mut run, planned).await;
        let claims = std::mem::take(&mut run.planned_claims);
        let planned = done(diags, run, out)?;
        let private = match claims.is_empty() {
            true => Value::Null,
            false => Value::Value(SinkRecord {
                claims,
                ..SinkRecord::default()
            }),
        };
        Some((Value::Value(planned.into()), private))
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
        let mut record = prior_private.as_ref_option().cloned().unwrap_or_default();
        ATTRIBUTES.apply_defaults(&mut planned, &config);
        let replace = ATTRIBUTES.replacements(&prior, &planned);
        let replace = replace.iter().filter_map(attribute_name).collect();
        let (prior, config) = (prior.into(), config.into());
        let mut run = self.run();
        let step =
            planning::plan_change(&mut run, &prior, planned.into(), &config, &record, replace);
        let out = step.await;
        let claims = std::mem::take(&mut run.planned_claims);
        let (planned, replace) = done(diags, run, out)?;
        let replace = replace.into_iter().map(AttributePath::new).collect();
        let private = match claims.is_empty() {
            true => prior_private,
            false => {
                record.claims = claims;
                Value::Value(record)
            }
        };
        Some((Value::Value(planned.into()), private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State<'a>,
        prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        if let Value::Value(prior) = prior {
            planning::plan_removal(&mut self.run(), &prior.into());
        }
        Some(prior_private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(planned) = planned else {
            return None;
        };
        let record = planned_private.as_option().unwrap_or_default();
        let mut run = self.run();
        let out = apply::create(&mut run, planned.into(), record).await;
        done(diags, run, out).map(values)
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (Value::Value(prior), Value::Value(planned)) = (prior, planned) else {
            return None;
        };
        let record = planned_private.as_option().unwrap_or_default();
        let mut run = self.run();
        let out = apply::update(&mut run, prior.into(), planned.into(), record).await;
        done(diags, run, out).map(values)
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        let Value::Value(prior) = prior else {
            return Some(());
        };
        let mut run = self.run();
        let record = planned_private.as_ref_option();
        let out = apply::destroy(&mut run, prior.into(), record).await;
        done(diags, run, out)
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let defaults = with_defaults(SinkState::default(), &SinkState::default());
        let mut run = self.run();
        let out = apply::import(&mut run, &id, defaults).await;
        done(diags, run, out).map(values)
    }
}

/// The attribute a replacement path names.
fn attribute_name(path: &AttributePath) -> Option<String> {
    match path.steps.first() {
        Some(AttributePathStep::Attribute(name)) => Some(name.to_string()),
        _ => None,
    }
}
