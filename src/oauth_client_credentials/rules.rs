//! The ephemeral resource's rules over plain values: which configuration is
//! valid, what an open is asked once every value is known, which client an
//! entry's read holds (and whether its record agrees), and what a refusal
//! says.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::fields::{CredentialsFields, Request};
use super::schema::{DEFAULT_ACCESS_TOKEN, DEFAULT_VERIFY};
use crate::attribute_error::AttributeError;
use crate::config::genesys_input::{DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY};
use crate::genesys::GenesysError;
use crate::secret::Secret;
use crate::vault::{KvPath, KvRead, KvVersionRead};
use crate::vault_secret::fields::Field;
use crate::vault_secret::rules::{
    active_of, format_time, owner_of, ACTIVE_CLIENT_ID_KEY, CLIENT_ID_KEY,
};

/// The problems of the values Terraform knows (at validate some may still
/// be unknown: they are checked at open).
pub fn check(config: &CredentialsFields) -> Vec<AttributeError> {
    let mut errors = Vec::new();
    for (attribute, value) in [("mount", &config.mount), ("path", &config.path)] {
        if let Some(Err(e)) = value.known().map(|v| KvPath::check(attribute, v)) {
            errors.push(e);
        }
    }
    if config.client_secret_key.str() == Some("") {
        errors.push(AttributeError::new(
            "client_secret_key",
            "Empty client_secret_key",
            "client_secret_key names the key of the secret in the entry; leave it out for the sink's default, \"client_secret\".",
        ));
    }
    if let Some(v) = config.version.known().filter(|v| **v < 0) {
        errors.push(AttributeError::new(
            "version",
            format!("Invalid version {v}"),
            "version is a KV v2 version number (1 or more), or 0 or unset for the latest.",
        ));
    }
    errors
}

/// What an open is asked, defaults filled in; `Ok(None)` while a value is
/// unknown (Terraform opens only a wholly known configuration, so only a
/// client that allows deferral sees this).
pub fn request(config: &CredentialsFields) -> Result<Option<Request>, Vec<AttributeError>> {
    let errors = check(config);
    if !errors.is_empty() {
        return Err(errors);
    }
    fn or<T: Clone>(field: &Field<T>, default: T) -> Option<T> {
        match field {
            Field::Unknown => None,
            Field::Null => Some(default),
            Field::Known(v) => Some(v.clone()),
        }
    }
    let (Some(mount), Some(path)) = (config.mount.known(), config.path.known()) else {
        return Ok(None);
    };
    let entry = KvPath::checked(mount, path, ["mount", "path"])?;
    let request = (|| {
        Some(Request {
            entry,
            client_id_key: or(&config.client_id_key, DEFAULT_CLIENT_ID_KEY.into())?,
            client_secret_key: or(&config.client_secret_key, DEFAULT_CLIENT_SECRET_KEY.into())?,
            version: or(&config.version, 0)?.try_into().ok().filter(|v| *v > 0),
            verify: or(&config.verify, DEFAULT_VERIFY)?,
            access_token: or(&config.access_token, DEFAULT_ACCESS_TOKEN)?,
        })
    })();
    Ok(request)
}

/// The credentials an entry's read holds.
#[derive(Debug)]
pub struct Picked {
    /// The client id.
    pub client_id: String,
    /// Its secret.
    pub secret: Secret,
    /// The version read (0 on KV v1).
    pub version: u64,
    /// When it was written (KV v2, RFC 3339).
    pub created_time: Option<String>,
}

/// The client and secret `read` holds under the request's key names, or an
/// error on the attribute to look at: no entry or a deleted version, a
/// missing key, or an entry whose record (this provider's custom metadata)
/// names other clients than the one it holds (changed outside Terraform).
pub fn pick(req: &Request, read: KvVersionRead) -> Result<Picked, AttributeError> {
    let entry = &req.entry;
    let version = read.version.unwrap_or(0);
    let at = |v: u64| match v {
        0 => String::new(),
        v => format!(" (version {v})"),
    };
    let data = match read.read {
        KvRead::Live(data) => data,
        KvRead::Absent => {
            let wanted = at(req.version.unwrap_or(0));
            return Err(AttributeError::new(
                if req.version.is_some() { "version" } else { "path" },
                format!("No entry at {entry}{wanted}"),
                format!("Vault has no entry at {entry}{wanted}. Check that mount and path are the sink's and that it has written the entry: set version to the sink's vault_version so that an entry the same apply writes is read after the write."),
            ));
        }
        gone @ (KvRead::Deleted { .. } | KvRead::Destroyed { .. }) => {
            return Err(AttributeError::new(
                if req.version.is_some() { "version" } else { "path" },
                format!("The entry {entry} has no live credentials"),
                format!("The version of {entry} read is gone ({gone}). The sink's next rotation writes a new version."),
            ));
        }
    };
    let missing = |attribute: &'static str, key: &str| {
        AttributeError::new(
            attribute,
            format!("No key {key:?} in {entry}"),
            format!(
                "The entry {entry}{} has no value under {key:?}: set {attribute} to the sink's.",
                at(version)
            ),
        )
    };
    let secret = data
        .value(&req.client_secret_key)
        .filter(|s| !s.is_empty())
        .cloned()
        .ok_or_else(|| missing("client_secret_key", &req.client_secret_key))?;
    let client_id = if req.client_id_key.is_empty() {
        active_of(&read.custom_metadata).map(str::to_string).ok_or_else(|| AttributeError::new(
            "client_id_key",
            format!("No client id for {entry}"),
            format!("client_id_key is empty, so the client is the one the entry's custom metadata records ({ACTIVE_CLIENT_ID_KEY}), and {entry} has no such record (KV v1 entries have none): set client_id_key to the key the sink writes the id under."),
        ))?
    } else {
        data.value(&req.client_id_key)
            .map(|v| v.expose().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("client_id_key", &req.client_id_key))?
    };
    check_record(entry, &client_id, &read.custom_metadata)?;
    Ok(Picked {
        client_id,
        secret,
        version,
        created_time: read.created_time,
    })
}

/// An entry this provider marked must hold the client its record names:
/// the sink's (`genesys-client-id`) or the one the last rotation wrote
/// (`genesys-active-client-id`). An unmarked entry (KV v1, or written by
/// something else) has no record to disagree with.
fn check_record(
    entry: &KvPath,
    client_id: &str,
    custom_metadata: &BTreeMap<String, String>,
) -> Result<(), AttributeError> {
    let Some(owner) = owner_of(custom_metadata) else {
        return Ok(());
    };
    let active = active_of(custom_metadata).unwrap_or(owner);
    if client_id == owner || client_id == active {
        return Ok(());
    }
    Err(AttributeError::new(
        "path",
        format!("{entry} does not hold the client its sink wrote"),
        format!("{entry} holds the credentials of OAuth client {client_id}, but its record names {owner} ({CLIENT_ID_KEY}) and {active} ({ACTIVE_CLIENT_ID_KEY}): the entry was changed outside Terraform. Its credentials were not used; the sink's next rotation writes the entry again."),
    ))
}

/// The error of credentials the token endpoint refused, on `verify` (or on
/// `access_token` when only the token asked for the exchange): it names the
/// client, the entry and its version.
pub fn refused(req: &Request, picked: &Picked, error: &GenesysError) -> AttributeError {
    let written = picked
        .created_time
        .as_deref()
        .map(|t| format!(", written at {t}"))
        .unwrap_or_default();
    let version = match picked.version {
        0 => String::new(),
        v => format!(" (version {v}{written})"),
    };
    AttributeError::new(
        if req.verify { "verify" } else { "access_token" },
        format!("Genesys Cloud refuses the credentials of OAuth client {}", picked.client_id),
        format!(
            "The credentials of OAuth client {} read from {}{version} are refused at the token endpoint: {error}. The secret was reset outside Terraform, or the client is not active; the sink's next rotation writes a working secret (a sink with verify_on_read finds this at plan).",
            picked.client_id, req.entry
        ),
    )
}

/// When a token answered at `now` expires: after `expires_in` seconds
/// (Genesys's default lifetime, a day, when the answer does not say).
pub fn expires_at(now: OffsetDateTime, expires_in: Option<u64>) -> String {
    let seconds = i64::try_from(expires_in.unwrap_or(86_400)).unwrap_or(i64::MAX);
    format_time(now.saturating_add(time::Duration::seconds(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::KvData;
    use crate::vault_secret::rules::{MANAGED_BY_KEY, MANAGED_BY_VALUE};

    fn text(s: &str) -> Field<String> {
        Field::Known(s.to_string())
    }

    fn config() -> CredentialsFields {
        CredentialsFields {
            mount: text("secret"),
            path: text("genesys/ci"),
            ..CredentialsFields::default()
        }
    }

    fn request() -> Request {
        super::request(&config()).expect("valid").expect("known")
    }

    fn marked(owner: &str, active: Option<&str>) -> BTreeMap<String, String> {
        let mut m = BTreeMap::from([
            (MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string()),
            (CLIENT_ID_KEY.to_string(), owner.to_string()),
        ]);
        if let Some(active) = active {
            m.insert(ACTIVE_CLIENT_ID_KEY.into(), active.into());
        }
        m
    }

    fn read(pairs: &[(&str, &str)], custom_metadata: BTreeMap<String, String>) -> KvVersionRead {
        KvVersionRead {
            read: KvRead::Live(KvData::for_tests(pairs)),
            version: Some(4),
            created_time: Some("2026-01-02T03:04:05Z".into()),
            custom_metadata,
        }
    }

    #[test]
    fn defaults_are_the_sinks_and_unknown_values_wait() {
        let r = request();
        assert_eq!(r.entry.to_string(), "secret/genesys/ci");
        assert_eq!(
            (r.client_id_key.as_str(), r.client_secret_key.as_str()),
            ("client_id", "client_secret")
        );
        assert_eq!((r.version, r.verify, r.access_token), (None, true, false));
        let pinned = CredentialsFields {
            version: Field::Known(7),
            ..config()
        };
        assert_eq!(
            super::request(&pinned).expect("valid").map(|r| r.version),
            Some(Some(7))
        );
        let latest = CredentialsFields {
            version: Field::Known(0),
            ..config()
        };
        assert_eq!(
            super::request(&latest).expect("valid").map(|r| r.version),
            Some(None)
        );
        for unknown in [
            CredentialsFields {
                path: Field::Unknown,
                ..config()
            },
            CredentialsFields {
                version: Field::Unknown,
                ..config()
            },
            CredentialsFields {
                client_id_key: Field::Unknown,
                ..config()
            },
            CredentialsFields {
                verify: Field::Unknown,
                ..config()
            },
        ] {
            assert_eq!(super::request(&unknown), Ok(None), "{unknown:?}");
            assert!(check(&unknown).is_empty());
        }
    }

    #[test]
    fn bad_values_are_errors_on_their_attribute() {
        let bad = CredentialsFields {
            mount: text("/secret"),
            path: Field::Unknown,
            client_secret_key: text(""),
            version: Field::Known(-1),
            ..config()
        };
        let attributes: Vec<_> = check(&bad).iter().map(|e| e.attribute).collect();
        assert_eq!(attributes, ["mount", "client_secret_key", "version"]);
        assert!(super::request(&bad).is_err());
        let empty_id_key = CredentialsFields {
            client_id_key: text(""),
            ..config()
        };
        assert!(check(&empty_id_key).is_empty());
    }

    #[test]
    fn the_entry_names_the_client_in_use() {
        let entry = [("client_id", "standby"), ("client_secret", "s")];
        let picked =
            pick(&request(), read(&entry, marked("primary", Some("standby")))).expect("ok");
        assert_eq!(picked.client_id, "standby");
        assert_eq!(picked.secret.expose(), "s");
        assert_eq!(picked.version, 4);
        assert_eq!(picked.created_time.as_deref(), Some("2026-01-02T03:04:05Z"));
        let own = [("client_id", "primary"), ("client_secret", "s")];
        assert!(pick(&request(), read(&own, marked("primary", None))).is_ok());
        let unmarked = pick(&request(), read(&own, BTreeMap::new())).expect("ok");
        assert_eq!(unmarked.client_id, "primary");
    }

    #[test]
    fn an_entry_whose_record_names_other_clients_is_refused() {
        let entry = [("client_id", "intruder"), ("client_secret", "s")];
        let e = pick(&request(), read(&entry, marked("primary", Some("standby"))))
            .expect_err("refused");
        assert_eq!(e.attribute, "path");
        assert!(
            e.detail.contains("intruder")
                && e.detail.contains("primary")
                && e.detail.contains("standby")
        );
        assert!(!e.detail.contains(" s "));
    }

    #[test]
    fn missing_entries_and_keys_are_errors_on_their_attribute() {
        let absent = KvVersionRead {
            read: KvRead::Absent,
            version: None,
            created_time: None,
            custom_metadata: BTreeMap::new(),
        };
        assert_eq!(
            pick(&request(), absent).expect_err("absent").attribute,
            "path"
        );
        let pinned = Request {
            version: Some(9),
            ..request()
        };
        let deleted = KvVersionRead {
            read: KvRead::Deleted {
                version: 9,
                deletion_time: "2026-01-01T00:00:00Z".into(),
            },
            version: None,
            created_time: None,
            custom_metadata: BTreeMap::new(),
        };
        let e = pick(&pinned, deleted).expect_err("deleted");
        assert_eq!(e.attribute, "version");
        assert!(e.detail.contains("deleted"));
        let no_secret = read(&[("client_id", "a")], BTreeMap::new());
        assert_eq!(
            pick(&request(), no_secret)
                .expect_err("no secret")
                .attribute,
            "client_secret_key"
        );
        let empty_secret = read(
            &[("client_id", "a"), ("client_secret", "")],
            BTreeMap::new(),
        );
        assert_eq!(
            pick(&request(), empty_secret).expect_err("empty").attribute,
            "client_secret_key"
        );
        let no_id = read(&[("client_secret", "s")], BTreeMap::new());
        assert_eq!(
            pick(&request(), no_id).expect_err("no id").attribute,
            "client_id_key"
        );
    }

    #[test]
    fn without_an_id_key_the_record_names_the_client() {
        let req = Request {
            client_id_key: String::new(),
            ..request()
        };
        let secret_only = [("client_secret", "s")];
        let picked =
            pick(&req, read(&secret_only, marked("primary", Some("standby")))).expect("ok");
        assert_eq!(picked.client_id, "standby");
        let e = pick(&req, read(&secret_only, BTreeMap::new())).expect_err("no record");
        assert_eq!(e.attribute, "client_id_key");
    }

    #[test]
    fn a_refusal_names_the_client_and_the_entry() {
        let picked = pick(
            &request(),
            read(
                &[("client_id", "c1"), ("client_secret", "s3cr3t")],
                BTreeMap::new(),
            ),
        )
        .expect("ok");
        let error = GenesysError::Token {
            operation: "verify".into(),
            login_host: "login.example".into(),
            status: 401,
            error: "invalid_client".into(),
            description: None,
            attempts: 1,
            gave_up: None,
        };
        let e = refused(&request(), &picked, &error);
        assert_eq!(e.attribute, "verify");
        assert!(e.summary.contains("c1"));
        assert!(e
            .detail
            .contains("secret/genesys/ci (version 4, written at 2026-01-02T03:04:05Z)"));
        assert!(!e.detail.contains("s3cr3t"));
        let token_only = Request {
            verify: false,
            access_token: true,
            ..request()
        };
        assert_eq!(
            refused(&token_only, &picked, &error).attribute,
            "access_token"
        );
    }

    #[test]
    fn a_token_expires_after_its_lifetime() {
        let now = OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("time");
        assert_eq!(expires_at(now, Some(3600)), "2026-01-01T01:00:00Z");
        assert_eq!(expires_at(now, None), "2026-01-02T00:00:00Z");
    }
}
