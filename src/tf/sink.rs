//! The sink, `genesyscloud_oauth_client_vault_secret`: glue only. Its steps
//! are in `crate::sink`, its rules in `crate::plan::sink`,
//! `crate::plan::pair` and on its attributes (`sink_state.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};
use time::OffsetDateTime;

use super::api_clients::ApiClients;
use super::diag::{attribute_error, attribute_warning, sink_error, sink_notes};
use super::sink_integration_credential as credential;
use super::sink_rotated::after_restore;
use super::sink_state::{
    carry_computed, client_errors, entry_of, key_name_errors, keys_of, mark_rotation_unknown,
    pair_ids, plain_map, rotate_after_of, same_map, spec_of, string, time_value, SinkPrivate,
    SinkState, ATTRIBUTES,
};
use super::sink_target;
use crate::plan;
use crate::plan::pair::Pair;
use crate::plan::sink::{OnDestroy, Update, UpdateWrite};
use crate::registry::claims::Claims;
use crate::registry::integration_credentials::IntegrationCredentials;
use crate::sink::{self, Expect, Stored};
use crate::vault::KvPath;

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

    /// At plan, before anything is destroyed or regenerated: the entry's
    /// mount exists and is KV, and the token may write the entry the way a
    /// rotation does. Vault out of reach is only a warning: the apply checks
    /// again before it regenerates.
    async fn check_vault(
        &self,
        diags: &mut Diagnostics,
        s: &SinkState,
        exists: bool,
    ) -> Option<()> {
        let Some(entry) = entry_of(s) else {
            return Some(());
        };
        let vault = self.clients.vault(diags)?;
        sink_notes(diags, sink::vault_writable(&vault, &entry, exists).await)
    }

    /// Claims the sink's clients (its client and its standby) for its entry
    /// (one client, one sink); an error on the attribute naming a client
    /// another entry holds, or a credential recorded as another client's.
    fn claim(&self, diags: &mut Diagnostics, s: &SinkState) -> Option<()> {
        credential::check_owner(
            diags,
            &self.credentials,
            &s.client_id,
            &s.standby_client_id,
            &s.integration_credential_id,
        )?;
        let Some(entry) = entry_of(s) else {
            return Some(());
        };
        let clients = [
            ("client_id", s.client_id.as_ref_option().map(String::as_str)),
            (
                "standby_client_id",
                s.standby_client_id.as_ref_option().map(String::as_str),
            ),
        ];
        sink_notes(diags, sink::claim(&self.claims, &entry, clients))
    }

    /// The checks of the sink's clients on the values the plan knows: an
    /// error on the attribute for each problem.
    fn check_clients(diags: &mut Diagnostics, s: &SinkState) -> Option<()> {
        let errors = client_errors(s);
        let ok = errors.is_empty();
        for error in errors {
            attribute_error(diags, error);
        }
        ok.then_some(())
    }
}

impl SinkResource {
    /// At refresh: what the private state keeps of the credential, and the
    /// credential state lost, found again from the entry's record
    /// (`metadata`).
    async fn refresh_credential(
        &self,
        diags: &mut Diagnostics,
        spec: &sink::SinkSpec,
        state: &mut SinkState,
        private: &mut SinkPrivate,
        metadata: &BTreeMap<String, String>,
    ) -> Option<()> {
        let genesys = self.clients.genesys(diags)?;
        credential::refresh(&genesys, diags, &mut private.credential).await?;
        let (wired, kept) = (
            &mut state.integration_credential_id,
            &mut private.credential,
        );
        credential::recover(&genesys, diags, &spec.client_id, wired, kept, metadata).await
    }

    /// `verify_on_read`: exchanges the credentials stored in Vault and
    /// records a rejection for the plan (a repair) and for a refresh-only
    /// plan (`verified_at` cleared).
    async fn check_stored(
        &self,
        diags: &mut Diagnostics,
        spec: &sink::SinkSpec,
        state: &mut SinkState,
        private: &mut SinkPrivate,
    ) -> Option<()> {
        let genesys = self.clients.genesys(diags)?;
        let vault = self.clients.vault(diags)?;
        match sink::stored_credentials(&genesys, &vault, spec).await {
            Ok(stored) => {
                if stored == Stored::Rejected {
                    private.secret_rejected = true;
                    state.verified_at = Value::Null;
                }
                sink_notes(diags, sink::stored_note(spec, &stored))
            }
            Err(e) => {
                diags.root_error(
                    "Could not check the credentials stored in Vault",
                    e.to_string(),
                );
                None
            }
        }
    }
}

impl SinkResource {
    /// The plan of a replacement: attributes that force one changed
    /// (`replace`), or the client is gone. Returns the paths Terraform
    /// replaces for.
    async fn plan_replacement(
        &self,
        diags: &mut Diagnostics,
        planned: &mut SinkState,
        replace: Vec<AttributePath>,
    ) -> Option<Vec<AttributePath>> {
        mark_rotation_unknown(planned);
        if replace.is_empty() {
            // The client is gone. Terraform replaces only for a path whose
            // value changes: the secret's hash, unknown until the new sink
            // writes one.
            let (client_id, entry) = (string(&planned.client_id), string(&planned.id));
            attribute_warning(diags, plan::sink::client_gone_notice(&client_id, &entry));
            return Some(vec![AttributePath::new("secret_hash")]);
        }
        planned.id = Value::Unknown;
        // A typo in mount or path must fail here, not after the old entry
        // is deleted and the secret regenerated.
        self.check_vault(diags, planned, false).await?;
        let why = ["the sink is replaced (an attribute that forces replacement changed)".into()];
        sink_target::check(diags, &self.clients, planned, None, &why).await?;
        Some(replace)
    }

    /// Runs a rotation and turns its outcome into state and diagnostics.
    /// `prior` is the state an update starts from (`None` on create): what
    /// an update leaves when it fails after the regenerate is recorded
    /// there, so that the next plan repairs it.
    async fn rotate_into(
        &self,
        diags: &mut Diagnostics,
        mut planned: SinkState,
        prior: Option<(SinkState, SinkPrivate)>,
        expect: Expect,
    ) -> Option<(Value<SinkState>, Value<SinkPrivate>)> {
        let genesys = self.clients.genesys(diags)?;
        let vault = self.clients.vault(diags)?;
        let mut spec = spec_of(&planned, diags)?;
        // The client in Vault, as state says, when state can be trusted.
        spec.active_client_id = prior
            .as_ref()
            .and_then(|(state, private)| private.trusted(&state.active_client_id));
        self.claim(diags, &planned)?;
        let mut kept = prior.as_ref().and_then(|(_, p)| p.credential.clone());
        let (client_id, wired) = (&planned.client_id, &planned.integration_credential_id);
        credential::warn_unkept(diags, &self.credentials, client_id, wired, kept.as_ref());
        spec.credential = credential::target(wired, kept.as_ref());
        match sink::rotate(&genesys, &vault, &spec, expect).await {
            Ok(mut r) => {
                if let Some(out) = after_restore(diags, &spec, prior.as_ref(), &mut r) {
                    return out;
                }
                sink_notes(diags, sink::rotated_notes(&spec, &r));
                planned.active_client_id = Value::Value(r.client_id);
                planned.id = Value::Value(spec.entry.to_string());
                planned.vault_version = Value::Value(plan::sink::version_in_state(r.version));
                planned.secret_hash = Value::Value(r.hash);
                planned.rotated_at = time_value(Some(r.rotated_at));
                planned.rotate_after = rotate_after_of(&planned);
                planned.verified_at = time_value(r.verified_at);
                let mut private = SinkPrivate::after_write(r.version);
                let wired = &mut planned.integration_credential_id;
                let creating = prior.is_none();
                credential::record(diags, wired, &mut kept, r.credential, creating);
                private.credential = kept;
                if let Some(e) = r.verify_error {
                    private.unverified = prior.is_some();
                    let failed = sink::verify_failed(&spec, &e, prior.is_some());
                    sink_notes(diags, [failed]);
                }
                Some((Value::Value(planned), Value::Value(private)))
            }
            Err(e) => {
                let summary = "Could not rotate the OAuth client secret into Vault";
                sink_error(diags, summary, &e);
                // The secret may have been regenerated without reaching
                // Vault. On an update, keep the prior state and mark it, so
                // the next plan repairs the entry even if the config changes
                // back.
                let (state, mut private) = prior.filter(|_| e.maybe_dead())?;
                private.maybe_dead = true;
                Some((Value::Value(state), Value::Value(private)))
            }
        }
    }
}

#[async_trait]
impl Resource for SinkResource {
    type State<'a> = Value<SinkState>;
    type PrivateState<'a> = Value<SinkPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(ATTRIBUTES.schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        let Value::Value(c) = config else {
            return Some(());
        };
        let mut errors = Vec::new();
        if let Value::Value(m) = &c.mount {
            errors.extend(KvPath::check("mount", m).err());
        }
        if let Value::Value(p) = &c.path {
            errors.extend(KvPath::check("path", p).err());
        }
        if let Value::Value(p) = &c.rotation_period {
            errors.extend(plan::sink::parse_period(p).err());
        }
        if let Value::Value(o) = &c.on_destroy {
            errors.extend(OnDestroy::parse(o).err());
        }
        errors.extend(client_errors(&c));
        if let Value::Value(md) = &c.custom_metadata {
            if md.values().all(Value::is_value) {
                errors.extend(plan::sink_input::check_custom_metadata(&plain_map(
                    &c.custom_metadata,
                )));
            }
        }
        errors.extend(key_name_errors(&c));
        for error in errors {
            attribute_error(diags, error);
        }
        credential::validate(diags, &c.integration_credential_id);
        if matches!(&c.client_secret_key, Value::Value(k) if k.is_empty()) {
            diags.error(
                "Empty client_secret_key",
                "The secret needs a key to be written under.",
                AttributePath::new("client_secret_key"),
            );
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
        let Value::Value(mut state) = state else {
            return Some((Value::Null, private));
        };
        let mut private = private.as_option().unwrap_or_default();
        let genesys = self.clients.genesys(diags)?;
        let vault = self.clients.vault(diags)?;
        let spec = spec_of(&state, diags)?;
        // Independent reads, overlapped; their outcomes are judged in the
        // order they were made in before: Genesys first.
        let (client, seen) = tokio::join!(
            genesys.get_client(&spec.client_id, None),
            sink::observe(&vault, &spec.entry, &spec.keys.client_id)
        );
        match client {
            Ok(Some(c)) if !c.is_deleted() => {}
            Ok(_) => {
                // Its secret can no longer work: plan a replacement, which
                // deletes the entry this provider wrote, rather than dropping
                // the sink and leaving the entry behind.
                tracing::info!(client_id = %spec.client_id, "OAuth client is gone; the sink will be replaced");
                private.client_gone = true;
                // Shown by a refresh-only plan (drift detection).
                state.verified_at = Value::Null;
                return Some((Value::Value(state), Value::Value(private)));
            }
            Err(e) => {
                super::diag::genesys_error(diags, "Could not read the sink's OAuth client", &e);
                return None;
            }
        }
        let seen = match seen {
            Ok(seen) => seen,
            Err(e) => {
                diags.root_error("Could not read the Vault entry", e.to_string());
                return None;
            }
        };
        let observed = seen.observed;
        private.written_version = observed.adopted_written(private.written_version);
        self.refresh_credential(diags, &spec, &mut state, &mut private, &seen.metadata)
            .await?;
        private.observed_version = observed.current_version;
        private.observed_live = observed.latest_live;
        private.secret_rejected = false;
        let verify_on_read = state.verify_on_read.as_option();
        if verify_on_read.unwrap_or(plan::sink::DEFAULT_VERIFY_ON_READ) && observed.latest_live {
            self.check_stored(diags, &spec, &mut state, &mut private)
                .await?;
        }
        state.vault_version = observed
            .live_version()
            .map_or(Value::Null, |v| Value::Value(v as i64));
        if state.id.is_null() {
            state.id = Value::Value(spec.entry.to_string());
        }
        if state.active_client_id.is_null() {
            // Written before the attribute existed, or dropped by an older
            // release's refresh: the entry's record says.
            let recorded = seen.recorded.as_deref();
            let active = plan::import::active_when_state_has_none(&spec.client_id, recorded);
            state.active_client_id = Value::Value(active);
        }
        Some((Value::Value(state), Value::Value(private)))
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
        ATTRIBUTES.apply_defaults(&mut planned, &config);
        planned.id = entry_of(&planned)
            .map(|e| Value::Value(e.to_string()))
            .unwrap_or(Value::Unknown);
        mark_rotation_unknown(&mut planned);
        Self::check_clients(diags, &planned)?;
        self.claim(diags, &planned)?;
        let (client_id, wired) = (&planned.client_id, &planned.integration_credential_id);
        credential::warn_unkept(diags, &self.credentials, client_id, wired, None);
        self.check_vault(diags, &planned, false).await?;
        sink_target::check(diags, &self.clients, &planned, None, &[]).await?;
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
        let private = prior_private.as_ref_option().cloned().unwrap_or_default();
        ATTRIBUTES.apply_defaults(&mut planned, &config);

        Self::check_clients(diags, &planned)?;
        self.claim(diags, &planned)?;
        let mut replace = ATTRIBUTES.replacements(&prior, &planned);
        if plan::pair::same_pair(pair_ids(&prior), pair_ids(&planned)) {
            replace.retain(|path| *path != AttributePath::new("client_id"));
        }
        if !replace.is_empty() || private.client_gone {
            let replace = self.plan_replacement(diags, &mut planned, replace).await?;
            return Some((Value::Value(planned), prior_private, replace));
        }

        // Carry the computed values, then let the rules decide.
        carry_computed(&mut planned, &prior);
        planned.integration_credential_id = credential::planned_id(&config, &prior, &private);

        // A standby the plan does not know yet cannot be assumed to keep
        // the client in Vault.
        let (client_id, standby) = pair_ids(&planned);
        let pair = Pair::new(client_id.unwrap_or_default(), standby);
        let (client_id, wired) = (&planned.client_id, &planned.integration_credential_id);
        let kept = private.credential.as_ref();
        let remake = credential::plan(diags, &self.credentials, client_id, wired, kept);
        let vault_repair = private.repair();
        let vault_drifted = vault_repair.is_some();
        let update = plan::sink::plan_update(
            vault_repair.or(remake),
            plan::pair::left_pair(
                prior.active_client_id.as_ref_option().map(String::as_str),
                pair,
            ),
            private.triggers_changed(&prior.rotation_triggers, &config.rotation_triggers),
            planned
                .rotate_after
                .as_ref_option()
                .and_then(|t| plan::sink::parse_time(t)),
            OffsetDateTime::now_utc(),
            keys_of(&prior) != keys_of(&planned) || !same_map(&prior.extra, &planned.extra),
        );
        if update != Update::Keep {
            self.check_vault(diags, &planned, true).await?;
        }
        match update {
            Update::Rotate { reasons, repair } => {
                let active = prior.active_client_id.as_ref_option().map(String::as_str);
                sink_target::check(diags, &self.clients, &planned, active, &reasons).await?;
                mark_rotation_unknown(&mut planned);
                if repair && vault_drifted {
                    let (mount, path) = (string(&planned.mount), string(&planned.path));
                    attribute_warning(diags, plan::sink::repair_notice(&mount, &path, &reasons));
                }
            }
            Update::Rewrite => planned.vault_version = Value::Unknown,
            Update::Keep => {}
        }
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
        self.rotate_into(diags, planned, None, Expect::New).await
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
        let (Value::Value(prior), Value::Value(mut planned)) = (prior, planned) else {
            return None;
        };
        let private = planned_private.as_option().unwrap_or_default();
        let expect = Expect::Observed(private.observed());
        let write = plan::sink::update_write(
            planned.secret_hash.is_unknown(),
            planned.vault_version.is_unknown(),
            !same_map(&prior.custom_metadata, &planned.custom_metadata),
            prior.client_id != planned.client_id,
        );
        if write == UpdateWrite::Rotate {
            return self
                .rotate_into(diags, planned, Some((prior, private)), expect)
                .await;
        }
        let genesys = self.clients.genesys(diags)?;
        let vault = self.clients.vault(diags)?;
        let mut spec = spec_of(&planned, diags)?;
        // The metadata written here names the credential the sink keeps.
        let wired = &planned.integration_credential_id;
        spec.credential = credential::target(wired, private.credential.as_ref());
        let mut new_private = SinkPrivate {
            adopted: false,
            ..private.clone()
        };
        match write {
            UpdateWrite::Rewrite => {
                let keys = keys_of(&prior);
                match sink::rewrite(&genesys, &vault, &spec, &keys, expect).await {
                    Ok(version) => {
                        planned.vault_version = Value::Value(plan::sink::version_in_state(version));
                        new_private = SinkPrivate::after_write(version);
                    }
                    Err(e) => {
                        sink_error(diags, "Could not rewrite the Vault entry", &e);
                        return None;
                    }
                }
            }
            UpdateWrite::Relabel => {
                let active = spec.pair().active(&[spec.active_client_id.as_deref()]);
                if let Err(e) = sink::label(&vault, &spec, active).await {
                    diags.root_error("Could not update the Vault entry's metadata", e.to_string());
                    return None;
                }
            }
            // A rotation went to rotate_into above.
            UpdateWrite::Rotate | UpdateWrite::Nothing => {}
        }
        let mut kept = private.credential.clone();
        let written = new_private.written_version;
        let wired = &mut planned.integration_credential_id;
        credential::keep_current(&genesys, &vault, diags, &spec, written, wired, &mut kept).await;
        new_private.credential = kept;
        Some((Value::Value(planned), Value::Value(new_private)))
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
        let kept = planned_private
            .as_ref_option()
            .and_then(|p| p.credential.as_ref());
        let wired = &prior.integration_credential_id;
        credential::hand_over(&self.credentials, &prior.client_id, wired, kept);
        let on_destroy = OnDestroy::or_default(&string(&prior.on_destroy));
        let vault = self.clients.vault(diags)?;
        let spec = spec_of(&prior, diags)?;
        match sink::remove(&vault, &spec, on_destroy).await {
            Ok(removed) => sink_notes(diags, sink::left_in_place(&spec, removed)),
            Err(e) => {
                sink_error(diags, "Could not remove the Vault entry", &e);
                None
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let mut defaults = SinkState::default();
        ATTRIBUTES.apply_defaults(&mut defaults, &SinkState::default());
        let key = string(&defaults.client_id_key);
        let parsed = plan::import::check_import_id(&id, &key).map_err(|refusals| {
            for (summary, detail) in refusals {
                diags.root_error(summary, detail);
            }
        });
        let parsed = parsed.ok()?;
        let entry = parsed.entry.clone();
        let mut state = SinkState {
            id: Value::Value(entry.to_string()),
            client_id: Value::Value(parsed.client_id.clone()),
            standby_client_id: parsed.standby.clone().map_or(Value::Null, Value::Value),
            mount: Value::Value(entry.mount().to_string()),
            path: Value::Value(entry.path().to_string()),
            ..defaults
        };
        let vault = self.clients.vault(diags)?;
        let adopted = sink::adoptable(&vault, &parsed).await;
        let (active, written_at) = adopted.map_err(|n| sink_notes(diags, [n])).ok()?;
        state.active_client_id = Value::Value(active);
        // The rotation clock runs from when the entry was written.
        state.rotated_at = time_value(written_at);
        let private = SinkPrivate {
            adopted: true,
            ..Default::default()
        };
        Some((Value::Value(state), Value::Value(private)))
    }
}
