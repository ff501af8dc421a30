//! Rules of a sink that adopts what is already there: a `terraform import`,
//! or a state written by an older release that did not record everything.
//!
//! What it keeps true: adopting never rotates. An import takes the entry as
//! it is: the client its record names is the active one, the rotation clock
//! starts when the entry's version was written, and `rotation_triggers`
//! seen in the configuration for the first time after an import are taken
//! as they are (the secret behind them is the one in Vault, not a new one).
//! When state does not say which client the entry holds, the entry's own
//! record says it, never `client_id` by default: a rotation based on a wrong
//! guess would regenerate the client whose credentials consumers hold.

use crate::vault::KvPath;

/// A sink's import id, parsed: `<client_id>:<mount>/<path>`,
/// `<client_id>:<mount>:<path>` (a mount with `/` in its name), each with
/// `<client_id>,<standby_client_id>` in front for a pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportId {
    /// The sink's `client_id`.
    pub client_id: String,
    /// Its `standby_client_id`, when the id names two clients.
    pub standby: Option<String>,
    /// The entry.
    pub entry: KvPath,
}

/// Parses an import id; the error is the sentence that says how to write
/// one. The client ids are checked afterwards on the attributes they fill.
pub fn parse_import_id(id: &str) -> Result<ImportId, String> {
    let parsed = id
        .split_once(':')
        .and_then(|(clients, rest)| Some((clients, KvPath::parse(rest)?)));
    let Some((clients, entry)) = parsed else {
        return Err(format!("{id:?}: use <client_id>:<mount>/<path> (mount is the first segment), or <client_id>:<mount>:<path> for a mount with '/' in its name; with a standby client, <client_id>,<standby_client_id>:<mount>/<path>."));
    };
    let (client_id, standby) = match clients.split_once(',') {
        Some((client, standby)) => (client, Some(standby.to_string())),
        None => (clients, None),
    };
    Ok(ImportId {
        client_id: client_id.to_string(),
        standby,
        entry,
    })
}

/// An import id, parsed and its clients checked as the attributes they
/// fill would be (`client_id_key`: the key the imported sink starts with).
/// The refusals are the errors to say, each a summary and a detail, the
/// client checks named after the id.
pub fn check_import_id(id: &str, client_id_key: &str) -> Result<ImportId, Vec<(String, String)>> {
    let parsed =
        parse_import_id(id).map_err(|detail| vec![("Invalid import id".to_string(), detail)])?;
    let standby = parsed.standby.as_deref();
    let errors = super::input::check_clients(Some(&parsed.client_id), standby, Some(client_id_key));
    if errors.is_empty() {
        return Ok(parsed);
    }
    Err(errors
        .into_iter()
        .map(|e| (format!("Invalid import id {id:?}: {}", e.summary), e.detail))
        .collect())
}

/// Whether `rotation_triggers` changed, for the rotation rule. A sink
/// adopted by an import has never recorded triggers: the first ones the
/// configuration gives are taken as they are, not as a change (`adopted`
/// with no triggers in state). Once the sink has recorded triggers, or has
/// been applied since the import, every difference counts.
pub fn triggers_changed(adopted: bool, recorded_any: bool, differ: bool) -> bool {
    differ && (recorded_any || !adopted)
}

/// The client whose credentials the entry holds, when state does not say
/// (state written before `active_client_id` existed, or dropped by an older
/// release's refresh, which drops `standby_client_id` too): the client the
/// entry's own record names (KV v2: `genesys-active-client-id`; KV v1: the
/// client id stored in the entry), whichever it is; `client_id` only when
/// the entry names none. Never `client_id` by default over a record: the
/// plan compares the record with the configured pair, and rotates to
/// `client_id` only when the record names neither of the two, leaving that
/// client's secret alone.
pub fn active_when_state_has_none(client_id: &str, entry_record: Option<&str>) -> String {
    entry_record
        .filter(|id| !id.is_empty())
        .unwrap_or(client_id)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_parsed_or_refused_with_the_grammar() {
        let ok = |client: &str, standby: Option<&str>, mount: &str, path: &str| {
            Ok::<_, ()>((
                client.to_string(),
                standby.map(str::to_string),
                mount.to_string(),
                path.to_string(),
            ))
        };
        let cases = [
            (
                "c1:secret/genesys/ci",
                ok("c1", None, "secret", "genesys/ci"),
            ),
            ("c1,c2:secret/ci", ok("c1", Some("c2"), "secret", "ci")),
            ("c1:team/kv:app/ci", ok("c1", None, "team/kv", "app/ci")),
            ("c1,c2:team/kv:ci", ok("c1", Some("c2"), "team/kv", "ci")),
            // The client ids are checked on their attributes afterwards.
            (",c2:secret/ci", ok("", Some("c2"), "secret", "ci")),
            ("c1:secret", Err(())),
            ("c1", Err(())),
            ("secret/ci", Err(())),
            ("c1:secret/", Err(())),
            ("c1:/ci", Err(())),
            ("c1:secret/a/../b", Err(())),
            ("", Err(())),
        ];
        for (id, expected) in cases {
            let got = parse_import_id(id)
                .map(|p| {
                    (
                        p.client_id,
                        p.standby,
                        p.entry.mount().to_string(),
                        p.entry.path().to_string(),
                    )
                })
                .map_err(|e| {
                    assert!(e.contains("<client_id>:<mount>/<path>"), "{id:?}: {e}");
                    assert!(e.contains(&format!("{id:?}")), "{id:?}: {e}");
                });
            assert_eq!(got, expected, "{id:?}");
        }
    }

    #[test]
    fn an_import_id_with_a_bad_client_is_refused_in_the_ids_name() {
        // (id, client_id_key) -> the summaries of the refusals
        let cases: [(&str, &str, Vec<&str>); 6] = [
            ("c1:secret/ci", "client_id", vec![]),
            ("c1,c2:secret/ci", "client_id", vec![]),
            ("c1", "client_id", vec!["Invalid import id"]),
            (
                ",c2:secret/ci",
                "client_id",
                vec!["Invalid import id \",c2:secret/ci\": Invalid client_id \"\""],
            ),
            (
                "c1,c1:secret/ci",
                "client_id",
                vec!["Invalid import id \"c1,c1:secret/ci\": standby_client_id is the same client as client_id"],
            ),
            (
                "c1,c2:secret/ci",
                "",
                vec!["Invalid import id \"c1,c2:secret/ci\": client_id_key is empty, but the sink has a standby_client_id"],
            ),
        ];
        for (id, key, expected) in cases {
            let got: Vec<String> = match check_import_id(id, key) {
                Ok(parsed) => {
                    assert_eq!(parsed, parse_import_id(id).expect("parses"), "{id:?}");
                    Vec::new()
                }
                Err(refusals) => refusals.into_iter().map(|(summary, _)| summary).collect(),
            };
            assert_eq!(got, expected, "{id:?}");
        }
    }

    #[test]
    fn triggers_seen_first_after_an_import_are_adopted_not_a_change() {
        // (adopted, triggers recorded in state, config differs) -> changed
        let cases = [
            ((false, false, false), false),
            ((false, false, true), true),
            ((false, true, true), true),
            ((false, true, false), false),
            ((true, false, true), false),
            ((true, false, false), false),
            ((true, true, true), true),
            ((true, true, false), false),
        ];
        for ((adopted, recorded, differ), expected) in cases {
            assert_eq!(
                triggers_changed(adopted, recorded, differ),
                expected,
                "adopted {adopted}, recorded {recorded}, differ {differ}"
            );
        }
    }

    #[test]
    fn a_state_without_the_active_client_takes_it_from_the_entry() {
        let cases = [
            (Some("green"), "green"),
            (Some("blue"), "blue"),
            // Named as it is: the plan rotates to client_id when spare is
            // not one of the configured pair, leaving spare alone.
            (Some("spare"), "spare"),
            (Some(""), "blue"),
            (None, "blue"),
        ];
        for (record, expected) in cases {
            assert_eq!(
                active_when_state_has_none("blue", record),
                expected,
                "record {record:?}"
            );
        }
    }
}
