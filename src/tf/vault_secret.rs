//! `genesyscloud_oauth_client_vault_secret`: glue only. The sink's steps are
//! in `crate::sink`, its rules in `crate::plan::vault_secret`.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{
    AttributeConstraint::{Computed, Optional, OptionalComputed, Required},
    AttributeType::{self, Bool, Number, String as Str},
    Block, Description, Schema,
};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{map, AttributePath, Diagnostics, Resource};
use time::OffsetDateTime;

use super::diag::field_error;
use super::provider::Shared;
use super::schema::attr;
use crate::plan::vault_secret::{self as rules, Observed, OnDestroy};
use crate::sink::{self, Expect, KeyNames, SinkError, SinkSpec};

/// The resource.
pub struct VaultSecretResource {
    shared: Arc<Shared>,
}

impl VaultSecretResource {
    /// A resource using the provider's shared clients.
    pub fn new(shared: Arc<Shared>) -> Self {
        VaultSecretResource { shared }
    }
}

type StringMap = Value<BTreeMap<String, Value<String>>>;

/// Resource state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkState {
    id: Value<String>,
    client_id: Value<String>,
    mount: Value<String>,
    path: Value<String>,
    client_id_key: Value<String>,
    client_secret_key: Value<String>,
    base_url_key: Value<String>,
    token_url_key: Value<String>,
    extra: StringMap,
    custom_metadata: StringMap,
    rotation_period: Value<String>,
    rotation_triggers: StringMap,
    verify: Value<bool>,
    verify_on_read: Value<bool>,
    on_destroy: Value<String>,
    vault_version: Value<i64>,
    secret_hash: Value<String>,
    rotated_at: Value<String>,
    rotate_after: Value<String>,
    verified_at: Value<String>,
}

/// Private state: what Terraform wrote and what the last read saw. Holds
/// version numbers only, never a secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkPrivate {
    written_version: Option<u64>,
    observed_version: Option<u64>,
    observed_live: bool,
    secret_rejected: bool,
}

impl SinkPrivate {
    fn observed(&self) -> Observed {
        Observed {
            current_version: self.observed_version,
            latest_live: self.observed_live,
        }
    }
    fn repair(&self) -> Option<rules::Repair> {
        rules::drift(self.written_version, self.observed(), self.secret_rejected)
    }
    fn after_write(version: Option<u64>) -> SinkPrivate {
        let v = version.unwrap_or(0);
        SinkPrivate {
            written_version: Some(v),
            observed_version: Some(v),
            observed_live: true,
            secret_rejected: false,
        }
    }
}

const DEFAULT_KEYS: [(&str, &str); 4] = [
    ("client_id_key", "client_id"),
    ("client_secret_key", "client_secret"),
    ("base_url_key", "base_url"),
    ("token_url_key", "token_url"),
];

fn plain_map(m: &StringMap) -> BTreeMap<String, String> {
    m.as_ref_option()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_ref_option()?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

fn string(v: &Value<String>) -> String {
    v.as_ref_option().cloned().unwrap_or_default()
}

fn keys_of(s: &SinkState) -> KeyNames {
    KeyNames {
        client_id: string(&s.client_id_key),
        client_secret: string(&s.client_secret_key),
        base_url: string(&s.base_url_key),
        token_url: string(&s.token_url_key),
    }
}

fn spec_of(s: &SinkState) -> SinkSpec {
    SinkSpec {
        client_id: string(&s.client_id),
        mount: string(&s.mount),
        path: string(&s.path),
        keys: keys_of(s),
        extra: plain_map(&s.extra),
        custom_metadata: plain_map(&s.custom_metadata),
        verify: s.verify.as_option().unwrap_or(true),
    }
}

fn time_value(t: Option<OffsetDateTime>) -> Value<String> {
    t.map(|t| Value::Value(rules::format_time(t)))
        .unwrap_or(Value::Null)
}

/// `rotated_at + rotation_period`, when both are known.
fn rotate_after_of(s: &SinkState) -> Value<String> {
    match (&s.rotated_at, &s.rotation_period) {
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        (Value::Value(at), Value::Value(period)) => {
            match (rules::parse_time(at), rules::parse_period(period)) {
                (Some(at), Ok(p)) => time_value(Some(rules::rotate_after(at, p))),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// Empty and absent maps mean the same.
fn same_map(a: &StringMap, b: &StringMap) -> bool {
    plain_map(a) == plain_map(b) && a.is_unknown() == b.is_unknown()
}

fn sink_error(diags: &mut Diagnostics, summary: &str, e: &SinkError) {
    let attribute = match e {
        SinkError::NotOurs { .. } | SinkError::ChangedSincePlan { .. } => Some("path"),
        SinkError::ClientGone(_) => Some("client_id"),
        SinkError::CannotVerify { .. } => Some("verify"),
        _ => None,
    };
    match attribute {
        Some(a) => diags.error(summary.to_string(), e.to_string(), AttributePath::new(a)),
        None => diags.root_error(summary.to_string(), e.to_string()),
    }
}

/// Fills the optional+computed defaults the configuration leaves out.
fn apply_defaults(planned: &mut SinkState, config: &SinkState) {
    let slots: [(&Value<String>, &mut Value<String>); 4] = [
        (&config.client_id_key, &mut planned.client_id_key),
        (&config.client_secret_key, &mut planned.client_secret_key),
        (&config.base_url_key, &mut planned.base_url_key),
        (&config.token_url_key, &mut planned.token_url_key),
    ];
    for ((conf, slot), (_, default)) in slots.into_iter().zip(DEFAULT_KEYS) {
        if conf.is_null() {
            *slot = Value::Value(default.to_string());
        }
    }
    if config.verify.is_null() {
        planned.verify = Value::Value(true);
    }
    if config.verify_on_read.is_null() {
        planned.verify_on_read = Value::Value(false);
    }
    if config.on_destroy.is_null() {
        planned.on_destroy = Value::Value("delete_all".into());
    }
}

fn mark_rotation_unknown(s: &mut SinkState) {
    s.vault_version = Value::Unknown;
    s.secret_hash = Value::Unknown;
    s.rotated_at = Value::Unknown;
    s.rotate_after = Value::Unknown;
    s.verified_at = Value::Unknown;
}

impl VaultSecretResource {
    /// Runs a rotation and turns its outcome into state and diagnostics.
    async fn rotate_into(
        &self,
        diags: &mut Diagnostics,
        mut planned: SinkState,
        expect: Expect,
    ) -> Option<(Value<SinkState>, Value<SinkPrivate>)> {
        let genesys = self.shared.genesys(diags)?;
        let vault = self.shared.vault(diags)?;
        let spec = spec_of(&planned);
        match sink::rotate(&genesys, &vault, &spec, expect).await {
            Ok(r) => {
                planned.id = Value::Value(format!("{}/{}", spec.mount, spec.path));
                planned.vault_version = Value::Value(r.version.map(|v| v as i64).unwrap_or(0));
                planned.secret_hash = Value::Value(r.hash);
                planned.rotated_at = time_value(Some(r.rotated_at));
                planned.rotate_after = rotate_after_of(&planned);
                planned.verified_at = time_value(r.verified_at);
                if let Some(e) = r.verify_error {
                    diags.error(
                        "The new secret does not work",
                        format!("The secret was written to Vault ({}/{}), but Genesys Cloud rejected it: {e}. The resource is marked for replacement.", spec.mount, spec.path),
                        AttributePath::new("verify"),
                    );
                }
                Some((
                    Value::Value(planned),
                    Value::Value(SinkPrivate::after_write(r.version)),
                ))
            }
            Err(e) => {
                sink_error(
                    diags,
                    "Could not rotate the OAuth client secret into Vault",
                    &e,
                );
                None
            }
        }
    }
}

#[async_trait]
impl Resource for VaultSecretResource {
    type State<'a> = Value<SinkState>;
    type PrivateState<'a> = Value<SinkPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let map = || AttributeType::Map(Box::new(AttributeType::String));
        Some(Schema {
            version: 0,
            block: Block {
                version: 0,
                description: Description::markdown(
                    "Obtains a Genesys Cloud OAuth client's secret at the only moment Genesys returns it (regenerating it), writes it to HashiCorp Vault KV, and keeps only a salted hash and the Vault version in state.",
                ),
                attributes: map! {
                    "id" => attr(Str, Computed, "Where the secret is kept, `<mount>/<path>`, e.g. `secret/genesys/oauth/ci`."),
                    "client_id" => attr(Str, Required, "Id of the OAuth client whose secret is kept. Changing it replaces the sink."),
                    "mount" => attr(Str, Required, "KV mount (v1 or v2), e.g. `secret`. Changing it replaces the sink."),
                    "path" => attr(Str, Required, "Path inside the mount, e.g. `genesys/oauth/ci`. No leading or trailing `/`, no empty, `.` or `..` segments. Changing it replaces the sink."),
                    "client_id_key" => attr(Str, OptionalComputed, "Key of the client id in the entry. Default `client_id`; empty leaves it out."),
                    "client_secret_key" => attr(Str, OptionalComputed, "Key of the client secret in the entry. Default `client_secret`."),
                    "base_url_key" => attr(Str, OptionalComputed, "Key of the API base URL. Default `base_url`; empty leaves it out."),
                    "token_url_key" => attr(Str, OptionalComputed, "Key of the token endpoint URL. Default `token_url`; empty leaves it out."),
                    "extra" => attr(map(), Optional, "Non-secret values written beside the credentials."),
                    "custom_metadata" => attr(map(), Optional, "KV v2 custom metadata added to the entry (the provider adds `managed-by`, `genesys-client-id` and, in Terraform Cloud runs, the workspace and run id)."),
                    "rotation_period" => attr(Str, Optional, "Rotate when this long has passed since the last rotation, e.g. `2160h` or `90d`. The rotation happens at the first apply after `rotate_after`."),
                    "rotation_triggers" => attr(map(), Optional, "Arbitrary values; any change rotates the secret (like the random provider's `keepers`)."),
                    "verify" => attr(Bool, OptionalComputed, "After writing, exchange the new credentials at the token endpoint and fail if they do not work. Default `true` (needs a `CLIENT-CREDENTIALS` client)."),
                    "verify_on_read" => attr(Bool, OptionalComputed, "On every refresh, exchange the credentials stored in Vault; a rejection means the secret was reset outside Terraform, and the plan repairs it. Default `false`."),
                    "on_destroy" => attr(Str, OptionalComputed, "`delete_all` (default: every version and the metadata), `soft_delete` (latest version, recoverable) or `retain`. An entry someone else has since taken over is never deleted."),
                    "vault_version" => attr(Number, Computed, "KV v2 version holding the current secret (0 on KV v1)."),
                    "secret_hash" => attr(Str, Computed, "`sha256:<hex>` of the secret, salted with the client id and domain-separated. Null after import until the next rotation."),
                    "rotated_at" => attr(Str, Computed, "When the secret was last regenerated (RFC 3339)."),
                    "rotate_after" => attr(Str, Computed, "`rotated_at + rotation_period`: the first apply after this rotates."),
                    "verified_at" => attr(Str, Computed, "When the current secret was seen to work at the token endpoint."),
                },
                blocks: Default::default(),
                deprecated: false,
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        let Value::Value(c) = config else {
            return Some(());
        };
        let mut errors = Vec::new();
        if let Value::Value(m) = &c.mount {
            errors.extend(rules::check_kv_path("mount", m).err());
        }
        if let Value::Value(p) = &c.path {
            errors.extend(rules::check_kv_path("path", p).err());
        }
        if let Value::Value(p) = &c.rotation_period {
            errors.extend(rules::parse_period(p).err());
        }
        if let Value::Value(o) = &c.on_destroy {
            errors.extend(OnDestroy::parse(o).err());
        }
        for error in errors {
            field_error(diags, error);
        }
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
        let genesys = self.shared.genesys(diags)?;
        let vault = self.shared.vault(diags)?;
        let spec = spec_of(&state);
        match genesys.get_client(&spec.client_id).await {
            Ok(Some(c)) if !c.is_deleted() => {}
            Ok(_) => {
                tracing::info!(client_id = %spec.client_id, "OAuth client is gone; the sink leaves the state");
                return Some((Value::Null, Value::Null));
            }
            Err(e) => {
                super::diag::genesys_error(diags, "Could not read the sink's OAuth client", &e);
                return None;
            }
        }
        let observed = match sink::observe(&vault, &spec.mount, &spec.path).await {
            Ok((_, o)) => o,
            Err(e) => {
                diags.root_error("Could not read the Vault entry", e.to_string());
                return None;
            }
        };
        if private.written_version.is_none() && observed.latest_live {
            // Imported: adopt what is there.
            private.written_version = observed.current_version;
        }
        private.observed_version = observed.current_version;
        private.observed_live = observed.latest_live;
        private.secret_rejected = false;
        if state.verify_on_read.as_option() == Some(true) && observed.latest_live {
            match sink::stored_credentials_work(&genesys, &vault, &spec).await {
                Ok(works) => private.secret_rejected = !works,
                Err(e) => {
                    diags.root_error(
                        "Could not check the credentials stored in Vault",
                        e.to_string(),
                    );
                    return None;
                }
            }
        }
        state.vault_version = observed
            .current_version
            .filter(|_| observed.latest_live)
            .map(|v| Value::Value(v as i64))
            .unwrap_or(Value::Null);
        if state.id.is_null() {
            state.id = Value::Value(format!("{}/{}", spec.mount, spec.path));
        }
        Some((Value::Value(state), Value::Value(private)))
    }

    async fn plan_create<'a>(
        &self,
        _diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(mut planned) = proposed else {
            return Some((proposed, Value::Null));
        };
        let config = config.as_option().unwrap_or_default();
        apply_defaults(&mut planned, &config);
        planned.id = match (&planned.mount, &planned.path) {
            (Value::Value(m), Value::Value(p)) => Value::Value(format!("{m}/{p}")),
            _ => Value::Unknown,
        };
        mark_rotation_unknown(&mut planned);
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
        apply_defaults(&mut planned, &config);

        let replace: Vec<AttributePath> = [
            ("client_id", prior.client_id != planned.client_id),
            ("mount", prior.mount != planned.mount),
            ("path", prior.path != planned.path),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| AttributePath::new(name))
        .collect();
        if !replace.is_empty() {
            mark_rotation_unknown(&mut planned);
            planned.id = Value::Unknown;
            return Some((Value::Value(planned), prior_private, replace));
        }

        // Carry the computed values, then decide what the apply must do.
        planned.id = prior.id.clone();
        planned.vault_version = prior.vault_version;
        planned.secret_hash = prior.secret_hash.clone();
        planned.rotated_at = prior.rotated_at.clone();
        planned.verified_at = prior.verified_at.clone();
        planned.rotate_after = rotate_after_of(&planned);

        let mut reasons = Vec::new();
        if let Some(repair) = private.repair() {
            reasons.push(repair.to_string());
        }
        if !same_map(&prior.rotation_triggers, &config.rotation_triggers) {
            reasons.push("rotation_triggers changed".into());
        }
        if let Value::Value(after) = &planned.rotate_after {
            if rules::parse_time(after).is_some_and(|t| OffsetDateTime::now_utc() >= t) {
                reasons.push(format!("the rotation period ended at {after}"));
            }
        }
        if !reasons.is_empty() {
            mark_rotation_unknown(&mut planned);
            if private.repair().is_some() {
                diags.warning(
                    "The Vault entry will be repaired",
                    format!(
                        "{}/{}: {}. Apply regenerates the client secret and writes it again.",
                        string(&planned.mount),
                        string(&planned.path),
                        reasons.join("; ")
                    ),
                    AttributePath::new("vault_version"),
                );
            }
        } else if keys_of(&prior) != keys_of(&planned) || !same_map(&prior.extra, &planned.extra) {
            // Same secret, new layout: a new version without rotating.
            planned.vault_version = Value::Unknown;
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
        self.rotate_into(diags, planned, Expect::New).await
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
        if planned.secret_hash.is_unknown() {
            return self.rotate_into(diags, planned, expect).await;
        }
        let genesys = self.shared.genesys(diags)?;
        let vault = self.shared.vault(diags)?;
        let spec = spec_of(&planned);
        let mut new_private = private.clone();
        if planned.vault_version.is_unknown() {
            match sink::rewrite(&genesys, &vault, &spec, &keys_of(&prior), expect).await {
                Ok(version) => {
                    planned.vault_version = Value::Value(version.map(|v| v as i64).unwrap_or(0));
                    new_private = SinkPrivate::after_write(version);
                }
                Err(e) => {
                    sink_error(diags, "Could not rewrite the Vault entry", &e);
                    return None;
                }
            }
        } else if !same_map(&prior.custom_metadata, &planned.custom_metadata) {
            if let Err(e) = sink::label(&vault, &spec).await {
                diags.root_error("Could not update the Vault entry's metadata", e.to_string());
                return None;
            }
        }
        Some((Value::Value(planned), Value::Value(new_private)))
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
        let on_destroy =
            OnDestroy::parse(&string(&prior.on_destroy)).unwrap_or(OnDestroy::DeleteAll);
        let vault = self.shared.vault(diags)?;
        let spec = spec_of(&prior);
        match sink::remove(&vault, &spec, on_destroy).await {
            Ok(true) => Some(()),
            Ok(false) => {
                diags.root_warning(
                    "Vault entry left in place",
                    format!("{}/{} now holds an entry this provider did not write for client {}; it was not deleted.", spec.mount, spec.path, spec.client_id),
                );
                Some(())
            }
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
        let parsed = match id.split(':').collect::<Vec<_>>().as_slice() {
            [client, mount, path] => {
                Some((client.to_string(), mount.to_string(), path.to_string()))
            }
            [client, rest] => rest
                .split_once('/')
                .map(|(m, p)| (client.to_string(), m.to_string(), p.to_string())),
            _ => None,
        };
        let Some((client_id, mount, path)) = parsed.filter(|(c, m, p)| {
            !c.is_empty()
                && rules::check_kv_path("mount", m).is_ok()
                && rules::check_kv_path("path", p).is_ok()
        }) else {
            diags.root_error(
                "Invalid import id",
                format!("{id:?}: use <client_id>:<mount>/<path> (mount is the first segment), or <client_id>:<mount>:<path> for a mount with '/' in its name."),
            );
            return None;
        };
        let mut state = SinkState {
            id: Value::Value(format!("{mount}/{path}")),
            client_id: Value::Value(client_id),
            mount: Value::Value(mount),
            path: Value::Value(path),
            ..Default::default()
        };
        apply_defaults(&mut state, &SinkState::default());
        Some((Value::Value(state), Value::Null))
    }
}
