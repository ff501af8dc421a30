//! Checks of what a sink's configuration says that need neither Vault nor
//! Genesys: a well-formed client id, key names that cannot overwrite each
//! other, and custom metadata within Vault's limits. Each failure names the
//! attribute, so `terraform validate` and `plan` refuse it before anything
//! is destroyed or regenerated.

use std::collections::BTreeMap;

use super::credential_rules::check_id;
use super::fields::{plain_map, SinkFields};
use super::rules::{parse_period, reserved_metadata_keys, OnDestroy};
use crate::attribute_error::AttributeError;
use crate::vault::KvPath;

/// Vault's limit on custom metadata keys per entry (the provider's count).
pub const MAX_METADATA_KEYS: usize = 64;
/// Vault's limit on a custom metadata key, in bytes.
pub const MAX_METADATA_KEY_BYTES: usize = 128;
/// Vault's limit on a custom metadata value, in bytes.
pub const MAX_METADATA_VALUE_BYTES: usize = 512;

/// An OAuth client id (`client_id`, `standby_client_id`): not empty, no
/// whitespace, `/`, `,` or control characters (it becomes a URL path
/// segment, a Vault metadata value and part of the import id).
pub fn check_client_id(attribute: &'static str, id: &str) -> Result<(), AttributeError> {
    let problem = if id.is_empty() {
        "must not be empty"
    } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "must not contain spaces or control characters"
    } else if id.contains(['/', ',']) {
        "must not contain '/' or ','"
    } else {
        return Ok(());
    };
    Err(AttributeError::new(
        attribute,
        format!("Invalid {attribute} {id:?}"),
        format!("{attribute} {problem}: use the OAuth client's id, e.g. genesyscloud_oauth_client.x.client_id."),
    ))
}

/// The refusal of a `mount` and `path` that name no KV entry, on `path`:
/// validate refuses them first, so only a state written by an older
/// release can still hold them when the sink is applied.
pub fn entry_refusal(mount: &str, path: &str) -> AttributeError {
    AttributeError::new(
        "path",
        "Invalid Vault mount or path",
        format!("mount {mount:?} and path {path:?} do not name a KV entry."),
    )
}

/// The checks of the sink's clients on the values known so far (`None`:
/// absent or not yet known): each id well formed, and a standby that makes
/// a real pair (see `super::pair::input_errors`).
pub fn check_clients(
    client_id: Option<&str>,
    standby: Option<&str>,
    client_id_key: Option<&str>,
) -> Vec<AttributeError> {
    let ids = [("client_id", client_id), ("standby_client_id", standby)];
    let mut errors: Vec<AttributeError> = ids
        .into_iter()
        .filter_map(|(attribute, id)| check_client_id(attribute, id?).err())
        .collect();
    errors.extend(super::pair::input_errors(client_id, standby, client_id_key));
    errors
}

/// The entry's keys, each named by its attribute: the four key names (an
/// empty one is left out of the entry) and the `extra` keys. No two may be
/// the same, or one value would silently replace another and consumers
/// could not authenticate.
pub fn check_key_names(
    named: &[(&'static str, &str)],
    extra: &BTreeMap<String, String>,
) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (attribute, key) in named.iter().filter(|(_, k)| !k.is_empty()) {
        if let Some((first, _)) = seen.iter().find(|(_, k)| k == key) {
            errors.push(AttributeError::new(
                attribute,
                format!("{attribute} repeats the key {key:?}"),
                format!("{first} already writes {key:?}: each value needs a key of its own."),
            ));
        } else {
            seen.push((attribute, key));
        }
    }
    for key in extra.keys() {
        if let Some((attribute, _)) = seen.iter().find(|(_, k)| k == key) {
            errors.push(AttributeError::new(
                "extra",
                format!("extra key {key:?} is already written by {attribute}"),
                format!("The provider writes {key:?} itself ({attribute}): rename the extra value or set {attribute} to another key."),
            ));
        }
    }
    errors
}

/// [`check_key_names`] once every name and the `extra` keys are known
/// (`None`: not known yet, at a plan that waits on other resources); until
/// then nothing is refused, as a collision cannot be told yet.
pub fn check_known_key_names(
    named: &[(&'static str, Option<&str>)],
    extra: Option<&BTreeMap<String, String>>,
) -> Vec<AttributeError> {
    let known: Option<Vec<(&'static str, &str)>> = named
        .iter()
        .map(|(attribute, key)| Some((*attribute, (*key)?)))
        .collect();
    match (known, extra) {
        (Some(named), Some(extra)) => check_key_names(&named, extra),
        _ => Vec::new(),
    }
}

/// `custom_metadata` within Vault's limits, counting the keys the provider
/// adds itself, and not using those keys.
pub fn check_custom_metadata(user: &BTreeMap<String, String>) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    let reserved: Vec<&str> = reserved_metadata_keys().collect();
    let room = MAX_METADATA_KEYS - reserved.len();
    if user.len() > room {
        errors.push(AttributeError::new(
            "custom_metadata",
            format!("custom_metadata has {} keys; at most {room} fit", user.len()),
            format!(
                "Vault allows {MAX_METADATA_KEYS} custom metadata keys per entry and the provider keeps {} for itself ({}).",
                reserved.len(),
                reserved.join(", ")
            ),
        ));
    }
    for (key, value) in user {
        if reserved.contains(&key.as_str()) {
            errors.push(AttributeError::new(
                "custom_metadata",
                format!("custom_metadata key {key:?} is the provider's"),
                "The provider writes this key itself to mark the entries it owns: choose another key.",
            ));
        }
        if key.is_empty() || key.len() > MAX_METADATA_KEY_BYTES {
            errors.push(AttributeError::new(
                "custom_metadata",
                format!("custom_metadata key of {} bytes", key.len()),
                format!("Vault accepts keys of 1 to {MAX_METADATA_KEY_BYTES} bytes."),
            ));
        }
        if value.len() > MAX_METADATA_VALUE_BYTES {
            errors.push(AttributeError::new(
                "custom_metadata",
                format!("custom_metadata[{key:?}] is {} bytes long", value.len()),
                format!("Vault accepts values of at most {MAX_METADATA_VALUE_BYTES} bytes."),
            ));
        }
    }
    errors
}

/// Every problem of a sink's configuration (`config`, its defaults
/// applied), each on its attribute, in the order `validate` says them;
/// values not known yet are left to the plan.
pub fn check_config(config: &SinkFields) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    errors.extend(
        config
            .mount
            .str()
            .and_then(|m| KvPath::check("mount", m).err()),
    );
    errors.extend(
        config
            .path
            .str()
            .and_then(|p| KvPath::check("path", p).err()),
    );
    errors.extend(
        config
            .rotation_period
            .str()
            .and_then(|p| parse_period(p).err()),
    );
    errors.extend(
        config
            .on_destroy
            .str()
            .and_then(|o| OnDestroy::parse(o).err()),
    );
    errors.extend(check_config_clients(config));
    if let Some(md) = config.custom_metadata.known() {
        if md.values().all(|v| v.known().is_some()) {
            errors.extend(check_custom_metadata(&plain_map(&config.custom_metadata)));
        }
    }
    errors.extend(check_config_keys(config));
    errors.extend(
        config
            .integration_credential_id
            .str()
            .and_then(|id| check_id(id).err()),
    );
    if config.client_secret_key.str() == Some("") {
        errors.push(AttributeError::new(
            "client_secret_key",
            "Empty client_secret_key",
            "The secret needs a key to be written under.",
        ));
    }
    errors
}

/// [`check_clients`] on the sink's known `client_id`, `standby_client_id`
/// and `client_id_key` (at validate, and again at plan when values computed
/// from other resources are known).
pub fn check_config_clients(s: &SinkFields) -> Vec<AttributeError> {
    check_clients(
        s.client_id.str(),
        s.standby_client_id.str(),
        s.client_id_key.str(),
    )
}

/// [`check_known_key_names`] on the four key names and the `extra` keys,
/// which are known even when a value is not.
fn check_config_keys(s: &SinkFields) -> Vec<AttributeError> {
    let named = [
        ("client_id_key", s.client_id_key.str()),
        ("client_secret_key", s.client_secret_key.str()),
        ("base_url_key", s.base_url_key.str()),
        ("token_url_key", s.token_url_key.str()),
    ];
    let extra: Option<BTreeMap<String, String>> = (!s.extra.is_unknown()).then(|| {
        s.extra
            .known()
            .into_iter()
            .flatten()
            .map(|(k, _)| (k.clone(), String::new()))
            .collect()
    });
    check_known_key_names(&named, extra.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_checked() {
        assert!(check_client_id("client_id", "2a1c36b0-8f0c-4d1f-9a52-6c3f4d1e0a11").is_ok());
        for bad in ["", " id", "a/b", "a\nb", "a,b"] {
            assert_eq!(
                check_client_id("standby_client_id", bad).map_err(|e| e.attribute),
                Err("standby_client_id"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_entry_that_names_nothing_is_refused_on_path() {
        let e = entry_refusal("secret", "a//b");
        assert_eq!(e.attribute, "path");
        assert_eq!(e.summary, "Invalid Vault mount or path");
        assert!(e.detail.contains("\"a//b\""), "{}", e.detail);
    }

    #[test]
    fn a_sinks_clients_are_checked_each_and_as_a_pair() {
        // (client_id, standby, client_id_key) -> attributes refused, in order
        type Clients = (
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
        );
        let cases: [(Clients, Vec<&str>); 7] = [
            ((Some("a"), None, Some("client_id")), vec![]),
            ((Some("a"), Some("b"), Some("client_id")), vec![]),
            ((None, None, None), vec![]),
            ((Some(""), None, Some("client_id")), vec!["client_id"]),
            ((Some("a"), Some("a/b"), None), vec!["standby_client_id"]),
            (
                (Some("a"), Some("a"), Some("")),
                vec!["standby_client_id", "client_id_key"],
            ),
            (
                (Some("a b"), Some("a b"), Some("k")),
                vec!["client_id", "standby_client_id", "standby_client_id"],
            ),
        ];
        for ((client, standby, key), refused) in cases {
            let attributes: Vec<&str> = check_clients(client, standby, key)
                .iter()
                .map(|e| e.attribute)
                .collect();
            assert_eq!(attributes, refused, "{client:?} {standby:?} {key:?}");
        }
    }

    #[test]
    fn keys_that_collide_are_refused_on_the_later_attribute() {
        let named = [
            ("client_id_key", "same"),
            ("client_secret_key", "same"),
            ("base_url_key", ""),
            ("token_url_key", "token_url"),
        ];
        let extra: BTreeMap<String, String> = [("token_url".to_string(), "x".to_string())].into();
        let errors = check_key_names(&named, &extra);
        let attrs: Vec<_> = errors.iter().map(|e| e.attribute).collect();
        assert_eq!(attrs, vec!["client_secret_key", "extra"]);
        assert!(errors[0].detail.contains("client_id_key"));
        let fine = [
            ("client_id_key", "id"),
            ("client_secret_key", "secret"),
            ("base_url_key", ""),
            ("token_url_key", ""),
        ];
        assert!(check_key_names(&fine, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn key_names_are_checked_only_once_all_are_known() {
        let extra: BTreeMap<String, String> = [("id".to_string(), String::new())].into();
        let none = BTreeMap::new();
        type Named = [(&'static str, Option<&'static str>); 2];
        type Extra<'a> = Option<&'a BTreeMap<String, String>>;
        let both = |a, b| -> Named { [("client_id_key", a), ("client_secret_key", b)] };
        // (names, extra keys) -> attributes refused
        let cases: [(Named, Extra, Vec<&str>); 6] = [
            (both(Some("id"), Some("secret")), Some(&none), vec![]),
            (
                both(Some("id"), Some("id")),
                Some(&none),
                vec!["client_secret_key"],
            ),
            (
                both(Some("id"), Some("secret")),
                Some(&extra),
                vec!["extra"],
            ),
            (both(Some("id"), None), Some(&extra), vec![]),
            (both(None, Some("id")), Some(&none), vec![]),
            (both(Some("id"), Some("id")), None, vec![]),
        ];
        for (named, extra, refused) in cases {
            let got: Vec<&str> = check_known_key_names(&named, extra)
                .iter()
                .map(|e| e.attribute)
                .collect();
            assert_eq!(got, refused, "{named:?} {extra:?}");
        }
    }

    #[test]
    fn custom_metadata_must_fit_vaults_limits_with_ours() {
        let many: BTreeMap<String, String> =
            (0..60).map(|i| (format!("k{i}"), "v".into())).collect();
        let errors = check_custom_metadata(&many);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].summary.contains("at most 57"));
        let long: BTreeMap<String, String> = [
            ("k".repeat(129), "v".to_string()),
            ("ok".to_string(), "v".repeat(513)),
            ("managed-by".to_string(), "me".to_string()),
        ]
        .into();
        assert_eq!(check_custom_metadata(&long).len(), 3);
        let fine: BTreeMap<String, String> = [("owner".to_string(), "v".repeat(512))].into();
        assert!(check_custom_metadata(&fine).is_empty());
    }

    #[test]
    fn a_configuration_is_refused_on_each_attribute_in_order() {
        use crate::vault_secret::fields::Field;
        let text = |s: &str| Field::Known(s.to_string());
        let fine = || SinkFields {
            client_id: text("a"),
            mount: text("secret"),
            path: text("genesys/ci"),
            client_id_key: text("client_id"),
            client_secret_key: text("client_secret"),
            base_url_key: text("base_url"),
            token_url_key: text("token_url"),
            ..SinkFields::default()
        };
        let metadata =
            |value: Field<String>| Field::Known([("managed-by".to_string(), value)].into());
        let cases = [
            (fine(), vec![]),
            (
                SinkFields {
                    path: text("/p/"),
                    rotation_period: text("soon"),
                    ..fine()
                },
                vec!["path", "rotation_period"],
            ),
            (
                SinkFields {
                    on_destroy: text("burn"),
                    standby_client_id: text("a"),
                    ..fine()
                },
                vec!["on_destroy", "standby_client_id"],
            ),
            (
                SinkFields {
                    custom_metadata: metadata(text("me")),
                    ..fine()
                },
                vec!["custom_metadata"],
            ),
            // A value not known yet: the plan checks it.
            (
                SinkFields {
                    custom_metadata: metadata(Field::Unknown),
                    ..fine()
                },
                vec![],
            ),
            (
                SinkFields {
                    extra: metadata(Field::Unknown),
                    base_url_key: text("managed-by"),
                    ..fine()
                },
                vec!["extra"],
            ),
            (
                SinkFields {
                    extra: Field::Unknown,
                    base_url_key: text("client_id"),
                    ..fine()
                },
                vec![],
            ),
            (
                SinkFields {
                    integration_credential_id: text("a/b"),
                    client_secret_key: text(""),
                    ..fine()
                },
                vec!["integration_credential_id", "client_secret_key"],
            ),
            (
                SinkFields {
                    mount: Field::Unknown,
                    client_id: Field::Unknown,
                    ..fine()
                },
                vec![],
            ),
        ];
        for (config, refused) in cases {
            let got: Vec<&str> = check_config(&config).iter().map(|e| e.attribute).collect();
            assert_eq!(got, refused, "{config:?}");
        }
    }
}
