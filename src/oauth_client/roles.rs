//! The `roles` blocks of `genesyscloud_oauth_client`: a role with its
//! division ([`RoleRef`]), how a plan fills in divisions Genesys chose
//! ([`plan_roles`]), the check of one block and the roles of an answer.

use std::collections::BTreeMap;

use crate::attribute_error::AttributeError;
use crate::genesys::OAuthClient;

/// A role with its (possibly not yet known) division.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoleRef {
    /// Role id.
    pub role_id: String,
    /// Division id, `None` when the configuration leaves it to Genesys.
    pub division_id: Option<String>,
}

/// Fills in divisions left out of the configuration with what the prior
/// state recorded for the same role, so that a role whose division Genesys
/// chose does not show a diff on every plan. Roles whose division stays
/// unknown keep `None` (to be planned as unknown).
pub fn carry_prior_divisions(planned: &[RoleRef], prior: &[RoleRef]) -> Vec<RoleRef> {
    let mut prior_by_role: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in prior {
        if let Some(d) = &r.division_id {
            prior_by_role.entry(&r.role_id).or_default().push(d);
        }
    }
    // Divisions the configuration names explicitly are not available to fill gaps.
    for r in planned {
        if let (Some(d), Some(list)) = (&r.division_id, prior_by_role.get_mut(r.role_id.as_str())) {
            list.retain(|x| x != d);
        }
    }
    planned
        .iter()
        .map(|r| match &r.division_id {
            Some(_) => r.clone(),
            None => {
                let carried = prior_by_role
                    .get_mut(r.role_id.as_str())
                    .and_then(|list| (!list.is_empty()).then(|| list.remove(0).to_string()));
                RoleRef {
                    role_id: r.role_id.clone(),
                    division_id: carried,
                }
            }
        })
        .collect()
}

/// A `roles` block at plan: `None` is a value not known until apply (in a
/// configuration, a division may also be left out).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct PlannedRole {
    /// Role id.
    pub role_id: Option<String>,
    /// Division id.
    pub division_id: Option<String>,
}

impl PlannedRole {
    /// The role, once its id is known.
    pub fn known(self) -> Option<RoleRef> {
        Some(RoleRef {
            role_id: self.role_id?,
            division_id: self.division_id,
        })
    }
}

/// Plans `roles` from the configured blocks (in their order): a block whose
/// role is known takes the division the configuration names, else the one
/// `prior` recorded for that role ([`carry_prior_divisions`]), else one not
/// known until apply; a block whose role is not known yet keeps what it has.
pub fn plan_roles(config: &[PlannedRole], prior: &[RoleRef]) -> Vec<PlannedRole> {
    let known: Vec<RoleRef> = config
        .iter()
        .cloned()
        .filter_map(PlannedRole::known)
        .collect();
    let unresolved = config.iter().filter(|r| r.role_id.is_none()).cloned();
    carry_prior_divisions(&known, prior)
        .into_iter()
        .map(|r| PlannedRole {
            role_id: Some(r.role_id),
            division_id: r.division_id,
        })
        .chain(unresolved)
        .collect()
}

/// Checks a `roles` block: it names a role.
pub fn check_role(role: &RoleRef) -> Result<(), AttributeError> {
    if role.role_id.trim().is_empty() {
        return Err(AttributeError::new(
            "roles",
            "Empty role_id",
            "Each roles block needs a role id.",
        ));
    }
    Ok(())
}

/// The roles of an answer.
pub fn answered_roles(c: &OAuthClient) -> Vec<RoleRef> {
    c.role_divisions
        .iter()
        .flatten()
        .map(|r| RoleRef {
            role_id: r.role_id.clone(),
            division_id: r.division_id.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_planned_with_the_prior_division_or_unknown() {
        let slot = |role: Option<&str>, division: Option<&str>| PlannedRole {
            role_id: role.map(Into::into),
            division_id: division.map(Into::into),
        };
        let prior = |role: &str, division: &str| RoleRef {
            role_id: role.into(),
            division_id: Some(division.into()),
        };
        // (configured, prior, planned)
        let cases = [
            (
                vec![slot(Some("r1"), None)],
                vec![],
                vec![slot(Some("r1"), None)],
            ),
            (
                vec![slot(Some("r1"), None)],
                vec![prior("r1", "home")],
                vec![slot(Some("r1"), Some("home"))],
            ),
            (
                vec![slot(Some("r1"), Some("d2")), slot(Some("r1"), None)],
                vec![prior("r1", "d2"), prior("r1", "home")],
                vec![slot(Some("r1"), Some("d2")), slot(Some("r1"), Some("home"))],
            ),
            (
                vec![
                    slot(None, Some("d1")),
                    slot(None, None),
                    slot(Some("r2"), None),
                ],
                vec![prior("r2", "home")],
                vec![
                    slot(Some("r2"), Some("home")),
                    slot(None, Some("d1")),
                    slot(None, None),
                ],
            ),
            (vec![], vec![prior("r1", "home")], vec![]),
        ];
        for (configured, prior, planned) in cases {
            assert_eq!(plan_roles(&configured, &prior), planned, "{configured:?}");
        }
    }

    #[test]
    fn divisions_left_to_genesys_are_carried_from_prior_state() {
        let r = |role: &str, div: Option<&str>| RoleRef {
            role_id: role.into(),
            division_id: div.map(Into::into),
        };
        let prior = vec![
            r("admin", Some("home")),
            r("admin", Some("*")),
            r("viewer", Some("d2")),
        ];
        let planned = vec![r("admin", None), r("admin", Some("*")), r("new", None)];
        assert_eq!(
            carry_prior_divisions(&planned, &prior),
            vec![
                r("admin", Some("home")),
                r("admin", Some("*")),
                r("new", None)
            ]
        );
    }
}
