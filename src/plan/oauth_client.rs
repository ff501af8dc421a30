//! Rules of `genesyscloud_oauth_client`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::attribute_error::AttributeError;
use crate::genesys::model::canonical_grant_type;
use crate::genesys::OAuthClient;

/// Grant types the API accepts.
pub const GRANT_TYPES: &[&str] = &[
    "CODE",
    "TOKEN",
    "SAML2BEARER",
    "SAML2-BEARER",
    "PASSWORD",
    "CLIENT-CREDENTIALS",
];
/// Allowed token lifetimes, in seconds.
pub const VALIDITY_RANGE: RangeInclusive<i64> = 300..=38_880_000;
/// Token lifetime when none is configured.
pub const DEFAULT_VALIDITY: i64 = 86_400;
/// Client states a configuration may ask for.
pub const CLIENT_STATES: &[&str] = &["active", "disabled", "inactive"];
/// State when none is configured.
pub const DEFAULT_STATE: &str = "active";

/// The warning of a create whose name was already taken before this apply
/// (summary, detail), if any: the clients that had it, and what to do if one
/// is a leftover of an interrupted apply. `taken` holds their ids and
/// creation times, or why they could not be listed; `created` is the id of
/// the client just made.
pub fn name_taken_warning(
    name: &str,
    taken: &Result<Vec<(String, Option<String>)>, String>,
    created: &str,
) -> Option<(String, String)> {
    let taken = match taken {
        Ok(taken) if taken.is_empty() => return None,
        Ok(taken) => taken,
        Err(e) => {
            return Some((
                "Could not check for OAuth clients of the same name".into(),
                format!("The OAuth client {name:?} was created as {created}, but listing the organization's clients failed ({e}), so this apply cannot tell whether a client of that name was left behind by an interrupted apply."),
            ))
        }
    };
    let listed: Vec<String> = taken
        .iter()
        .map(|(id, at)| match at {
            Some(at) => format!("{id} (created {at})"),
            None => id.clone(),
        })
        .collect();
    let first = taken.first().map(|(id, _)| id.as_str()).unwrap_or_default();
    Some((
        format!("An OAuth client named {name:?} already existed"),
        format!(
            "Before this apply, Genesys Cloud already had an OAuth client named {name:?}: {}. A new one was created anyway, {created} (Genesys Cloud allows duplicate names, and this provider never takes over a client it was not told to). If one of them was left behind by an interrupted apply, nobody holds its secret: delete it in Genesys Cloud, or keep it instead of the new one with `terraform state rm <address>`, `terraform import <address> {first}`, then delete client {created}.",
            listed.join(", ")
        ),
    ))
}

/// The allowed token lifetimes, as the schema's description says them.
pub fn validity_sentence() -> String {
    format!(
        "{} to {} seconds",
        VALIDITY_RANGE.start(),
        VALIDITY_RANGE.end()
    )
}

/// The grant types, as the schema's description lists them (Markdown).
pub fn grant_types_markdown() -> String {
    let quoted: Vec<String> = GRANT_TYPES.iter().map(|g| format!("`{g}`")).collect();
    quoted.join(", ")
}

/// The one client of `found` (the clients named `name`), or the error on
/// `name` of the data source: none, or several (with their ids).
pub fn the_one_named(
    name: &str,
    mut found: Vec<OAuthClient>,
) -> Result<OAuthClient, AttributeError> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(AttributeError::new(
            "name",
            "OAuth client not found",
            format!("No OAuth client is named {name:?}."),
        )),
        n => {
            let ids: Vec<_> = found.iter().map(|c| c.id.as_str()).collect();
            Err(AttributeError::new(
                "name",
                "Ambiguous OAuth client name",
                format!(
                    "{n} OAuth clients are named {name:?} ({}); rename one, or use its id.",
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// Checks a client name.
pub fn check_name(name: &str) -> Result<(), AttributeError> {
    if name.trim().is_empty() {
        return Err(AttributeError {
            attribute: "name",
            summary: "Empty OAuth client name".into(),
            detail: "name must contain at least one non-blank character.".into(),
        });
    }
    Ok(())
}

/// Checks a grant type (exact spelling, as the API is case-sensitive).
pub fn check_grant_type(grant: &str) -> Result<(), AttributeError> {
    if GRANT_TYPES.contains(&grant) {
        return Ok(());
    }
    Err(AttributeError {
        attribute: "authorized_grant_type",
        summary: format!("Unsupported grant type {grant:?}"),
        detail: format!(
            "authorized_grant_type must be one of {}.",
            GRANT_TYPES.join(", ")
        ),
    })
}

/// Checks a token lifetime.
pub fn check_validity(seconds: i64) -> Result<(), AttributeError> {
    if VALIDITY_RANGE.contains(&seconds) {
        return Ok(());
    }
    Err(AttributeError {
        attribute: "access_token_validity_seconds",
        summary: format!("Token validity {seconds} is out of range"),
        detail: format!(
            "access_token_validity_seconds must be between {} and {} (450 days).",
            VALIDITY_RANGE.start(),
            VALIDITY_RANGE.end()
        ),
    })
}

/// Checks a client state.
pub fn check_state(state: &str) -> Result<(), AttributeError> {
    if CLIENT_STATES.contains(&state) {
        return Ok(());
    }
    Err(AttributeError {
        attribute: "state",
        summary: format!("Unsupported client state {state:?}"),
        detail: format!("state must be one of {}.", CLIENT_STATES.join(", ")),
    })
}

/// The grant type to keep in state: the user's spelling when the API's answer
/// means the same (`SAML2BEARER` is answered `SAML2-BEARER`), else the answer.
pub fn grant_type_for_state(prior: Option<&str>, answered: &str) -> String {
    match prior {
        // An answer without the grant type changes nothing.
        Some(p) if answered.is_empty() => p.to_string(),
        Some(p) if canonical_grant_type(p) == canonical_grant_type(answered) => p.to_string(),
        _ => answered.to_string(),
    }
}

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

/// The Terraform attribute an API field name refers to, for diagnostics.
pub fn attribute_for_api_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "name",
        "description" => "description",
        "accessTokenValiditySeconds" => "access_token_validity_seconds",
        "registeredRedirectUri" => "registered_redirect_uris",
        "authorizedGrantType" => "authorized_grant_type",
        "scope" => "scopes",
        "roleDivisions" | "roleIds" => "roles",
        "state" => "state",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_by_name_needs_exactly_one_client() {
        let client = |id: &str| -> OAuthClient {
            serde_json::from_value(serde_json::json!({"id": id, "name": "n"})).expect("client")
        };
        let cases: [(Vec<OAuthClient>, Result<&str, &str>); 3] = [
            (vec![client("a")], Ok("a")),
            (vec![], Err("OAuth client not found")),
            (
                vec![client("a"), client("b")],
                Err("Ambiguous OAuth client name"),
            ),
        ];
        for (found, expected) in cases {
            let got = the_one_named("n", found);
            assert_eq!(
                got.as_ref()
                    .map(|c| c.id.as_str())
                    .map_err(|e| e.summary.as_str()),
                expected
            );
            if let Err(e) = got {
                assert_eq!(e.attribute, "name");
            }
        }
    }

    #[test]
    fn a_taken_name_names_the_clients_and_how_to_import_one() {
        let (summary, detail) = name_taken_warning(
            "ci",
            &Ok(vec![
                ("old-1".into(), Some("2026-01-01T00:00:00Z".into())),
                ("old-2".into(), None),
            ]),
            "new-1",
        )
        .expect("a warning");
        assert!(summary.contains("\"ci\""), "{summary}");
        assert!(
            detail.contains("old-1 (created 2026-01-01T00:00:00Z), old-2")
                && detail.contains("terraform import <address> old-1")
                && detail.contains("delete client new-1"),
            "{detail}"
        );
        assert!(name_taken_warning("ci", &Ok(vec![]), "new-1").is_none());
        let (summary, detail) =
            name_taken_warning("ci", &Err("list OAuth clients: HTTP 503".into()), "new-1")
                .expect("a warning");
        assert!(summary.contains("Could not check"), "{summary}");
        assert!(
            detail.contains("HTTP 503") && detail.contains("new-1"),
            "{detail}"
        );
    }

    #[test]
    fn input_checks_name_the_attribute() {
        assert!(check_grant_type("CLIENT-CREDENTIALS").is_ok());
        assert!(check_grant_type("SAML2BEARER").is_ok());
        assert_eq!(
            check_grant_type("client-credentials").map_err(|e| e.attribute),
            Err("authorized_grant_type")
        );
        assert!(check_validity(300).is_ok() && check_validity(38_880_000).is_ok());
        assert_eq!(
            check_validity(299).map_err(|e| e.attribute),
            Err("access_token_validity_seconds")
        );
        assert!(check_validity(38_880_001).is_err());
        assert_eq!(validity_sentence(), "300 to 38880000 seconds");
        assert!(grant_types_markdown().starts_with("`CODE`, `TOKEN`, "));
        assert!(check_state("inactive").is_ok() && check_state("deleted").is_err());
        assert!(check_name("  ").is_err() && check_name("ci").is_ok());
    }

    #[test]
    fn saml_spelling_of_the_user_is_kept() {
        assert_eq!(
            grant_type_for_state(Some("SAML2BEARER"), "SAML2-BEARER"),
            "SAML2BEARER"
        );
        assert_eq!(grant_type_for_state(None, "SAML2-BEARER"), "SAML2-BEARER");
        assert_eq!(grant_type_for_state(Some("CODE"), "TOKEN"), "TOKEN");
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

    #[test]
    fn api_fields_map_to_attributes() {
        assert_eq!(
            attribute_for_api_field("accessTokenValiditySeconds"),
            Some("access_token_validity_seconds")
        );
        assert_eq!(attribute_for_api_field("nope"), None);
    }
}
