//! One client, one sink across Terraform states: the rules of the claim a
//! sink records in Vault for each client it keeps. Two states cannot see
//! each other, but both write to the same Vault: a claim at a location
//! derived from the client id alone ([`location`]) names the entry that
//! keeps the client. What this keeps true:
//!
//! - a plan that would start keeping a client (a create, a new standby)
//!   refuses when the claim names another entry that still holds the client
//!   ([`judge`], [`conflict`]), and takes a stale claim over with a warning
//!   ([`stale`]);
//! - the apply writes the claim with check-and-set at the version the plan
//!   saw ([`PlannedClaim`], 0 when it saw none), before any regenerate: of
//!   two applies racing for one client, one write wins, and the other stops
//!   ([`after_cas_failure`]);
//! - a claim is released only while it still names the entry releasing it
//!   ([`release_version`]);
//! - a token that may not read or write the claims is never a refusal, only
//!   a warning ([`unprotected`]); a KV v1 mount holds no claim (no
//!   check-and-set: two applies could both win).
//!
//! Plain functions over plain types; the requests are in `crate::vault_secret`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attribute_error::AttributeError;
use crate::vault::claims::CLAIMS_FOLDER;
use crate::vault::KvPath;

/// Claim key: the entry (`<mount>/<path>`) that keeps the client.
pub const ENTRY_KEY: &str = "entry";
/// Claim key: the `client_id` of the sink writing that entry (its
/// ownership mark, `genesys-client-id`; the standby's claim names it too).
pub const SINK_CLIENT_KEY: &str = "sink-client-id";
/// Claim key: the HCP Terraform workspace that wrote it, when known.
pub const WORKSPACE_KEY: &str = "tfc-workspace";

/// Where the claim of `client_id` is: in [`CLAIMS_FOLDER`] on
/// `claims_mount` (the provider's `vault.claims_mount`) or else on the
/// sink's own mount. `None` for an id that names no path (refused at
/// validate already).
pub fn location(claims_mount: Option<&str>, sink_mount: &str, client_id: &str) -> Option<KvPath> {
    let mount = claims_mount.unwrap_or(sink_mount);
    KvPath::checked(
        mount,
        &format!("{CLAIMS_FOLDER}/{client_id}"),
        ["mount", "path"],
    )
    .ok()
}

/// The policy lines a token needs on the claims of `mount`.
pub fn policy_line(mount: &str) -> String {
    format!(
        "path \"{mount}/data/{CLAIMS_FOLDER}/*\" {{ capabilities = [\"create\", \"read\", \"update\"] }} and path \"{mount}/delete/{CLAIMS_FOLDER}/*\" {{ capabilities = [\"update\"] }}"
    )
}

/// What a claim says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The entry that keeps the client, `<mount>/<path>`.
    pub entry: String,
    /// That sink's `client_id`: the ownership mark its entry carries.
    pub sink_client_id: String,
    /// The HCP Terraform workspace that wrote the claim, when known.
    pub workspace: Option<String>,
}

impl Claim {
    /// The claim's values, as written to Vault (nothing secret).
    pub fn to_data(&self) -> BTreeMap<String, String> {
        let mut data = BTreeMap::from([
            (ENTRY_KEY.to_string(), self.entry.clone()),
            (SINK_CLIENT_KEY.to_string(), self.sink_client_id.clone()),
        ]);
        if let Some(w) = &self.workspace {
            data.insert(WORKSPACE_KEY.into(), w.clone());
        }
        data
    }

    /// The claim in values read back; `None` when they are not a claim.
    pub fn from_data(data: &BTreeMap<String, String>) -> Option<Claim> {
        Some(Claim {
            entry: data.get(ENTRY_KEY)?.clone(),
            sink_client_id: data.get(SINK_CLIENT_KEY)?.clone(),
            workspace: data.get(WORKSPACE_KEY).cloned(),
        })
    }

    /// Who keeps the client, for messages.
    fn holder(&self) -> String {
        match &self.workspace {
            Some(w) => format!("the sink at {} (workspace {w})", self.entry),
            None => format!("the sink at {}", self.entry),
        }
    }
}

/// What the claim location holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No live claim; `version` is the location's current version (0:
    /// never written), the check-and-set a new claim writes with.
    Free {
        /// The current version.
        version: u64,
    },
    /// A live claim at `version`.
    Named {
        /// Its version.
        version: u64,
        /// What it says.
        claim: Claim,
    },
}

/// Whether capabilities `caps` let a token write a claim: `create` when
/// the location has no version yet, `update` when it has one.
pub fn may_write(caps: &[String], exists: bool) -> bool {
    let needed = if exists { "update" } else { "create" };
    caps.iter().any(|c| c == needed || c == "root")
}

/// What a plan does about one client's claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Claim it (free, or this entry's already) at `cas`.
    Claim {
        /// The version the apply writes over.
        cas: u64,
    },
    /// Ask whether the entry the claim names still holds the client.
    AskHolder {
        /// The claim's version.
        version: u64,
        /// The claim.
        claim: Claim,
    },
}

/// The first look at a claim for the sink writing `entry`.
pub fn judge(found: Found, entry: &KvPath) -> Verdict {
    match found {
        Found::Free { version } => Verdict::Claim { cas: version },
        Found::Named { version, claim } if claim.entry == entry.to_string() => {
            Verdict::Claim { cas: version }
        }
        Found::Named { version, claim } => Verdict::AskHolder { version, claim },
    }
}

/// Whether the entry a claim of `client_id` names still holds the client:
/// its ownership mark names the claim's sink client or the client itself
/// (a pair whose two ids were swapped since), and it is not deleted (an
/// entry marked but not written yet counts: its apply is under way).
/// `marked_for`: the entry's mark (`None`: no mark, or no entry);
/// `deleted`: its latest version is deleted or destroyed.
pub fn still_holds(
    claim: &Claim,
    client_id: &str,
    marked_for: Option<&str>,
    deleted: bool,
) -> bool {
    let marked = marked_for.is_some_and(|m| m == claim.sink_client_id || m == client_id);
    marked && !deleted
}

/// The claim to write over `found` when the sink writing `entry` now has
/// `sink_client_id` as its `client_id` (a swap within its pair moved the
/// entry's mark): its version and the claim naming the new sink client;
/// `None` when the claim is not this entry's, or says so already.
pub fn follow_mark(found: &Found, entry: &KvPath, sink_client_id: &str) -> Option<(u64, Claim)> {
    match found {
        Found::Named { version, claim }
            if claim.entry == entry.to_string() && claim.sink_client_id != sink_client_id =>
        {
            let moved = Claim {
                sink_client_id: sink_client_id.to_string(),
                ..claim.clone()
            };
            Some((*version, moved))
        }
        _ => None,
    }
}

/// What the plan carries to the apply about one client's claim (in the
/// sink's private state): the version to write over. (Terraform plans a
/// resource again at apply, just before applying it, so a stale claim is
/// judged stale again right before it is taken over.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedClaim {
    /// The client.
    pub client_id: String,
    /// The check-and-set version of the claim's write.
    pub cas: u64,
}

/// The check-and-set of `client_id`'s claim at apply: as the plan saw it,
/// else 0 (a new claim: the plan could not read it, or did not know the
/// id).
pub fn planned_cas(planned: &[PlannedClaim], client_id: &str) -> u64 {
    planned
        .iter()
        .find(|p| p.client_id == client_id)
        .map_or(0, |p| p.cas)
}

/// After the claim's write lost its check-and-set (or its answer), what
/// the claim read back says: `Ok` when it names `entry` (this sink's
/// already: a repeated apply, or a write whose answer was lost), else the
/// claim that won, and the apply stops before any regenerate.
pub fn after_cas_failure(found: Found, entry: &KvPath) -> Result<(), Option<Claim>> {
    match found {
        Found::Named { claim, .. } if claim.entry == entry.to_string() => Ok(()),
        Found::Named { claim, .. } => Err(Some(claim)),
        Found::Free { .. } => Err(None),
    }
}

/// The version to delete when the sink writing `entry` releases a claim:
/// only a live claim that names it.
pub fn release_version(found: &Found, entry: &KvPath) -> Option<u64> {
    match found {
        Found::Named { version, claim } if claim.entry == entry.to_string() => Some(*version),
        _ => None,
    }
}

/// A sink's known clients (`client_id`, `standby_client_id`), each
/// with its attribute.
pub type Ids<'a> = (Option<&'a str>, Option<&'a str>);

/// The clients a change of the sink's pair from `before` (`None`: a
/// create) to `after` starts keeping (claimed, each with its attribute),
/// and those it stops keeping (released). A swap within the pair is
/// neither.
pub fn changed_clients<'a>(
    before: Option<Ids<'a>>,
    after: Ids<'a>,
) -> (Vec<(&'static str, &'a str)>, Vec<&'a str>) {
    let (b1, b2) = before.unwrap_or((None, None));
    let before: Vec<&str> = [b1, b2].into_iter().flatten().collect();
    let after = [("client_id", after.0), ("standby_client_id", after.1)];
    let after: Vec<(&'static str, &str)> = after
        .into_iter()
        .filter_map(|(attribute, id)| Some((attribute, id?)))
        .collect();
    let new = after
        .iter()
        .filter(|(_, c)| !before.contains(c))
        .copied()
        .collect();
    let gone = before
        .into_iter()
        .filter(|c| !after.iter().any(|(_, a)| a == c))
        .collect();
    (new, gone)
}

/// The refusal of a plan whose client (`attribute`) another entry keeps.
pub fn conflict(
    attribute: &'static str,
    client_id: &str,
    entry: &KvPath,
    claim: &Claim,
) -> AttributeError {
    let holder = claim.holder();
    let other = &claim.entry;
    AttributeError::new(
        attribute,
        "OAuth client kept by a sink in another Terraform state",
        format!("OAuth client {client_id} is kept by {holder}: its claim in Vault says so, and that entry still holds the client. This sink would write {entry}, and a regenerate here would cut off everyone reading {other}. Nothing was changed. To move the client to this sink: destroy the other sink (or remove it from its configuration) and apply there, then apply here; or keep its entry: a `removed` block (lifecycle {{ destroy = false }}) there, and `terraform import` of {client_id}:{other} here. Otherwise give this sink a client of its own."),
    )
}

/// The refusal when the entry a claim names could not be read: whether it
/// still holds the client is unknown, so the other sink's consumers come
/// first.
pub fn holder_unknown(
    attribute: &'static str,
    client_id: &str,
    claim: &Claim,
    at: &KvPath,
    why: &str,
) -> AttributeError {
    let holder = claim.holder();
    let other = &claim.entry;
    AttributeError::new(
        attribute,
        "OAuth client claimed by a sink in another Terraform state",
        format!("OAuth client {client_id} is claimed by {holder} (the claim at {at}), and whether {other} still holds the client could not be read ({why}). Nothing was changed. Ask its owners to destroy that sink; if it is gone for good, delete the claim (vault kv delete {at}) and plan again."),
    )
}

/// The warning of a plan that takes over a stale claim.
pub fn stale(
    attribute: &'static str,
    client_id: &str,
    claim: &Claim,
    at: &KvPath,
) -> AttributeError {
    let holder = claim.holder();
    AttributeError::new(
        attribute,
        "A stale claim on the OAuth client is taken over",
        format!("The claim at {at} says OAuth client {client_id} is kept by {holder}, but that entry no longer holds it (deleted, written for another client, or its state was lost before it was written). The apply claims the client for this sink."),
    )
}

/// The warning of a plan whose token cannot protect the client across
/// states (`what`: what it may not do, or why there is no claim).
pub fn unprotected(
    attribute: &'static str,
    client_id: &str,
    at: &KvPath,
    what: &str,
) -> AttributeError {
    AttributeError::new(
        attribute,
        "One client, one sink: not checked across Terraform states",
        format!("OAuth client {client_id}: {what}, so a sink for the same client in another Terraform state is not detected, and the two would cut each other's consumers off at every rotation. The sink works as before. To be protected, grant the provider's token: {}.", policy_line(at.mount())),
    )
}

/// What [`unprotected`] says of a claims mount on KV v1.
pub fn kv1_reason(mount: &str) -> String {
    format!("the claims' mount {mount:?} is KV v1, which has no check-and-set, so two applies could both claim the client and no claim is kept; set vault.claims_mount to a KV v2 mount to be protected")
}

/// The error of an apply whose claim another apply won since the plan.
pub fn lost_race(client_id: &str, entry: &KvPath, at: &KvPath, winner: Option<&Claim>) -> String {
    let who = winner.map_or_else(
        || "it changed since the plan".to_string(),
        |c| format!("it now names {}", c.holder()),
    );
    format!("The claim of OAuth client {client_id} at {at} could not be written for {entry}: {who}. Nothing was regenerated: the secret in use still works. Run plan again: it says who keeps the client.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> KvPath {
        KvPath::checked("secret", path, ["mount", "path"]).expect("entry")
    }

    /// A live claim at version 5 naming `secret/{entry}`.
    fn named(entry: &str) -> Found {
        Found::Named {
            version: 5,
            claim: claim(entry),
        }
    }

    fn claim(entry: &str) -> Claim {
        Claim {
            entry: format!("secret/{entry}"),
            sink_client_id: "c1".into(),
            workspace: None,
        }
    }

    #[test]
    fn a_claim_lives_at_a_place_named_by_the_client_alone() {
        let on_sink = location(None, "kv", "c1").expect("location");
        assert_eq!(on_sink.to_string(), format!("kv/{CLAIMS_FOLDER}/c1"));
        let moved = location(Some("claims"), "kv", "c1").expect("location");
        assert_eq!(moved.to_string(), format!("claims/{CLAIMS_FOLDER}/c1"));
        assert_eq!(location(None, "kv", ".."), None);
        assert!(policy_line("kv").contains(&format!("kv/data/{CLAIMS_FOLDER}/*")));
    }

    #[test]
    fn writing_a_new_claim_needs_create_and_taking_one_over_update() {
        let caps = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(may_write(&caps(&["create", "read"]), false));
        assert!(!may_write(&caps(&["create", "read"]), true));
        assert!(may_write(&caps(&["update"]), true));
        assert!(may_write(&caps(&["root"]), true));
        assert!(!may_write(&caps(&["read"]), false));
    }

    #[test]
    fn a_claim_round_trips_through_its_values() {
        let mut c = claim("a");
        assert_eq!(Claim::from_data(&c.to_data()), Some(c.clone()));
        c.workspace = Some("crm".into());
        assert_eq!(Claim::from_data(&c.to_data()), Some(c));
        assert_eq!(Claim::from_data(&BTreeMap::new()), None);
    }

    #[test]
    fn a_plan_claims_a_free_or_own_claim_and_asks_about_another() {
        let here = entry("a");
        let cases = [
            (Found::Free { version: 0 }, Verdict::Claim { cas: 0 }),
            (Found::Free { version: 3 }, Verdict::Claim { cas: 3 }),
            (
                Found::Named {
                    version: 2,
                    claim: claim("a"),
                },
                Verdict::Claim { cas: 2 },
            ),
            (
                Found::Named {
                    version: 2,
                    claim: claim("b"),
                },
                Verdict::AskHolder {
                    version: 2,
                    claim: claim("b"),
                },
            ),
        ];
        for (found, expected) in cases {
            assert_eq!(judge(found.clone(), &here), expected, "{found:?}");
        }
    }

    #[test]
    fn only_a_marked_live_entry_still_holds_the_client() {
        let c = claim("b");
        assert!(still_holds(&c, "c1", Some("c1"), false));
        assert!(!still_holds(&c, "c1", Some("c1"), true), "deleted");
        assert!(!still_holds(&c, "c1", Some("c2"), false), "overwritten");
        assert!(!still_holds(&c, "c1", None, false), "gone or unmarked");
        // The standby's claim names the sink's client_id; after a swap the
        // mark names the standby itself.
        assert!(still_holds(&c, "c2", Some("c1"), false));
        assert!(still_holds(&c, "c2", Some("c2"), false));
        assert!(!still_holds(&c, "c2", Some("c3"), false));
    }

    #[test]
    fn a_swap_moves_the_claims_sink_client_with_the_mark() {
        let here = entry("b");
        let (version, moved) = follow_mark(&named("b"), &here, "c2").expect("moved");
        assert_eq!((version, moved.sink_client_id.as_str()), (5, "c2"));
        assert_eq!(moved.entry, "secret/b");
        assert_eq!(
            follow_mark(&named("b"), &here, "c1"),
            None,
            "says so already"
        );
        assert_eq!(
            follow_mark(&named("a"), &here, "c2"),
            None,
            "another entry's"
        );
        assert_eq!(follow_mark(&Found::Free { version: 1 }, &here, "c2"), None);
    }

    #[test]
    fn the_apply_writes_at_the_planned_version_and_a_lost_race_stops_it() {
        let planned = [PlannedClaim {
            client_id: "c1".into(),
            cas: 4,
        }];
        assert_eq!(planned_cas(&planned, "c1"), 4);
        assert_eq!(planned_cas(&planned, "c2"), 0, "not seen: a new claim");
        let here = entry("a");
        assert_eq!(after_cas_failure(named("a"), &here), Ok(()));
        assert_eq!(after_cas_failure(named("b"), &here), Err(Some(claim("b"))));
        assert_eq!(
            after_cas_failure(Found::Free { version: 5 }, &here),
            Err(None)
        );
    }

    #[test]
    fn a_claim_is_released_only_by_the_entry_it_names() {
        let here = entry("a");
        assert_eq!(release_version(&named("a"), &here), Some(5));
        assert_eq!(release_version(&named("b"), &here), None);
        assert_eq!(release_version(&Found::Free { version: 5 }, &here), None);
    }

    #[test]
    fn a_change_of_pair_claims_the_new_clients_and_releases_the_old() {
        let pair = |a: &'static str, b: Option<&'static str>| (Some(a), b);
        let swap = changed_clients(Some(pair("a", Some("b"))), pair("b", Some("a")));
        assert_eq!(swap, (vec![], vec![]));
        let new_standby = changed_clients(Some(pair("a", Some("b"))), pair("a", Some("c")));
        assert_eq!(new_standby, (vec![("standby_client_id", "c")], vec!["b"]));
        let create = changed_clients(None, pair("a", Some("b")));
        let both = vec![("client_id", "a"), ("standby_client_id", "b")];
        assert_eq!(create, (both, vec![]));
        let dropped = changed_clients(Some(pair("a", Some("b"))), pair("a", None));
        assert_eq!(dropped, (vec![], vec!["b"]));
        let unknown = changed_clients(None, (None, None));
        assert_eq!(unknown, (vec![], vec![]));
    }

    #[test]
    fn messages_name_the_other_entry_and_the_way_to_move_a_client() {
        let at = location(None, "secret", "c1").expect("location");
        let e = conflict("client_id", "c1", &entry("a"), &claim("b"));
        assert_eq!(e.attribute, "client_id");
        assert!(e.detail.contains("secret/b") && e.detail.contains("removed"));
        assert!(e.detail.contains("terraform import"));
        let w = unprotected("client_id", "c1", &at, "the token may not read the claim");
        assert!(w.detail.contains(&policy_line("secret")));
        assert!(lost_race("c1", &entry("a"), &at, Some(&claim("b"))).contains("secret/b"));
    }
}
