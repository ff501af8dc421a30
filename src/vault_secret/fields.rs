//! The sink's attributes as plain values ([`SinkFields`]), each a
//! [`Field`]: set, null, or not known until apply. The Terraform glue
//! converts its state to and from this; the rules here and the steps in
//! `crate::vault_secret` see nothing else. Also what the plan computes from the
//! fields alone: the entry, the key names, the next rotation's time, the
//! values an update keeps and those a rotation leaves unknown. And the
//! sink's schema table ([`resource_block`]), with the default key names.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::config::genesys_input::{DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY};
use crate::schema::Kind::{Bool, Number, Str, StringMap};
use crate::schema::Presence::{Computed, Optional, OptionalComputed, Required};
use crate::schema::{Block, Entry};
use crate::vault::KvPath;
use crate::vault_secret::rules::{OnDestroy, DEFAULT_VERIFY, DEFAULT_VERIFY_ON_READ};

/// One attribute's value: what Terraform knows of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Field<T> {
    /// Absent.
    #[default]
    Null,
    /// Known only after apply.
    Unknown,
    /// Set.
    Known(T),
}

impl<T> Field<T> {
    /// The value when set (`None` when null or unknown).
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the value is known only after apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown)
    }

    /// Whether the value is absent.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, changed by `f` when set.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Known(v) => Field::Known(f(v)),
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
        }
    }

    /// A value that may be absent (`None` → null).
    pub fn or_null(value: Option<T>) -> Field<T> {
        value.map_or(Field::Null, Field::Known)
    }
}

impl Field<String> {
    /// The text when set.
    pub fn str(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }

    /// The text, empty when null or unknown.
    pub fn text(&self) -> String {
        self.str().unwrap_or_default().to_string()
    }

    /// `None` while unknown, `Some(None)` when null.
    pub fn when_known(&self) -> Option<Option<&str>> {
        match self {
            Field::Unknown => None,
            other => Some(other.str()),
        }
    }
}

/// A map attribute (`extra`, `custom_metadata`, `rotation_triggers`): each
/// element may itself be unknown.
pub type FieldMap = Field<BTreeMap<String, Field<String>>>;

/// The set elements of a map (null and unknown ones left out); an absent
/// map is empty.
pub fn plain_map(m: &FieldMap) -> BTreeMap<String, String> {
    m.known()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.known()?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// Empty and absent maps mean the same; an unknown map equals only an
/// unknown one.
pub fn same_map(a: &FieldMap, b: &FieldMap) -> bool {
    plain_map(a) == plain_map(b) && a.is_unknown() == b.is_unknown()
}

/// Names of the keys written to the Vault entry (an empty name leaves the
/// field out, except the secret, which is always written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames {
    /// Key of the client id.
    pub client_id: String,
    /// Key of the client secret.
    pub client_secret: String,
    /// Key of the API base URL.
    pub base_url: String,
    /// Key of the token endpoint URL.
    pub token_url: String,
}

/// The sink's attributes (`genesyscloud_oauth_client_vault_secret`), named
/// as in the schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SinkFields {
    /// `id`.
    pub id: Field<String>,
    /// `client_id`.
    pub client_id: Field<String>,
    /// `standby_client_id`.
    pub standby_client_id: Field<String>,
    /// `active_client_id`.
    pub active_client_id: Field<String>,
    /// `mount`.
    pub mount: Field<String>,
    /// `path`.
    pub path: Field<String>,
    /// `client_id_key`.
    pub client_id_key: Field<String>,
    /// `client_secret_key`.
    pub client_secret_key: Field<String>,
    /// `base_url_key`.
    pub base_url_key: Field<String>,
    /// `token_url_key`.
    pub token_url_key: Field<String>,
    /// `extra`.
    pub extra: FieldMap,
    /// `custom_metadata`.
    pub custom_metadata: FieldMap,
    /// `rotation_period`.
    pub rotation_period: Field<String>,
    /// `rotation_triggers`.
    pub rotation_triggers: FieldMap,
    /// `verify`.
    pub verify: Field<bool>,
    /// `verify_on_read`.
    pub verify_on_read: Field<bool>,
    /// `on_destroy`.
    pub on_destroy: Field<String>,
    /// `integration_credential_id`.
    pub integration_credential_id: Field<String>,
    /// `vault_version`.
    pub vault_version: Field<i64>,
    /// `secret_hash`.
    pub secret_hash: Field<String>,
    /// `rotated_at`.
    pub rotated_at: Field<String>,
    /// `rotate_after`.
    pub rotate_after: Field<String>,
    /// `verified_at`.
    pub verified_at: Field<String>,
}

/// An instant as state keeps it (null when there is none).
pub fn time_field(t: Option<OffsetDateTime>) -> Field<String> {
    Field::or_null(t.map(super::rules::format_time))
}

impl SinkFields {
    /// The entry's place; `None` until mount and path are known and valid.
    pub fn entry(&self) -> Option<KvPath> {
        KvPath::checked(self.mount.known()?, self.path.known()?, ["mount", "path"]).ok()
    }

    /// The key names (an unknown or absent one reads as empty).
    pub fn keys(&self) -> KeyNames {
        KeyNames {
            client_id: self.client_id_key.text(),
            client_secret: self.client_secret_key.text(),
            base_url: self.base_url_key.text(),
            token_url: self.token_url_key.text(),
        }
    }

    /// (`client_id`, `standby_client_id`), known values only.
    pub fn pair_ids(&self) -> (Option<&str>, Option<&str>) {
        (self.client_id.str(), self.standby_client_id.str())
    }

    /// `rotated_at + rotation_period`: unknown while either is, null when
    /// either is absent or does not parse.
    pub fn next_rotation(&self) -> Field<String> {
        match (&self.rotated_at, &self.rotation_period) {
            (Field::Unknown, _) | (_, Field::Unknown) => Field::Unknown,
            (Field::Known(at), Field::Known(period)) => {
                match (
                    super::rules::parse_time(at),
                    super::rules::parse_period(period),
                ) {
                    (Some(at), Ok(p)) => time_field(Some(super::rules::rotate_after(at, p))),
                    _ => Field::Null,
                }
            }
            _ => Field::Null,
        }
    }

    /// An update's plan keeps what the last apply computed (the rules then
    /// decide what changes).
    pub fn carry_computed(&mut self, prior: &SinkFields) {
        self.id = prior.id.clone();
        self.vault_version = prior.vault_version.clone();
        self.secret_hash = prior.secret_hash.clone();
        self.rotated_at = prior.rotated_at.clone();
        self.verified_at = prior.verified_at.clone();
        self.active_client_id = prior.active_client_id.clone();
        self.rotate_after = self.next_rotation();
    }

    /// What a planned rotation leaves to the apply.
    pub fn mark_rotation_unknown(&mut self) {
        self.vault_version = Field::Unknown;
        self.secret_hash = Field::Unknown;
        self.rotated_at = Field::Unknown;
        self.rotate_after = Field::Unknown;
        self.verified_at = Field::Unknown;
        self.active_client_id = Field::Unknown;
    }

    /// Whether the entry's layout (key names, `extra`) differs from
    /// `prior`'s: a rewrite without rotating.
    pub fn layout_changed(&self, prior: &SinkFields) -> bool {
        self.keys() != prior.keys() || !same_map(&self.extra, &prior.extra)
    }
}

/// The key of the API base URL when `base_url_key` is not set.
pub const DEFAULT_BASE_URL_KEY: &str = "base_url";
/// The key of the token endpoint URL when `token_url_key` is not set.
pub const DEFAULT_TOKEN_URL_KEY: &str = "token_url";

/// The sink's schema: its attributes with their replace and default rules,
/// one entry per field of [`SinkFields`]. It sits here rather than beside
/// the constants of `crate::vault_secret::rules` because what it describes is these fields
/// and the default key names of [`KeyNames`], which reach the key-name check
/// through this table; a new attribute is then a field and an entry in one
/// file.
pub fn resource_block() -> Block {
    Block::new(
        "Obtains a Genesys Cloud OAuth client's secret at the only moment Genesys returns it (regenerating it), writes it to HashiCorp Vault KV, and keeps only a salted hash and the Vault version in state.",
        resource_attributes(),
    )
}

fn resource_attributes() -> Vec<Entry> {
    vec![
        Entry::new("id", Str, Computed, "Where the secret is kept, `<mount>/<path>`, e.g. `secret/genesys/oauth/ci`."),
        Entry::new("client_id", Str, Required, "Id of the OAuth client whose secret is kept.")
            .replaces_except("when it is swapped with `standby_client_id` (the same two clients: nothing is replaced or regenerated)"),
        Entry::new("standby_client_id", Str, Optional, "Id of a second OAuth client, equivalent to `client_id` (the same roles in the same divisions), for rotation without downtime: every rotation (create, `rotation_period`, `rotation_triggers`, a drift repair) regenerates the one of the two whose credentials are not in Vault and writes its id and new secret, leaving the other alone, so credentials read before a rotation keep working until the rotation after it. Both must be `CLIENT-CREDENTIALS` clients, and `client_id_key` must not be empty. Changing or removing it rotates nothing while `client_id` is active (the next rotation writes the new standby); when the standby is the active client, the plan rotates to `client_id` and leaves the old standby's secret alone. See the guide \"Rotating without downtime\"."),
        Entry::new("mount", Str, Required, "KV mount (v1 or v2), e.g. `secret`.")
            .replaces(),
        Entry::new("path", Str, Required, "Path inside the mount, e.g. `genesys/oauth/ci`. No leading or trailing `/`, no empty, `.` or `..` segments.")
            .replaces(),
        Entry::new("client_id_key", Str, OptionalComputed, "Key of the client id in the entry; empty leaves it out (not with a `standby_client_id`).")
            .default(DEFAULT_CLIENT_ID_KEY),
        Entry::new("client_secret_key", Str, OptionalComputed, "Key of the client secret in the entry.")
            .default(DEFAULT_CLIENT_SECRET_KEY),
        Entry::new("base_url_key", Str, OptionalComputed, "Key of the API base URL; empty leaves it out.")
            .default(DEFAULT_BASE_URL_KEY),
        Entry::new("token_url_key", Str, OptionalComputed, "Key of the token endpoint URL; empty leaves it out.")
            .default(DEFAULT_TOKEN_URL_KEY),
        Entry::new("extra", StringMap, Optional, "Non-secret values written beside the credentials."),
        Entry::new("custom_metadata", StringMap, Optional, "KV v2 custom metadata added to the entry (the provider adds `managed-by`, `genesys-client-id` (the sink's `client_id`), `genesys-active-client-id`, `genesys-integration-credential-id` (the credential the sink keeps current, if any) and, in Terraform Cloud runs, the workspace and run id)."),
        Entry::new("rotation_period", Str, Optional, "Rotate when this long has passed since the last rotation, e.g. `2160h` or `90d`. The rotation happens at the first apply after `rotate_after`."),
        Entry::new("rotation_triggers", StringMap, Optional, "Arbitrary values; any change rotates the secret (like the random provider's `keepers`)."),
        Entry::new("verify", Bool, OptionalComputed, "After writing, exchange the new credentials at the token endpoint and fail if they do not work (needs a `CLIENT-CREDENTIALS` client). With a `standby_client_id`, the new secret is also exchanged before it is written (a refused one is not written), and when the credentials read back after the write are refused, the other client's, which the entry held before, are written back.")
            .default(DEFAULT_VERIFY),
        Entry::new("verify_on_read", Bool, OptionalComputed, "On every refresh, exchange the credentials stored in Vault; a rejection means the secret was reset outside Terraform, and the plan repairs it.")
            .default(DEFAULT_VERIFY_ON_READ),
        Entry::new("on_destroy", Str, OptionalComputed, "`delete_all` (every version and the metadata), `soft_delete` (latest version, recoverable) or `retain`. An entry someone else has since taken over is never deleted.")
            .default(OnDestroy::DEFAULT.name()),
        Entry::new("integration_credential_id", Str, OptionalComputed, "Id of a `pureCloudOAuthClient` integration credential (what data actions authenticate with) to keep current, e.g. `genesyscloud_oauth_client.x.integration_credential_id`. Every regenerate writes the new secret into it (keeping its name) right after the Vault write, while the entry is read back and verified. A credential that cannot be read stops the rotation before the regenerate. When writing it fails, the apply says so and the next plan writes the secret held in Vault into it, without regenerating; a credential newly set here gets the secret from Vault the same way. One deleted outside Terraform is made again under its name by a rotation that the plan schedules. The entry's custom metadata names it (`genesys-integration-credential-id`): when state loses it (a release from before credentials drops it on refresh) while the configured value is null, the refresh takes it back from that record, the sink keeps it current, and destroying the OAuth client with the sink deletes it. The secret never reaches state, plan or logs."),
        Entry::new("active_client_id", Str, Computed, "The OAuth client whose credentials the entry holds: `client_id` without a `standby_client_id`, else whichever of the two the last rotation wrote. Also recorded in the entry's custom metadata as `genesys-active-client-id`."),
        Entry::new("vault_version", Number, Computed, "KV v2 version holding the current secret (0 on KV v1)."),
        Entry::new("secret_hash", Str, Computed, "`sha256:<hex>` of the secret, salted with the active client's id and domain-separated. Null after import until the next rotation."),
        Entry::new("rotated_at", Str, Computed, "When the secret was last regenerated (RFC 3339); after an import, when the entry's current version was written (KV v2; null on KV v1)."),
        Entry::new("rotate_after", Str, Computed, "`rotated_at + rotation_period`: the first apply after this rotates."),
        Entry::new("verified_at", Str, Computed, "When the current secret was seen to work at the token endpoint. Null once a refresh finds that it cannot work: the OAuth client is gone, or (`verify_on_read`) the token endpoint rejects it."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DefaultValue;

    fn map(entries: &[(&str, Field<String>)]) -> FieldMap {
        Field::Known(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn text(s: &str) -> Field<String> {
        Field::Known(s.to_string())
    }

    #[test]
    fn maps_compare_by_their_set_elements() {
        let empty = map(&[]);
        let a = map(&[("k", text("v"))]);
        let a_and_unknown = map(&[("k", text("v")), ("u", Field::Unknown)]);
        let cases = [
            (Field::Null, empty.clone(), true),
            (a.clone(), a.clone(), true),
            (a.clone(), a_and_unknown.clone(), true),
            (a.clone(), empty.clone(), false),
            (Field::Unknown, Field::Unknown, true),
            (Field::Unknown, empty, false),
        ];
        for (x, y, same) in cases {
            assert_eq!(same_map(&x, &y), same, "{x:?} {y:?}");
        }
        assert_eq!(plain_map(&a_and_unknown).len(), 1);
    }

    #[test]
    fn the_next_rotation_is_known_when_both_parts_are() {
        let at = text("2026-01-01T00:00:00Z");
        let cases = [
            (at.clone(), text("1d"), text("2026-01-02T00:00:00Z")),
            (at.clone(), Field::Null, Field::Null),
            (at.clone(), Field::Unknown, Field::Unknown),
            (Field::Unknown, text("1d"), Field::Unknown),
            (Field::Null, text("1d"), Field::Null),
            (text("yesterday"), text("1d"), Field::Null),
        ];
        for (rotated_at, rotation_period, expected) in cases {
            let f = SinkFields {
                rotated_at,
                rotation_period,
                ..SinkFields::default()
            };
            assert_eq!(f.next_rotation(), expected, "{f:?}");
        }
    }

    #[test]
    fn an_update_carries_what_the_apply_computed_until_a_rotation() {
        let prior = SinkFields {
            id: text("secret/p"),
            vault_version: Field::Known(3),
            secret_hash: text("sha256:x"),
            rotated_at: text("2026-01-01T00:00:00Z"),
            active_client_id: text("a"),
            ..SinkFields::default()
        };
        let mut planned = SinkFields {
            rotation_period: text("1h"),
            ..SinkFields::default()
        };
        planned.carry_computed(&prior);
        assert_eq!(planned.vault_version, Field::Known(3));
        assert_eq!(planned.rotate_after, text("2026-01-01T01:00:00Z"));
        planned.mark_rotation_unknown();
        assert!(planned.secret_hash.is_unknown() && planned.active_client_id.is_unknown());
        assert_eq!(planned.id, text("secret/p"));
    }

    #[test]
    fn the_layout_is_the_key_names_and_the_extra_keys() {
        let base = SinkFields {
            client_id_key: text("client_id"),
            extra: map(&[("team", text("ci"))]),
            ..SinkFields::default()
        };
        let renamed = SinkFields {
            client_id_key: text("id"),
            ..base.clone()
        };
        let more = SinkFields {
            extra: map(&[("team", text("ci")), ("env", text("prod"))]),
            ..base.clone()
        };
        assert!(!base.layout_changed(&base.clone()));
        assert!(renamed.layout_changed(&base));
        assert!(more.layout_changed(&base));
        assert_eq!(base.entry(), None);
        let placed = SinkFields {
            mount: text("secret"),
            path: text("genesys/ci"),
            ..base
        };
        assert_eq!(
            placed.entry().map(|e| e.to_string()),
            Some("secret/genesys/ci".into())
        );
    }

    #[test]
    fn the_table_is_well_formed() {
        crate::schema::assert_well_formed("sink", &resource_block());
    }

    #[test]
    fn the_defaults_are_the_ones_the_rules_use() {
        let b = resource_block();
        let default = |name: &str| b.entry(name).and_then(|e| e.default.clone());
        assert_eq!(default("verify"), Some(DefaultValue::Bool(DEFAULT_VERIFY)));
        assert_eq!(
            default("verify_on_read"),
            Some(DefaultValue::Bool(DEFAULT_VERIFY_ON_READ))
        );
        assert_eq!(
            default("on_destroy"),
            Some(DefaultValue::Text(OnDestroy::DEFAULT.name().to_string()))
        );
        let on_destroy = b
            .entry("on_destroy")
            .map(Entry::description)
            .unwrap_or_default();
        for name in OnDestroy::NAMES {
            assert!(on_destroy.contains(&format!("`{name}`")), "{name}");
        }
    }

    #[test]
    fn only_where_the_entry_is_replaces_the_sink() {
        let replacing: Vec<&str> = resource_block()
            .attributes
            .iter()
            .filter(|e| e.replaces)
            .map(|e| e.name)
            .collect();
        assert_eq!(replacing, ["client_id", "mount", "path"]);
    }
}
