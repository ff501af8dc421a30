//! At plan, the client a planned rotation will regenerate and write: an
//! error on its attribute when the plan leaves it unusable, a warning when
//! Genesys Cloud says it is unusable now; then the warning every plan that
//! regenerates gives (which client, why), and a pair's roles difference.
//! The rules are in `crate::vault_secret::pair`; the apply checks again before any
//! regenerate (`clients.rs`). Unknown ids, or reads that fail, are left to
//! the apply.

use std::sync::Arc;

use crate::attribute_error::AttributeError;
use crate::genesys::model::OAuthClient;
use crate::genesys::GenesysClient;
use crate::note::Note;
use crate::process_records::client_states::configured_states;
use crate::vault_secret::pair::{self, Pair};

/// What the plan says of the client a rotation will write, given the
/// sink's ids as the plan knows them (`client_id`: `None` when known only
/// after apply; `standby`: `None` when unknown, `Some(None)` without one),
/// the client state records in Vault (`active`) and why it rotates
/// (`reasons`). `genesys` is asked for only when a client must be read;
/// `None` from it ends the plan (it said why).
pub async fn planned_target<F>(
    genesys: F,
    client_id: Option<&str>,
    standby: Option<Option<&str>>,
    active: Option<&str>,
    reasons: &[String],
) -> Option<Vec<Note>>
where
    F: FnOnce() -> Option<Arc<GenesysClient>>,
{
    let (Some(client_id), Some(standby)) = (client_id, standby) else {
        return Some(vec![unknown_notice(standby.is_none(), reasons)]);
    };
    let target = Pair::new(client_id, standby).next(active);
    let configured = configured_states().of(target);
    let read = if configured.is_none() || standby.is_some() {
        let genesys = genesys()?;
        let other = standby.map(|s| if s == target { client_id } else { s });
        let (target, other) = tokio::join!(genesys.get_client(target, None), async {
            match other {
                Some(id) => genesys.get_client(id, None).await.ok().flatten(),
                None => None,
            }
        });
        (target.ok().flatten(), other)
    } else {
        (None, None)
    };
    let planned = Planned {
        client_id,
        standby,
        active,
        target,
    };
    Some(judge(&planned, configured.as_deref(), read, reasons))
}

/// The regenerate warning when the plan does not know which client a
/// rotation writes (`standby_unknown`: the standby's id is unknown too).
fn unknown_notice(standby_unknown: bool, reasons: &[String]) -> Note {
    let named_by = if standby_unknown {
        "client_id or standby_client_id"
    } else {
        "client_id"
    };
    Note::AttributeWarning(pair::unknown_regenerate_notice(named_by, reasons))
}

/// The known ids of a planned rotation and the client it writes.
struct Planned<'a> {
    client_id: &'a str,
    standby: Option<&'a str>,
    active: Option<&'a str>,
    target: &'a str,
}

/// The notes on the target, given the state the configuration plans for it
/// (`configured`) and the clients read (the target, the other of a pair).
fn judge(
    p: &Planned,
    configured: Option<&str>,
    read: (Option<OAuthClient>, Option<OAuthClient>),
    reasons: &[String],
) -> Vec<Note> {
    let attribute = if p.target == p.client_id {
        "client_id"
    } else {
        "standby_client_id"
    };
    let facts = read.0.as_ref().map(|c| {
        let grant = if p.standby.is_some() {
            c.authorized_grant_type.as_str()
        } else {
            ""
        };
        (c.state.as_deref(), grant)
    });
    let mut notes = Vec::new();
    match pair::check_target(p.target, attribute, configured, facts) {
        Some((true, e)) => return vec![Note::AttributeError(e)],
        Some((false, e)) => notes.push(Note::AttributeWarning(e)),
        None => {}
    }
    let in_vault = p.active.or(p.standby.map(|_| p.client_id));
    notes.push(Note::AttributeWarning(pair::regenerate_notice(
        p.target, attribute, in_vault, reasons,
    )));
    notes.extend(roles_warning(read));
    notes
}

/// A pair's two clients with different roles, warned of at plan.
fn roles_warning(read: (Option<OAuthClient>, Option<OAuthClient>)) -> Option<Note> {
    let (Some(a), Some(b)) = read else {
        return None;
    };
    let difference = pair::role_difference(
        (&a.id, a.role_divisions.as_deref()),
        (&b.id, b.role_divisions.as_deref()),
    )?;
    Some(Note::AttributeWarning(AttributeError::new(
        "standby_client_id",
        "The sink's two OAuth clients have different roles",
        format!("{difference}. Consumers' permissions change at every rotation, as the entry alternates between {} and {}: give both clients the same roles in the same divisions.", a.id, b.id),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, state: &str, grant: &str, role: &str) -> OAuthClient {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "state": state, "authorizedGrantType": grant,
            "roleDivisions": [{"roleId": role, "divisionId": "d"}],
        }))
        .expect("client")
    }

    fn said(notes: &[Note]) -> Vec<(&'static str, &str)> {
        notes
            .iter()
            .map(|n| match n {
                Note::AttributeWarning(e) => ("warning", e.summary.as_str()),
                Note::AttributeError(e) => ("error", e.summary.as_str()),
                Note::Warning(s, _) | Note::Error(s, _) => ("other", s.as_str()),
                Note::Failed(f) => ("other", f.summary.as_str()),
            })
            .collect()
    }

    #[test]
    fn an_unknown_id_only_announces_the_regenerate() {
        for (standby_unknown, start) in [
            (true, "client_id or standby_client_id"),
            (false, "the OAuth client that client_id names"),
        ] {
            let Note::AttributeWarning(e) = unknown_notice(standby_unknown, &[]) else {
                panic!("not a warning");
            };
            assert_eq!(e.attribute, "client_id");
            assert!(e.detail.contains(start), "{}", e.detail);
        }
    }

    #[test]
    fn the_target_is_refused_warned_of_and_compared_with_its_pair() {
        let cc = "CLIENT-CREDENTIALS";
        let regenerate = ("warning", "The apply will regenerate a client secret");
        let roles = (
            "warning",
            "The sink's two OAuth clients have different roles",
        );
        let refused = (
            "error",
            "The rotation would write credentials that cannot work",
        );
        let not_now = ("warning", "The rotation's client cannot be used now");
        let alone = Planned {
            client_id: "a",
            standby: None,
            active: None,
            target: "a",
        };
        let pair = Planned {
            client_id: "a",
            standby: Some("b"),
            active: Some("a"),
            target: "b",
        };
        let cases = [
            (&alone, None, (None, None), vec![regenerate]),
            (&alone, Some("inactive"), (None, None), vec![refused]),
            (
                &alone,
                None,
                (Some(client("a", "inactive", cc, "r")), None),
                vec![not_now, regenerate],
            ),
            (
                &pair,
                None,
                (
                    Some(client("b", "active", cc, "r")),
                    Some(client("a", "active", cc, "r")),
                ),
                vec![regenerate],
            ),
            (
                &pair,
                None,
                (
                    Some(client("b", "active", cc, "r")),
                    Some(client("a", "active", cc, "s")),
                ),
                vec![regenerate, roles],
            ),
        ];
        for (planned, configured, read, expected) in cases {
            let notes = judge(planned, configured, read, &[]);
            assert_eq!(said(&notes), expected);
        }
        let Note::AttributeWarning(e) = &judge(&pair, None, (None, None), &[])[0] else {
            panic!("not a warning");
        };
        assert_eq!(e.attribute, "standby_client_id");
    }
}
