//! The benchmark's floor (`scripts/bench.sh`): a Terraform provider that
//! serves terraform-provider-genesyscloud's schemas (the provider block,
//! `genesyscloud_oauth_client`, `genesyscloud_oauth_client_vault_secret`),
//! made from the same tables, and sends no request at all.
//!
//! A configuration applied and planned with it costs Terraform what ours
//! does for the same instances (their schemas and state, the gRPC calls of
//! an out-of-process plugin) and nothing else, so the benchmark can tell
//! Terraform core's share of a run from the provider's. What it keeps true:
//! - a plan of a new instance leaves every computed attribute the
//!   configuration does not set unknown, as ours does for the ids it learns
//!   at apply;
//! - an apply gives each unknown attribute a value of its kind (a string as
//!   long as a Genesys id, 0, false, an empty collection);
//! - a read and a plan of an existing instance change nothing, so a second
//!   plan is empty.
//!
//! It is a benchmark tool, never released: `scripts/package.sh` packs it
//! under the real provider's name only inside the benchmark's mirror.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use terraform_provider_genesyscloud::schema::{Block, Kind, Presence};
use terraform_provider_genesyscloud::tf::plugin_schema;
use terraform_provider_genesyscloud::{config, oauth_client, vault_secret};
use tf_provider::schema::Schema;
use tf_provider::value::{ValueAny, ValueEmpty};
use tf_provider::{map, AttributePath, Diagnostics, DynamicResource, Provider, Resource};

fn main() -> anyhow::Result<()> {
    // The same transport as ours: without TCP_NODELAY on the gRPC listener,
    // answers wait for delayed ACKs and the floor would be slower than us.
    terraform_provider_genesyscloud::handshake::pass_through()
        .context("cannot pass the plugin handshake through")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(tf_provider::serve("genesyscloud", Floor))
        .context("floor provider server stopped")
}

/// The provider: our provider block's schema, any configuration accepted.
struct Floor;

#[async_trait]
impl Provider for Floor {
    type Config<'a> = ValueAny;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(plugin_schema(&config::schema::block()))
    }

    async fn validate<'a>(&self, _diags: &mut Diagnostics, _config: ValueAny) -> Option<()> {
        Some(())
    }

    async fn configure<'a>(
        &self,
        _diags: &mut Diagnostics,
        _terraform_version: String,
        _config: ValueAny,
    ) -> Option<()> {
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let ids = Arc::new(AtomicU64::new(0));
        Some(map! {
            "oauth_client" => Echo::new(oauth_client::rules::resource_block(), ids.clone()),
            "oauth_client_vault_secret" => Echo::new(vault_secret::fields::resource_block(), ids),
        })
    }
}

/// A resource with one of our schemas that keeps what Terraform gives it.
struct Echo {
    block: Block,
    /// Numbers the values an apply makes up, so that ids differ.
    ids: Arc<AtomicU64>,
}

impl Echo {
    fn new(block: Block, ids: Arc<AtomicU64>) -> Self {
        Echo { block, ids }
    }

    /// The computed attributes of `block` and their kinds.
    fn computed(&self) -> impl Iterator<Item = (&'static str, Kind)> + '_ {
        self.block
            .attributes
            .iter()
            .filter(|e| matches!(e.presence, Presence::Computed | Presence::OptionalComputed))
            .map(|e| (e.name, e.kind))
    }

    /// A made-up value of `kind`.
    fn made_up(&self, kind: Kind) -> ValueAny {
        match kind {
            Kind::Str => {
                let n = self.ids.fetch_add(1, Ordering::Relaxed);
                ValueAny::String(format!("00000000-0000-4000-8000-{n:012}"))
            }
            Kind::Number => ValueAny::Number(0),
            Kind::Bool => ValueAny::Bool(false),
            Kind::StringSet | Kind::ObjectSet(_) => ValueAny::List(Vec::new()),
            Kind::StringMap => ValueAny::Map(BTreeMap::new()),
        }
    }
}

/// The top-level attributes of a state (an object), to change in place.
fn attributes(state: &mut ValueAny) -> Option<&mut BTreeMap<String, ValueAny>> {
    match state {
        ValueAny::Map(map) => Some(map),
        _ => None,
    }
}

#[async_trait]
impl Resource for Echo {
    type State<'a> = ValueAny;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(plugin_schema(&self.block))
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: ValueAny,
        private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ValueAny, ValueEmpty)> {
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        _diags: &mut Diagnostics,
        mut proposed_state: ValueAny,
        _config_state: ValueAny,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ValueAny, ValueEmpty)> {
        if let Some(values) = attributes(&mut proposed_state) {
            for (name, _) in self.computed() {
                let value = values.entry(name.to_string()).or_default();
                if *value == ValueAny::Null {
                    *value = ValueAny::Unknown;
                }
            }
        }
        Some((proposed_state, ValueEmpty::default()))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ValueAny,
        proposed_state: ValueAny,
        _config_state: ValueAny,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ValueAny, ValueEmpty, Vec<AttributePath>)> {
        Some((proposed_state, prior_private_state, Vec::new()))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ValueAny,
        prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(prior_private_state)
    }

    async fn create<'a>(
        &self,
        _diags: &mut Diagnostics,
        mut planned_state: ValueAny,
        _config_state: ValueAny,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ValueAny, ValueEmpty)> {
        if let Some(values) = attributes(&mut planned_state) {
            for (name, kind) in self.computed() {
                if values.get(name) == Some(&ValueAny::Unknown) {
                    values.insert(name.to_string(), self.made_up(kind));
                }
            }
        }
        Some((planned_state, planned_private_state))
    }

    async fn update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ValueAny,
        planned_state: ValueAny,
        _config_state: ValueAny,
        planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(ValueAny, ValueEmpty)> {
        Some((planned_state, planned_private_state))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: ValueAny,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<()> {
        Some(())
    }
}
