//! A sink's pair of OAuth clients rotated in turn (`standby_client_id`).
//!
//! What it keeps true: a rotation never regenerates the client whose
//! credentials are in Vault (consumers may hold them), so credentials read
//! before a rotation work until the rotation after it; the entry holds one
//! of the sink's own clients (when the client in Vault leaves the pair, the
//! plan rotates to `client_id`); the two clients differ, and consumers can
//! tell which one a secret belongs to (the entry names it). Without a
//! standby the sink has one client, and every rotation writes it.

use std::collections::BTreeSet;

use crate::attribute_error::AttributeError;
use crate::genesys::model::{canonical_grant_type, RoleDivision};

/// The clients a sink keeps: `client_id`, and its standby when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    client_id: &'a str,
    standby: Option<&'a str>,
}

impl<'a> Pair<'a> {
    /// The sink's clients.
    pub fn new(client_id: &'a str, standby: Option<&'a str>) -> Pair<'a> {
        Pair { client_id, standby }
    }

    /// The sink's clients: `client_id`, then its standby.
    pub fn clients(&self) -> impl Iterator<Item = &'a str> {
        std::iter::once(self.client_id).chain(self.standby)
    }

    /// Whether `id` is one of the sink's clients.
    pub fn keeps(&self, id: &str) -> bool {
        self.clients().any(|c| c == id)
    }

    /// The client whose credentials are in Vault: the first of `records`
    /// (most trusted first) that names one of the sink's clients. A sink
    /// without a standby only ever writes `client_id`. `None` when no record
    /// names a client of the pair (a new entry, or the client in Vault left
    /// the pair).
    pub fn active(&self, records: &[Option<&str>]) -> Option<&'a str> {
        let Some(standby) = self.standby else {
            return Some(self.client_id);
        };
        records.iter().flatten().find_map(|id| {
            if *id == self.client_id {
                Some(self.client_id)
            } else if *id == standby {
                Some(standby)
            } else {
                None
            }
        })
    }

    /// The client a rotation regenerates and writes: the one that is not
    /// `active`; `client_id` when neither is.
    pub fn next(&self, active: Option<&str>) -> &'a str {
        match self.standby {
            Some(standby) if active == Some(self.client_id) => standby,
            _ => self.client_id,
        }
    }
}

/// What state says is in Vault, when state can be trusted for it: Vault
/// still holds the version this sink last wrote (`written`, as observed at
/// the last read). Otherwise something wrote since (outside Terraform, or an
/// apply that stopped before its state was saved) and the entry's own
/// record decides.
pub fn trusted_state_record(
    active: Option<&str>,
    written: Option<u64>,
    observed: Option<u64>,
) -> Option<&str> {
    active.filter(|_| written.is_some() && written == observed)
}

/// Why the plan rotates although nothing else asks for it: the client in
/// Vault (`active`, as state records it) is no longer one of the sink's
/// clients, because `standby_client_id` changed or was removed while it was
/// active. `pair` holds the standby only when the plan knows it (an unknown
/// standby cannot be assumed to keep the active client).
pub fn left_pair(active: Option<&str>, pair: Pair<'_>) -> Option<String> {
    let active = active?;
    (!pair.keeps(active)).then(|| {
        format!(
            "OAuth client {active}, whose credentials are in Vault, is no longer the sink's client_id or standby_client_id; the secret of {active} is left alone"
        )
    })
}

/// Whether a change of `client_id` keeps the same pair: the prior and the
/// planned sink keep the same two clients, only named the other way round
/// (ids swapped). Then nothing is replaced and nothing regenerated: the
/// entry's record still says which of the two is in Vault, and only the
/// ownership mark moves to the new `client_id`. Each pair is
/// (`client_id`, `standby_client_id`), known values only.
pub fn same_pair(
    prior: (Option<&str>, Option<&str>),
    planned: (Option<&str>, Option<&str>),
) -> bool {
    match (prior, planned) {
        ((Some(a), Some(b)), (Some(c), Some(d))) => {
            a != b && ((a, b) == (c, d) || (a, b) == (d, c))
        }
        _ => false,
    }
}

/// Checks of a pair that need neither Vault nor Genesys, on known values:
/// two different clients, and a client id key in the entry (consumers
/// learn from it which client a secret belongs to).
pub fn input_errors(
    client_id: Option<&str>,
    standby: Option<&str>,
    client_id_key: Option<&str>,
) -> Vec<AttributeError> {
    let Some(standby) = standby else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    if client_id == Some(standby) {
        errors.push(AttributeError::new(
            "standby_client_id",
            "standby_client_id is the same client as client_id",
            format!("OAuth client {standby} is named twice. Rotation without downtime needs two different clients with the same roles: each rotation regenerates the one whose credentials are not in Vault. Name a second client, or leave standby_client_id out."),
        ));
    }
    if client_id_key == Some("") {
        errors.push(AttributeError::new(
            "client_id_key",
            "client_id_key is empty, but the sink has a standby_client_id",
            "With two clients the entry must say which one its secret belongs to: set client_id_key to a key name (default client_id), or leave standby_client_id out.",
        ));
    }
    errors
}

/// Whether a client may be one of a pair: a client-credentials client
/// (an answer that leaves the grant type out proves nothing either way).
pub fn usable_grant(grant: &str) -> bool {
    let grant = canonical_grant_type(grant);
    grant.is_empty() || grant == "CLIENT-CREDENTIALS"
}

/// Why credentials a rotation would write for a client could not work:
/// Genesys Cloud exchanges only an `active` client's credentials, and only
/// at the client-credentials grant. `state` and `grant` as an answer gives
/// them (`None` / empty when it leaves them out: that proves nothing, the
/// verify will). `None` when nothing says it is unusable.
pub fn unusable(state: Option<&str>, grant: &str) -> Option<String> {
    let grant = canonical_grant_type(grant);
    match state {
        Some(state) if !state.is_empty() && state != "active" => Some(format!(
            "it is {state}: Genesys Cloud refuses its credentials whatever the secret"
        )),
        _ if !usable_grant(&grant) => Some(format!(
            "it uses grant type {grant}: only CLIENT-CREDENTIALS credentials are exchanged at the token endpoint"
        )),
        _ => None,
    }
}

/// At plan, the client a planned rotation will regenerate and write
/// (`target`, named by `attribute`), checked with what the plan knows: the
/// state its configuration sets (`configured`), else what Genesys Cloud
/// answers now (`read`: state and grant type; a single client's grant is
/// not checked, pass it empty). `Some((true, e))`: the configuration makes
/// it unusable, an error; `Some((false, e))`: it is unusable now, a
/// warning (it may be activated before the apply, which checks again).
pub fn check_target(
    target: &str,
    attribute: &'static str,
    configured: Option<&str>,
    read: Option<(Option<&str>, &str)>,
) -> Option<(bool, AttributeError)> {
    let way_out = if attribute == "client_id" {
        "set the client's state to active"
    } else {
        "set the client's state to active, or remove standby_client_id or name an active CLIENT-CREDENTIALS client there"
    };
    if let Some(reason) = configured.and_then(|state| unusable(Some(state), "")) {
        return Some((true, AttributeError::new(
            attribute,
            "The rotation would write credentials that cannot work",
            format!("The apply would regenerate OAuth client {target} and write its credentials to Vault, but its configuration sets it so that {reason}. Consumers reading the entry would get credentials that are refused. Either {way_out}, or leave the rotation for later."),
        )));
    }
    let (state, grant) = read?;
    let reason = unusable(state, grant)?;
    Some((false, AttributeError::new(
        attribute,
        "The rotation's client cannot be used now",
        format!("The apply will regenerate OAuth client {target} and write its credentials to Vault, but Genesys Cloud says {reason}. Unless that changes before the apply, the apply stops before regenerating anything: {way_out}."),
    )))
}

/// The warning of every plan whose apply regenerates a secret: which
/// client (`target`, named by `attribute`), why (`reasons`), and who is
/// cut off: nobody when the entry holds another client's credentials
/// (`in_vault`), else consumers holding `target`'s current secret.
pub fn regenerate_notice(
    target: &str,
    attribute: &'static str,
    in_vault: Option<&str>,
    reasons: &[String],
) -> AttributeError {
    let who = match in_vault {
        Some(other) if other != target => format!(
            "The credentials of OAuth client {other}, which the entry holds now, are left alone: consumers holding them keep working."
        ),
        _ => format!(
            "The current secret of {target} stops working: consumers holding it must read Vault again."
        ),
    };
    AttributeError::new(
        attribute,
        REGENERATE,
        format!(
            "The apply regenerates the secret of OAuth client {target} and writes it to Vault, because {}. {who}",
            regenerate_reasons(reasons)
        ),
    )
}

/// [`regenerate_notice`] when the plan does not know the client's id yet
/// (`named_by`: the attributes that will name it): the client may exist
/// already (its id read by a data source or passed in), whose consumers are
/// cut off, or be created in the same apply, which has none.
pub fn unknown_regenerate_notice(named_by: &str, reasons: &[String]) -> AttributeError {
    AttributeError::new(
        "client_id",
        REGENERATE,
        format!(
            "The apply regenerates the secret of the OAuth client that {named_by} names and writes it to Vault, because {}. Its id is known only after apply: if it names a client that exists already (an id read by a data source or passed in), that client's current secret stops working and consumers holding it must read Vault again; a client created in the same apply has no such consumers.",
            regenerate_reasons(reasons)
        ),
    )
}

/// The summary of a regenerate's warning.
const REGENERATE: &str = "The apply will regenerate a client secret";

/// Why a regenerate happens, for people.
fn regenerate_reasons(reasons: &[String]) -> String {
    if reasons.is_empty() {
        "the sink is new".to_string()
    } else {
        reasons.join("; ")
    }
}

/// How the roles of the two clients differ, for people; `None` when they
/// are the same (consumers' permissions would otherwise change at each
/// rotation). `None` roles (an answer that leaves them out) compare as
/// unknown: no difference is reported.
pub fn role_difference(
    (a, a_roles): (&str, Option<&[RoleDivision]>),
    (b, b_roles): (&str, Option<&[RoleDivision]>),
) -> Option<String> {
    let set = |roles: &[RoleDivision]| -> BTreeSet<(String, String)> {
        roles
            .iter()
            .map(|r| {
                let division = r.division_id.as_deref().unwrap_or("the home division");
                (r.role_id.clone(), division.to_string())
            })
            .collect()
    };
    let (a_set, b_set) = (set(a_roles?), set(b_roles?));
    let only = |id: &str, mine: &BTreeSet<(String, String)>, theirs| {
        let extra: Vec<String> = mine
            .difference(theirs)
            .map(|(role, division)| format!("role {role} in division {division}"))
            .collect();
        (!extra.is_empty()).then(|| format!("only {id} has {}", extra.join(", ")))
    };
    let parts: Vec<String> = [only(a, &a_set, &b_set), only(b, &b_set, &a_set)]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_writes_the_client_that_is_not_in_vault() {
        let pair = Pair::new("a", Some("b"));
        assert_eq!(pair.next(Some("a")), "b");
        assert_eq!(pair.next(Some("b")), "a");
        assert_eq!(pair.next(None), "a", "a new entry starts with client_id");
        // Three rotations in a row alternate.
        let mut active = None;
        let written: Vec<&str> = (0..4)
            .map(|_| {
                let next = pair.next(active);
                active = Some(next);
                next
            })
            .collect();
        assert_eq!(written, ["a", "b", "a", "b"]);
        let single = Pair::new("a", None);
        assert_eq!(single.next(Some("a")), "a");
        assert_eq!(single.next(None), "a");
    }

    #[test]
    fn the_active_client_is_the_first_record_naming_one_of_the_pair() {
        let pair = Pair::new("a", Some("b"));
        assert_eq!(pair.active(&[Some("b"), Some("a")]), Some("b"));
        assert_eq!(pair.active(&[None, Some("a")]), Some("a"));
        assert_eq!(pair.active(&[Some("x"), Some("b")]), Some("b"));
        assert_eq!(pair.active(&[Some("x"), None]), None);
        assert_eq!(Pair::new("a", None).active(&[Some("b")]), Some("a"));
        assert!(pair.keeps("a") && pair.keeps("b") && !pair.keeps("c"));
    }

    #[test]
    fn state_is_trusted_only_while_vault_holds_what_it_wrote() {
        assert_eq!(trusted_state_record(Some("b"), Some(3), Some(3)), Some("b"));
        assert_eq!(trusted_state_record(Some("b"), Some(3), Some(4)), None);
        assert_eq!(trusted_state_record(Some("b"), None, Some(4)), None);
        assert_eq!(trusted_state_record(None, Some(3), Some(3)), None);
    }

    #[test]
    fn the_plan_rotates_when_the_client_in_vault_leaves_the_pair() {
        assert_eq!(left_pair(Some("a"), Pair::new("a", None)), None);
        assert_eq!(left_pair(Some("b"), Pair::new("a", Some("b"))), None);
        assert_eq!(left_pair(None, Pair::new("a", None)), None);
        let removed = left_pair(Some("b"), Pair::new("a", None)).expect("rotates");
        assert!(removed.contains("OAuth client b"), "{removed}");
        assert!(left_pair(Some("b"), Pair::new("a", Some("c"))).is_some());
        // Changing the standby while client_id is active changes nothing now.
        assert_eq!(left_pair(Some("a"), Pair::new("a", Some("c"))), None);
    }

    #[test]
    fn swapped_ids_are_the_same_pair() {
        let cases = [
            ((Some("a"), Some("b")), (Some("b"), Some("a")), true),
            ((Some("a"), Some("b")), (Some("a"), Some("b")), true),
            ((Some("a"), Some("b")), (Some("b"), Some("c")), false),
            ((Some("a"), Some("b")), (Some("b"), None), false),
            ((Some("a"), None), (Some("b"), None), false),
            ((Some("a"), Some("b")), (None, Some("a")), false),
            ((Some("a"), Some("a")), (Some("a"), Some("a")), false),
        ];
        for (prior, planned, expected) in cases {
            assert_eq!(
                same_pair(prior, planned),
                expected,
                "{prior:?} -> {planned:?}"
            );
        }
    }

    #[test]
    fn a_pair_needs_two_clients_and_a_client_id_key() {
        assert!(input_errors(Some("a"), None, Some("")).is_empty());
        assert!(input_errors(Some("a"), Some("b"), Some("client_id")).is_empty());
        assert!(
            input_errors(None, Some("b"), None).is_empty(),
            "unknown yet"
        );
        let attrs = |errors: Vec<AttributeError>| -> Vec<&str> {
            errors.iter().map(|e| e.attribute).collect()
        };
        assert_eq!(
            attrs(input_errors(Some("a"), Some("a"), Some(""))),
            ["standby_client_id", "client_id_key"]
        );
    }

    #[test]
    fn only_an_active_client_credentials_client_is_usable() {
        let cases: [(Option<&str>, &str, Option<&str>); 7] = [
            (Some("active"), "CLIENT-CREDENTIALS", None),
            (None, "", None),
            (Some(""), "client-credentials", None),
            (
                Some("inactive"),
                "CLIENT-CREDENTIALS",
                Some("it is inactive"),
            ),
            (Some("disabled"), "", Some("it is disabled")),
            (Some("active"), "CODE", Some("grant type CODE")),
            (Some("inactive"), "CODE", Some("it is inactive")),
        ];
        for (state, grant, expected) in cases {
            let reason = unusable(state, grant);
            match expected {
                None => assert_eq!(reason, None, "{state:?} {grant}"),
                Some(part) => {
                    let reason = reason.expect("unusable");
                    assert!(reason.contains(part), "{state:?} {grant}: {reason}");
                }
            }
        }
    }

    #[test]
    fn the_plan_refuses_a_configured_inactive_target_and_warns_of_a_read_one() {
        let active = Some((Some("active"), "CLIENT-CREDENTIALS"));
        let inactive = Some((Some("inactive"), "CLIENT-CREDENTIALS"));
        type Read<'a> = Option<(Option<&'a str>, &'a str)>;
        let cases: [(Option<&str>, Read, Option<bool>); 7] = [
            (None, active, None),
            (Some("active"), active, None),
            (None, None, None),
            (Some("inactive"), active, Some(true)),
            (Some("disabled"), None, Some(true)),
            (None, inactive, Some(false)),
            (None, Some((Some("active"), "CODE")), Some(false)),
        ];
        for (configured, read, expected) in cases {
            let found = check_target("b", "standby_client_id", configured, read);
            assert_eq!(
                found.as_ref().map(|(e, _)| *e),
                expected,
                "{configured:?} {read:?}"
            );
            if let Some((_, e)) = found {
                assert_eq!(e.attribute, "standby_client_id");
                assert!(e.detail.contains("OAuth client b"), "{}", e.detail);
                assert!(
                    e.detail.contains("remove standby_client_id"),
                    "{}",
                    e.detail
                );
            }
        }
        let (_, single) = check_target("a", "client_id", Some("inactive"), None).expect("refused");
        assert!(
            !single.detail.contains("standby_client_id"),
            "{}",
            single.detail
        );
    }

    #[test]
    fn every_regenerate_is_announced_with_its_reasons() {
        let reasons = ["rotation_triggers changed".to_string()];
        let cases = [
            (
                "b",
                Some("a"),
                &reasons[..],
                "because rotation_triggers changed",
                "OAuth client a, which the entry holds now, are left alone",
            ),
            (
                "a",
                Some("a"),
                &reasons[..],
                "secret of OAuth client a",
                "current secret of a stops working",
            ),
            (
                "a",
                None,
                &[][..],
                "because the sink is new",
                "current secret of a stops working",
            ),
        ];
        for (target, in_vault, reasons, why, who) in cases {
            let notice = regenerate_notice(target, "client_id", in_vault, reasons);
            assert!(notice.detail.contains(why), "{}", notice.detail);
            assert!(notice.detail.contains(who), "{}", notice.detail);
        }
        // An id the plan does not know: the client may be an existing one
        // (its consumers are cut off) or a new one (nobody is).
        let unknown = unknown_regenerate_notice("client_id", &[]);
        assert_eq!(unknown.summary, REGENERATE);
        for said in [
            "the OAuth client that client_id names",
            "because the sink is new",
            "that client's current secret stops working",
            "a client created in the same apply has no such consumers",
        ] {
            assert!(unknown.detail.contains(said), "{}", unknown.detail);
        }
    }

    #[test]
    fn grants_and_roles_are_compared() {
        assert!(usable_grant("CLIENT-CREDENTIALS"));
        assert!(usable_grant("client-credentials"));
        assert!(usable_grant(""));
        assert!(!usable_grant("CODE"));
        let role = |r: &str, d: Option<&str>| RoleDivision {
            role_id: r.into(),
            division_id: d.map(str::to_string),
        };
        let a = [role("admin", Some("*")), role("reader", Some("home"))];
        let b = [role("reader", Some("home")), role("admin", Some("*"))];
        assert_eq!(role_difference(("a", Some(&a)), ("b", Some(&b))), None);
        let c = [role("admin", Some("d1")), role("reader", Some("home"))];
        assert_eq!(
            role_difference(("a", Some(&a)), ("c", Some(&c))).as_deref(),
            Some("only a has role admin in division *; only c has role admin in division d1")
        );
        assert_eq!(
            role_difference(("a", Some(&a)), ("c", Some(&a[..1]))).as_deref(),
            Some("only a has role reader in division home")
        );
        assert_eq!(role_difference(("a", None), ("c", Some(&c))), None);
    }
}
