//! The sink's state as Terraform keeps it: its attributes' replace and
//! default rules (`ATTRIBUTES`, from `crate::schema::sink`), the private state
//! (version numbers and pending repairs, never a secret), and the
//! conversions from state to what `crate::sink` writes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::Diagnostics;
use time::OffsetDateTime;

use super::diag::attribute_error;
use super::schema::{Attrs, Field};
use crate::plan;
use crate::plan::sink::{Observed, Repair};
use crate::plan::sink_integration_credential::Kept;
use crate::sink::{KeyNames, SinkSpec};
use crate::vault::KvPath;

pub(super) type StringMap = Value<BTreeMap<String, Value<String>>>;

/// Resource state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkState {
    pub(super) id: Value<String>,
    pub(super) client_id: Value<String>,
    pub(super) standby_client_id: Value<String>,
    pub(super) active_client_id: Value<String>,
    pub(super) mount: Value<String>,
    pub(super) path: Value<String>,
    pub(super) client_id_key: Value<String>,
    pub(super) client_secret_key: Value<String>,
    pub(super) base_url_key: Value<String>,
    pub(super) token_url_key: Value<String>,
    pub(super) extra: StringMap,
    pub(super) custom_metadata: StringMap,
    pub(super) rotation_period: Value<String>,
    pub(super) rotation_triggers: StringMap,
    pub(super) verify: Value<bool>,
    pub(super) verify_on_read: Value<bool>,
    pub(super) on_destroy: Value<String>,
    pub(super) integration_credential_id: Value<String>,
    pub(super) vault_version: Value<i64>,
    pub(super) secret_hash: Value<String>,
    pub(super) rotated_at: Value<String>,
    pub(super) rotate_after: Value<String>,
    pub(super) verified_at: Value<String>,
}

/// Private state: what Terraform wrote and what the last read saw. Holds
/// version numbers only, never a secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkPrivate {
    pub(super) written_version: Option<u64>,
    pub(super) observed_version: Option<u64>,
    pub(super) observed_live: bool,
    pub(super) secret_rejected: bool,
    /// The last read found the OAuth client gone from Genesys: the sink is
    /// planned for replacement (never silently dropped from state).
    pub(super) client_gone: bool,
    /// The last rotation's verify failed on an update: the next plan
    /// rotates again.
    pub(super) unverified: bool,
    /// A regenerate got no clear answer on an update: the secret in Vault
    /// may be dead, and the next plan repairs it whatever the config says.
    pub(super) maybe_dead: bool,
    /// The integration credential the sink wrote last (ids and name).
    pub(super) credential: Option<Kept>,
    /// Imported, and not applied since: the entry is taken as it is
    /// (`plan::import::triggers_changed`).
    pub(super) adopted: bool,
}

impl SinkPrivate {
    pub(super) fn observed(&self) -> Observed {
        Observed {
            current_version: self.observed_version,
            latest_live: self.observed_live,
        }
    }
    pub(super) fn repair(&self) -> Option<Repair> {
        plan::sink::repair(
            self.maybe_dead,
            self.unverified,
            self.written_version,
            self.observed(),
            self.secret_rejected,
        )
    }
    /// The client state says is in Vault (`active`), when Vault still holds
    /// what this sink last wrote.
    pub(super) fn trusted(&self, active: &Value<String>) -> Option<String> {
        plan::pair::trusted_state_record(
            active.as_ref_option().map(String::as_str),
            self.written_version,
            self.observed_version,
        )
        .map(str::to_string)
    }
    /// Whether `rotation_triggers` changed from `prior` (state) to
    /// `config`, for the rotation rule: triggers first seen after an import
    /// are adopted, not a change.
    pub(super) fn triggers_changed(&self, prior: &StringMap, config: &StringMap) -> bool {
        plan::import::triggers_changed(
            self.adopted,
            !plain_map(prior).is_empty(),
            !same_map(prior, config),
        )
    }
    pub(super) fn after_write(version: Option<u64>) -> SinkPrivate {
        let v = version.unwrap_or(0);
        SinkPrivate {
            written_version: Some(v),
            observed_version: Some(v),
            observed_live: true,
            secret_rejected: false,
            client_gone: false,
            unverified: false,
            maybe_dead: false,
            credential: None,
            adopted: false,
        }
    }
}

pub(super) fn plain_map(m: &StringMap) -> BTreeMap<String, String> {
    m.as_ref_option()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_ref_option()?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn string(v: &Value<String>) -> String {
    v.as_ref_option().cloned().unwrap_or_default()
}

/// A string attribute's value, `None` when null or not known yet.
fn known(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(String::as_str)
}

pub(super) fn keys_of(s: &SinkState) -> KeyNames {
    KeyNames {
        client_id: string(&s.client_id_key),
        client_secret: string(&s.client_secret_key),
        base_url: string(&s.base_url_key),
        token_url: string(&s.token_url_key),
    }
}

/// The entry's place; `None` until mount and path are known and valid.
pub(super) fn entry_of(s: &SinkState) -> Option<KvPath> {
    KvPath::checked(
        s.mount.as_ref_option()?,
        s.path.as_ref_option()?,
        ["mount", "path"],
    )
    .ok()
}

/// What the sink writes and where. Mount and path were checked at validate;
/// state written by an older release could still hold a malformed one.
pub(super) fn spec_of(s: &SinkState, diags: &mut Diagnostics) -> Option<SinkSpec> {
    let Some(entry) = entry_of(s) else {
        let refusal = plan::sink_input::entry_refusal(&string(&s.mount), &string(&s.path));
        attribute_error(diags, refusal);
        return None;
    };
    Some(SinkSpec {
        client_id: string(&s.client_id),
        standby_client_id: s.standby_client_id.as_ref_option().cloned(),
        active_client_id: s.active_client_id.as_ref_option().cloned(),
        entry,
        keys: keys_of(s),
        extra: plain_map(&s.extra),
        custom_metadata: plain_map(&s.custom_metadata),
        verify: s.verify.as_option().unwrap_or(plan::sink::DEFAULT_VERIFY),
        credential: None,
    })
}

pub(super) fn time_value(t: Option<OffsetDateTime>) -> Value<String> {
    t.map(|t| Value::Value(plan::sink::format_time(t)))
        .unwrap_or(Value::Null)
}

/// `rotated_at + rotation_period`, when both are known.
pub(super) fn rotate_after_of(s: &SinkState) -> Value<String> {
    match (&s.rotated_at, &s.rotation_period) {
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        (Value::Value(at), Value::Value(period)) => {
            match (plan::sink::parse_time(at), plan::sink::parse_period(period)) {
                (Some(at), Ok(p)) => time_value(Some(plan::sink::rotate_after(at, p))),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// Key names that collide (a name left out of the configuration takes its
/// default); the rule is `plan::sink_input::check_known_key_names`.
pub(super) fn key_name_errors(c: &SinkState) -> Vec<crate::attribute_error::AttributeError> {
    let mut with_defaults = c.clone();
    ATTRIBUTES.apply_defaults(&mut with_defaults, c);
    let named = [
        ("client_id_key", known(&with_defaults.client_id_key)),
        ("client_secret_key", known(&with_defaults.client_secret_key)),
        ("base_url_key", known(&with_defaults.base_url_key)),
        ("token_url_key", known(&with_defaults.token_url_key)),
    ];
    // Only the keys matter here, and they are known even when a value is not.
    let extra: Option<BTreeMap<String, String>> = (!c.extra.is_unknown()).then(|| {
        c.extra
            .iter()
            .flatten()
            .map(|(k, _)| (k.clone(), String::new()))
            .collect()
    });
    plan::sink_input::check_known_key_names(&named, extra.as_ref())
}

/// Empty and absent maps mean the same.
/// An update's plan keeps what the last apply computed (the rules then
/// decide what changes).
pub(super) fn carry_computed(planned: &mut SinkState, prior: &SinkState) {
    planned.id = prior.id.clone();
    planned.vault_version = prior.vault_version;
    planned.secret_hash = prior.secret_hash.clone();
    planned.rotated_at = prior.rotated_at.clone();
    planned.verified_at = prior.verified_at.clone();
    planned.active_client_id = prior.active_client_id.clone();
    planned.rotate_after = rotate_after_of(planned);
}

/// The sink's (`client_id`, `standby_client_id`), known values only.
pub(super) fn pair_ids(s: &SinkState) -> (Option<&str>, Option<&str>) {
    (
        s.client_id.as_ref_option().map(String::as_str),
        s.standby_client_id.as_ref_option().map(String::as_str),
    )
}

pub(super) fn same_map(a: &StringMap, b: &StringMap) -> bool {
    plain_map(a) == plain_map(b) && a.is_unknown() == b.is_unknown()
}

pub(super) fn mark_rotation_unknown(s: &mut SinkState) {
    s.vault_version = Value::Unknown;
    s.secret_hash = Value::Unknown;
    s.rotated_at = Value::Unknown;
    s.rotate_after = Value::Unknown;
    s.verified_at = Value::Unknown;
    s.active_client_id = Value::Unknown;
}

/// The checks of `client_id`, `standby_client_id` and `client_id_key` on
/// the values known so far (at validate, and again at plan when values
/// computed from other resources are known).
pub(super) fn client_errors(s: &SinkState) -> Vec<crate::attribute_error::AttributeError> {
    plan::sink_input::check_clients(
        known(&s.client_id),
        known(&s.standby_client_id),
        known(&s.client_id_key),
    )
}

/// The sink's attributes (`crate::schema::sink`), with their replace and
/// default rules applied to the state's fields.
pub(super) static ATTRIBUTES: LazyLock<Attrs<SinkState>> =
    LazyLock::new(|| Attrs::new(crate::schema::sink::block(), field));

/// The state's field of each attribute with a plan rule.
fn field(name: &str) -> Option<Field<SinkState>> {
    Some(match name {
        "client_id" => Field::Text(|s| &mut s.client_id),
        "mount" => Field::Text(|s| &mut s.mount),
        "path" => Field::Text(|s| &mut s.path),
        "client_id_key" => Field::Text(|s| &mut s.client_id_key),
        "client_secret_key" => Field::Text(|s| &mut s.client_secret_key),
        "base_url_key" => Field::Text(|s| &mut s.base_url_key),
        "token_url_key" => Field::Text(|s| &mut s.token_url_key),
        "verify" => Field::Bool(|s| &mut s.verify),
        "verify_on_read" => Field::Bool(|s| &mut s.verify_on_read),
        "on_destroy" => Field::Text(|s| &mut s.on_destroy),
        _ => return None,
    })
}
