//! The sink's state as Terraform keeps it: its attributes with their
//! replace and default rules (the `ATTRIBUTES` table), and the two
//! conversions to and from the plain `SinkFields` the rules and steps
//! take. The private state is `plan::sink_record::SinkRecord` as it is.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{
    AttributeConstraint::{Computed, Optional, OptionalComputed, Required},
    AttributeType::{self, Bool, Number, String as Str},
};
use tf_provider::value::Value;

use super::schema::{Attr, Attrs};
use crate::plan;
use crate::plan::sink_fields::{Field, FieldMap, SinkFields};

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

fn field<T>(v: Value<T>) -> Field<T> {
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

/// The sink's attributes, with their replace and default rules.
pub(super) static ATTRIBUTES: LazyLock<Attrs<SinkState>> = LazyLock::new(|| {
    let map = || AttributeType::Map(Box::new(AttributeType::String));
    Attrs::new(vec![
        Attr::new("id", Str, Computed, "Where the secret is kept, `<mount>/<path>`, e.g. `secret/genesys/oauth/ci`."),
        Attr::new("client_id", Str, Required, "Id of the OAuth client whose secret is kept. Changing it replaces the sink, except when it is swapped with `standby_client_id` (the same two clients: nothing is regenerated).")
            .replaces(|s: &SinkState| &s.client_id),
        Attr::new("standby_client_id", Str, Optional, "Id of a second OAuth client, equivalent to `client_id` (the same roles in the same divisions), for rotation without downtime: every rotation (create, `rotation_period`, `rotation_triggers`, a drift repair) regenerates the one of the two whose credentials are not in Vault and writes its id and new secret, leaving the other alone, so credentials read before a rotation keep working until the rotation after it. Both must be `CLIENT-CREDENTIALS` clients, and `client_id_key` must not be empty. Changing or removing it rotates nothing while `client_id` is active (the next rotation writes the new standby); when the standby is the active client, the plan rotates to `client_id` and leaves the old standby's secret alone. See the guide \"Rotating without downtime\"."),
        Attr::new("mount", Str, Required, "KV mount (v1 or v2), e.g. `secret`.")
            .replaces(|s: &SinkState| &s.mount),
        Attr::new("path", Str, Required, "Path inside the mount, e.g. `genesys/oauth/ci`. No leading or trailing `/`, no empty, `.` or `..` segments.")
            .replaces(|s: &SinkState| &s.path),
        Attr::new("client_id_key", Str, OptionalComputed, "Key of the client id in the entry; empty leaves it out (not with a `standby_client_id`).")
            .default(|s: &mut SinkState| &mut s.client_id_key, "client_id".to_string()),
        Attr::new("client_secret_key", Str, OptionalComputed, "Key of the client secret in the entry.")
            .default(|s: &mut SinkState| &mut s.client_secret_key, "client_secret".to_string()),
        Attr::new("base_url_key", Str, OptionalComputed, "Key of the API base URL; empty leaves it out.")
            .default(|s: &mut SinkState| &mut s.base_url_key, "base_url".to_string()),
        Attr::new("token_url_key", Str, OptionalComputed, "Key of the token endpoint URL; empty leaves it out.")
            .default(|s: &mut SinkState| &mut s.token_url_key, "token_url".to_string()),
        Attr::new("extra", map(), Optional, "Non-secret values written beside the credentials."),
        Attr::new("custom_metadata", map(), Optional, "KV v2 custom metadata added to the entry (the provider adds `managed-by`, `genesys-client-id` (the sink's `client_id`), `genesys-active-client-id`, `genesys-integration-credential-id` (the credential the sink keeps current, if any) and, in Terraform Cloud runs, the workspace and run id)."),
        Attr::new("rotation_period", Str, Optional, "Rotate when this long has passed since the last rotation, e.g. `2160h` or `90d`. The rotation happens at the first apply after `rotate_after`."),
        Attr::new("rotation_triggers", map(), Optional, "Arbitrary values; any change rotates the secret (like the random provider's `keepers`)."),
        Attr::new("verify", Bool, OptionalComputed, "After writing, exchange the new credentials at the token endpoint and fail if they do not work (needs a `CLIENT-CREDENTIALS` client). With a `standby_client_id`, the new secret is also exchanged before it is written (a refused one is not written), and when the credentials read back after the write are refused, the other client's, which the entry held before, are written back.")
            .default(|s: &mut SinkState| &mut s.verify, plan::sink::DEFAULT_VERIFY),
        Attr::new("verify_on_read", Bool, OptionalComputed, "On every refresh, exchange the credentials stored in Vault; a rejection means the secret was reset outside Terraform, and the plan repairs it.")
            .default(|s: &mut SinkState| &mut s.verify_on_read, plan::sink::DEFAULT_VERIFY_ON_READ),
        Attr::new("on_destroy", Str, OptionalComputed, "`delete_all` (every version and the metadata), `soft_delete` (latest version, recoverable) or `retain`. An entry someone else has since taken over is never deleted.")
            .default(|s: &mut SinkState| &mut s.on_destroy, plan::sink::OnDestroy::DEFAULT.name().to_string()),
        Attr::new("integration_credential_id", Str, OptionalComputed, "Id of a `pureCloudOAuthClient` integration credential (what data actions authenticate with) to keep current, e.g. `genesyscloud_oauth_client.x.integration_credential_id`. Every regenerate writes the new secret into it (keeping its name) right after the Vault write and before the verify. A credential that cannot be read stops the rotation before the regenerate. When writing it fails, the apply says so and the next plan writes the secret held in Vault into it, without regenerating; a credential newly set here gets the secret from Vault the same way. One deleted outside Terraform is made again under its name by a rotation that the plan schedules. The entry's custom metadata names it (`genesys-integration-credential-id`): when state loses it (a release from before credentials drops it on refresh) while the configured value is null, the refresh takes it back from that record, the sink keeps it current, and destroying the OAuth client with the sink deletes it. The secret never reaches state, plan or logs."),
        Attr::new("active_client_id", Str, Computed, "The OAuth client whose credentials the entry holds: `client_id` without a `standby_client_id`, else whichever of the two the last rotation wrote. Also recorded in the entry's custom metadata as `genesys-active-client-id`."),
        Attr::new("vault_version", Number, Computed, "KV v2 version holding the current secret (0 on KV v1)."),
        Attr::new("secret_hash", Str, Computed, "`sha256:<hex>` of the secret, salted with the active client's id and domain-separated. Null after import until the next rotation."),
        Attr::new("rotated_at", Str, Computed, "When the secret was last regenerated (RFC 3339); after an import, when the entry's current version was written (KV v2; null on KV v1)."),
        Attr::new("rotate_after", Str, Computed, "`rotated_at + rotation_period`: the first apply after this rotates."),
        Attr::new("verified_at", Str, Computed, "When the current secret was seen to work at the token endpoint. Null once a refresh finds that it cannot work: the OAuth client is gone, or (`verify_on_read`) the token endpoint rejects it."),
    ])
});

#[cfg(test)]
mod tests {
    use super::*;

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
