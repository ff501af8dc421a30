//! The sink's state as Terraform keeps it: its attributes' replace and
//! default rules (`ATTRIBUTES`, from
//! `crate::vault_secret::fields::resource_block`), and the two
//! conversions to and from the plain `SinkFields` the rules and steps
//! take. The private state is `crate::vault_secret::record::SinkRecord` as it is.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::tf::schema::{self, Attrs};
use crate::vault_secret::fields::{Field, FieldMap, SinkFields};

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

pub(crate) fn field<T>(v: Value<T>) -> Field<T> {
    match v {
        Value::Value(t) => Field::Known(t),
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
    }
}

fn value<T>(f: Field<T>) -> Value<T> {
    match f {
        Field::Known(t) => Value::Value(t),
        Field::Null => Value::Null,
        Field::Unknown => Value::Unknown,
    }
}

fn field_map(m: StringMap) -> FieldMap {
    field(m).map(|m| m.into_iter().map(|(k, v)| (k, field(v))).collect())
}

fn value_map(m: FieldMap) -> StringMap {
    value(m.map(|m| m.into_iter().map(|(k, v)| (k, value(v))).collect()))
}

/// The two conversions, each attribute named once: `plain` ones as they
/// are, `maps` element by element.
macro_rules! conversions {
    (plain: $($p:ident),*; maps: $($m:ident),*) => {
        impl From<SinkState> for SinkFields {
            fn from(s: SinkState) -> SinkFields {
                SinkFields { $($p: field(s.$p),)* $($m: field_map(s.$m),)* }
            }
        }
        impl From<SinkFields> for SinkState {
            fn from(f: SinkFields) -> SinkState {
                SinkState { $($p: value(f.$p),)* $($m: value_map(f.$m),)* }
            }
        }
    };
}

conversions!(
    plain: id, client_id, standby_client_id, active_client_id, mount, path, client_id_key,
        client_secret_key, base_url_key, token_url_key, rotation_period, verify, verify_on_read,
        on_destroy, integration_credential_id, vault_version, secret_hash, rotated_at,
        rotate_after, verified_at;
    maps: extra, custom_metadata, rotation_triggers
);

/// The sink's attributes (`crate::vault_secret::fields::resource_block`), with
/// their replace and default rules applied to the state's fields.
pub(crate) static ATTRIBUTES: LazyLock<Attrs<SinkState>> =
    LazyLock::new(|| Attrs::new(crate::vault_secret::fields::resource_block(), rule_field));

/// The state's field of each attribute with a plan rule.
fn rule_field(name: &str) -> Option<schema::Field<SinkState>> {
    Some(match name {
        "client_id" => schema::Field::Text(|s| &mut s.client_id),
        "mount" => schema::Field::Text(|s| &mut s.mount),
        "path" => schema::Field::Text(|s| &mut s.path),
        "client_id_key" => schema::Field::Text(|s| &mut s.client_id_key),
        "client_secret_key" => schema::Field::Text(|s| &mut s.client_secret_key),
        "base_url_key" => schema::Field::Text(|s| &mut s.base_url_key),
        "token_url_key" => schema::Field::Text(|s| &mut s.token_url_key),
        "verify" => schema::Field::Bool(|s| &mut s.verify),
        "verify_on_read" => schema::Field::Bool(|s| &mut s.verify_on_read),
        "on_destroy" => schema::Field::Text(|s| &mut s.on_destroy),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_rule_finds_its_field() {
        assert!(crate::tf::schema::unmatched(&ATTRIBUTES).is_empty());
    }

    #[test]
    fn the_conversions_keep_null_unknown_and_set_apart_both_ways() {
        let elements: BTreeMap<String, Value<String>> = [
            ("set".to_string(), Value::Value("v".to_string())),
            ("unknown".to_string(), Value::Unknown),
            ("null".to_string(), Value::Null),
        ]
        .into();
        let state = SinkState {
            id: Value::Unknown,
            client_id: Value::Value("a".into()),
            standby_client_id: Value::Null,
            extra: Value::Value(elements),
            custom_metadata: Value::Unknown,
            verify: Value::Value(false),
            vault_version: Value::Value(3),
            ..SinkState::default()
        };
        let fields = SinkFields::from(state.clone());
        assert!(fields.id.is_unknown() && fields.standby_client_id.is_null());
        assert_eq!(fields.client_id.str(), Some("a"));
        assert_eq!(fields.vault_version, Field::Known(3));
        let extra = fields.extra.known().expect("extra");
        assert!(extra["unknown"].is_unknown() && extra["null"].is_null());
        assert_eq!(SinkState::from(fields), state);
    }
}
