//! Rules of `genesyscloud_oauth_client`: what a valid input is, its
//! defaults, and how an API answer becomes state ([`from_read`],
//! [`after_apply`]) over the plain [`ClientFields`], and the resource's
//! schema table ([`resource_block`]), beside the fields and constants it describes:
//! the token-validity range and default, the grant types and the states.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use crate::attribute_error::AttributeError;
use crate::genesys::model::canonical_grant_type;
use crate::genesys::{GenesysError, OAuthClient, OAuthClientRequest, RoleDivision};
use crate::note::Failure;

use crate::schema::Kind::{Number, Str, StringSet};
use crate::schema::Presence::{Computed, Optional, OptionalComputed, Required};
use crate::schema::{Block, Entry, Nesting};

use super::roles::{answered_roles, carry_prior_divisions, check_role, RoleRef};

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
/// Token lifetime when none is configured: Genesys Cloud's own.
pub const DEFAULT_VALIDITY: i64 = crate::genesys::model::DEFAULT_TOKEN_VALIDITY;
/// Client states a configuration may ask for.
pub const CLIENT_STATES: &[&str] = &["active", "disabled", "inactive"];
/// State when none is configured.
pub const DEFAULT_STATE: &str = crate::genesys::model::DEFAULT_CLIENT_STATE;

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

/// `` `a`, `b` or `c` ``.
fn markdown_choices<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut quoted: Vec<String> = items.map(|i| format!("`{i}`")).collect();
    let last = quoted.pop().unwrap_or_default();
    match quoted.is_empty() {
        true => last,
        false => format!("{} or {last}", quoted.join(", ")),
    }
}

/// The grant types as Genesys answers them (one spelling each), for the
/// data source's description (Markdown).
pub fn answered_grant_types_markdown() -> String {
    markdown_choices(
        GRANT_TYPES
            .iter()
            .copied()
            .filter(|g| canonical_grant_type(g) == *g),
    )
}

/// The client states, for the data source's description (Markdown).
pub fn client_states_markdown() -> String {
    markdown_choices(CLIENT_STATES.iter().copied())
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

/// The implicit grant, which Genesys is withdrawing.
pub const IMPLICIT_GRANT: &str = "TOKEN";

/// The warning for a client about to be created with the implicit grant
/// (`grant`: as planned, `None` while unknown). The API still accepts it,
/// so it is not refused; Genesys staff have said on the community forum
/// (not in the API definition) that new clients cannot use it from March
/// 2026 and existing ones stop in March 2027.
pub fn implicit_grant(grant: Option<&str>) -> Option<AttributeError> {
    (grant? == IMPLICIT_GRANT).then(|| AttributeError {
        attribute: "authorized_grant_type",
        summary: "The implicit grant (TOKEN) is being withdrawn".into(),
        detail: "Genesys Cloud staff have said on the Genesys Cloud Developer Forum (an \
                 announcement, not part of the API definition) that new OAuth clients cannot \
                 use the implicit grant from March 2026 and that existing clients stop working \
                 with it in March 2027. Genesys may refuse this create; prefer CODE \
                 (authorization code with PKCE) for browser applications."
            .into(),
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
            "access_token_validity_seconds must be between {} and {} ({} days).",
            VALIDITY_RANGE.start(),
            VALIDITY_RANGE.end(),
            VALIDITY_RANGE.end() / 86_400
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

/// The resource's attributes as plain values: `None` is null (or, in a
/// configuration, not known yet). The `roles` blocks are [`RoleRef`]s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientFields {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `access_token_validity_seconds`.
    pub access_token_validity_seconds: Option<i64>,
    /// `registered_redirect_uris`.
    pub registered_redirect_uris: Option<BTreeSet<String>>,
    /// `authorized_grant_type`.
    pub authorized_grant_type: Option<String>,
    /// `scopes`.
    pub scopes: Option<BTreeSet<String>>,
    /// The `roles` blocks.
    pub roles: Option<Vec<RoleRef>>,
    /// `state`.
    pub state: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `date_created`.
    pub date_created: Option<String>,
    /// `integration_credential_name`.
    pub integration_credential_name: Option<String>,
    /// `integration_credential_id`.
    pub integration_credential_id: Option<String>,
}

/// The state an import starts from: the client's id and, when the import
/// id names one, its credential's (`integration_credential::parse_import_id`).
pub fn imported(id: &str) -> Result<ClientFields, AttributeError> {
    let (client, credential) = super::credential_rules::parse_import_id(id)?;
    Ok(ClientFields {
        id: Some(client),
        integration_credential_id: credential,
        ..Default::default()
    })
}

/// Every problem of a configuration, each on its attribute (values not
/// known yet are left out of `config`).
pub fn check(config: &ClientFields) -> Vec<AttributeError> {
    let checks = [
        config.name.as_deref().map(check_name),
        config
            .authorized_grant_type
            .as_deref()
            .map(check_grant_type),
        config.access_token_validity_seconds.map(check_validity),
        config.state.as_deref().map(check_state),
        config
            .integration_credential_name
            .as_deref()
            .map(super::credential_rules::check_name),
    ];
    let roles = config.roles.iter().flatten().map(check_role);
    checks
        .into_iter()
        .flatten()
        .chain(roles)
        .filter_map(Result::err)
        .collect()
}

/// A string set from the API, keeping the prior null-vs-empty choice when
/// the API has nothing, and the prior value when the answer leaves the
/// field out.
fn set_from_api(
    prior: &Option<BTreeSet<String>>,
    answered: &Option<Vec<String>>,
) -> Option<BTreeSet<String>> {
    let Some(answered) = answered else {
        return prior.clone();
    };
    let items: BTreeSet<String> = answered.iter().cloned().collect();
    if items.is_empty() && !prior.as_ref().is_some_and(|p| !p.is_empty()) {
        return prior.clone();
    }
    Some(items)
}

/// The description to keep: the answer's, or the prior `""` when both say
/// there is none, or the prior when the answer leaves it out.
fn description_from_api(prior: &Option<String>, answered: &Option<String>) -> Option<String> {
    match (answered, prior) {
        (None, prior) => prior.clone(),
        (Some(d), _) if !d.is_empty() => Some(d.clone()),
        (_, Some(p)) if p.is_empty() => Some(String::new()),
        _ => None,
    }
}

/// State after a read: what Genesys has, expressed the way the prior state
/// (the user's configuration) expressed it where both mean the same. A
/// field the answer leaves out keeps its prior value: an answer shaped
/// differently never makes a plan non-empty. The integration credential
/// is read on its own and kept here.
pub fn from_read(prior: &ClientFields, c: &OAuthClient) -> ClientFields {
    ClientFields {
        id: Some(c.id.clone()),
        name: Some(c.name.clone()),
        description: description_from_api(&prior.description, &c.description),
        access_token_validity_seconds: c
            .access_token_validity_seconds
            .or(prior.access_token_validity_seconds)
            .or(Some(DEFAULT_VALIDITY)),
        registered_redirect_uris: set_from_api(
            &prior.registered_redirect_uris,
            &c.registered_redirect_uri,
        ),
        authorized_grant_type: Some(grant_type_for_state(
            prior.authorized_grant_type.as_deref(),
            &c.authorized_grant_type,
        )),
        scopes: set_from_api(&prior.scopes, &c.scope),
        // A role answered without its division keeps the one the state
        // recorded (the division that was sent).
        roles: match &c.role_divisions {
            None => prior.roles.clone(),
            Some(_) => Some(carry_prior_divisions(
                &answered_roles(c),
                prior.roles.as_deref().unwrap_or_default(),
            )),
        },
        state: c
            .state
            .clone()
            .or_else(|| prior.state.clone())
            .or_else(|| Some(DEFAULT_STATE.into())),
        client_id: Some(c.id.clone()),
        date_created: c
            .date_created
            .clone()
            .or_else(|| prior.date_created.clone()),
        ..prior.clone()
    }
}

/// State after a create or update: the plan, with what only the answer
/// knows (the ids, the creation time, divisions Genesys chose).
pub fn after_apply(planned: &ClientFields, c: &OAuthClient) -> ClientFields {
    ClientFields {
        id: Some(c.id.clone()),
        client_id: Some(c.id.clone()),
        date_created: c.date_created.clone(),
        roles: Some(carry_prior_divisions(
            planned.roles.as_deref().unwrap_or_default(),
            &answered_roles(c),
        )),
        ..planned.clone()
    }
}

/// The create (or update) request for `s`, with the defaults of what it
/// leaves out. The PUT replaces the whole client, so a description left
/// out is sent as `""` (as the official provider does): removing it from
/// the configuration clears it in Genesys. The grant type is sent in the
/// API's spelling (`SAML2BEARER` as `SAML2-BEARER`); state keeps the
/// user's ([`grant_type_for_state`]).
pub fn request(s: &ClientFields) -> OAuthClientRequest {
    OAuthClientRequest {
        name: s.name.clone().unwrap_or_default(),
        description: Some(s.description.clone().unwrap_or_default()),
        access_token_validity_seconds: s.access_token_validity_seconds.unwrap_or(DEFAULT_VALIDITY),
        registered_redirect_uri: s
            .registered_redirect_uris
            .iter()
            .flatten()
            .cloned()
            .collect(),
        authorized_grant_type: canonical_grant_type(
            s.authorized_grant_type.as_deref().unwrap_or_default(),
        ),
        scope: s.scopes.iter().flatten().cloned().collect(),
        role_divisions: s
            .roles
            .iter()
            .flatten()
            .map(|r| RoleDivision {
                role_id: r.role_id.clone(),
                division_id: r.division_id.clone(),
            })
            .collect(),
        state: s.state.clone().unwrap_or_else(|| DEFAULT_STATE.into()),
    }
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

/// The attribute a Genesys failure points at, when its answer names a field
/// we know.
pub fn attribute_of(e: &GenesysError) -> Option<&'static str> {
    match e {
        GenesysError::Api(api) => api
            .details
            .iter()
            .filter_map(|d| d.field_name.as_deref())
            .find_map(attribute_for_api_field),
        _ => None,
    }
}

/// A failed Genesys call of this resource, said as `summary`, on the
/// attribute its answer names ([`attribute_of`]).
pub fn failed(summary: impl Into<String>) -> impl FnOnce(GenesysError) -> Failure {
    let summary = summary.into();
    move |error| Failure {
        summary,
        attribute: attribute_of(&error),
        error,
    }
}

/// The resource's schema: its attributes and the `roles` block.
pub fn resource_block() -> Block {
    Block::new(
        "A Genesys Cloud OAuth client. The client secret Genesys returns at creation goes only into the integration credential named by `integration_credential_name`, if any, and is then discarded: use `genesyscloud_oauth_client_vault_secret` to obtain a secret and keep it in Vault.",
        resource_attributes(),
    )
    .nest("roles", Nesting::Set, roles_block())
}

fn resource_attributes() -> Vec<Entry> {
    vec![
        Entry::new("id", Str, Computed, "The OAuth client id."),
        Entry::new("name", Str, Required, "Client name (Genesys Cloud allows duplicates)."),
        Entry::new("description", Str, Optional, "Free-text description. Removing it clears it in Genesys Cloud (the full-replace update sends `\"\"`)."),
        Entry::new("access_token_validity_seconds", Number, OptionalComputed, format!("Lifetime of the tokens the client obtains, {}.", validity_sentence()))
            .default(DEFAULT_VALIDITY),
        Entry::new("registered_redirect_uris", StringSet, Optional, "Redirect URIs (code and token grants)."),
        Entry::new("authorized_grant_type", Str, Required, format!("One of {}. `SAML2BEARER` is sent as `SAML2-BEARER`, the spelling Genesys Cloud answers; state keeps yours. `{IMPLICIT_GRANT}` (the implicit grant) is planned with a warning for a new client: Genesys Cloud staff have said on the developer forum (not in the API definition) that new clients cannot use it from March 2026 and existing ones stop in March 2027.", grant_types_markdown())),
        Entry::new("scopes", StringSet, Optional, "Scopes (grants other than `CLIENT-CREDENTIALS`)."),
        Entry::new("state", Str, OptionalComputed, "`active`, `inactive` (no new tokens; those already issued run out) or `disabled` (the tokens already issued stop working too).")
            .default(DEFAULT_STATE),
        Entry::new("client_id", Str, Computed, "The OAuth client id, as a consumer uses it (same as `id`)."),
        Entry::new("date_created", Str, Computed, "Creation time (ISO-8601)."),
        Entry::new("integration_credential_name", Str, Optional, "Name of an integration credential (type `pureCloudOAuthClient`, what data actions authenticate with) to make holding this client's id and secret. It is made when the client is created, from the secret of the create answer, which never reaches state. Removing the name deletes the credential. An existing credential cannot be renamed here, since Genesys Cloud needs the secret to rename it: rename it in Genesys Cloud and set the new name, or replace the client with `terraform taint` (a new client and credential are made). To keep the credential current when the secret is regenerated later, set `integration_credential_id` on the client's `genesyscloud_oauth_client_vault_secret` to this resource's `integration_credential_id`: every rotation then writes the new secret into it (a sink that does not is warned about at plan)."),
        Entry::new("integration_credential_id", Str, Computed, "Id of the integration credential named by `integration_credential_name`: the one made at create, or named at import as `<client id>:<credential id>`; null when there is none (the client was adopted after a lost create answer, or imported without it). A credential is never taken for this client's by its name alone, only when Genesys Cloud shows that it holds this client's id (the credential's GET answers its `clientId`): one deleted outside Terraform is then replaced here, at the refresh after the client's sink made it again, by the one of its name holding this client's id. Where Genesys does not show it, the deleted id stays here with a warning saying what to do (the sink keeps the new one current), and destroying the client with its sink deletes both."),
    ]
}

/// One `roles` block.
fn roles_block() -> Block {
    Block::new(
        "A role granted to a client-credentials client, in one division.",
        vec![
            Entry::new("role_id", Str, Required, "Id of a Genesys Cloud authorization role (Admin > Roles, or `GET /api/v2/authorization/roles`). The provider's own admin client must be allowed to grant it."),
            Entry::new("division_id", Str, OptionalComputed, "Division id; `*` means all divisions. When left out, the provider grants the role in the organization's home division (looked up once per run) and records its id."),
        ],
    )
}

/// The fields of each of `roles`.
pub const ROLE_FIELDS: &[&str] = &["role_id", "division_id"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DefaultValue;

    #[test]
    fn an_import_starts_from_the_ids_it_names() {
        let fields = imported("c1:k1").expect("valid");
        assert_eq!(fields.id.as_deref(), Some("c1"));
        assert_eq!(fields.integration_credential_id.as_deref(), Some("k1"));
        assert_eq!(fields.name, None);
        assert_eq!(
            imported("c1").expect("valid").integration_credential_id,
            None
        );
        assert!(imported(":k1").is_err());
    }

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
        assert!(check_validity(38_880_001).is_err_and(|e| e.detail.contains("(450 days)")));
        assert_eq!(validity_sentence(), "300 to 38880000 seconds");
        assert!(grant_types_markdown().starts_with("`CODE`, `TOKEN`, "));
        assert_eq!(
            answered_grant_types_markdown(),
            "`CODE`, `TOKEN`, `SAML2-BEARER`, `PASSWORD` or `CLIENT-CREDENTIALS`"
        );
        assert_eq!(
            client_states_markdown(),
            "`active`, `disabled` or `inactive`"
        );
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
    fn api_fields_map_to_attributes() {
        assert_eq!(
            attribute_for_api_field("accessTokenValiditySeconds"),
            Some("access_token_validity_seconds")
        );
        assert_eq!(attribute_for_api_field("nope"), None);
    }

    fn answer(json: serde_json::Value) -> OAuthClient {
        serde_json::from_value(json).expect("valid")
    }

    fn set(items: &[&str]) -> Option<BTreeSet<String>> {
        Some(items.iter().map(|s| s.to_string()).collect())
    }

    fn role(role: &str, division: Option<&str>) -> RoleRef {
        RoleRef {
            role_id: role.into(),
            division_id: division.map(Into::into),
        }
    }

    /// A prior state as an apply leaves it.
    fn full_prior() -> ClientFields {
        ClientFields {
            id: Some("c1".into()),
            name: Some("n".into()),
            description: Some("kept".into()),
            access_token_validity_seconds: Some(3600),
            registered_redirect_uris: set(&["https://a/cb"]),
            authorized_grant_type: Some("SAML2BEARER".into()),
            scopes: set(&["users:readonly"]),
            roles: Some(vec![role("r1", Some("home"))]),
            state: Some("inactive".into()),
            client_id: Some("c1".into()),
            date_created: Some("2026-01-01T00:00:00.000Z".into()),
            integration_credential_name: Some("actions".into()),
            integration_credential_id: Some("k1".into()),
        }
    }

    #[test]
    fn a_read_keeps_what_the_answer_leaves_out_or_means_the_same() {
        let full = serde_json::json!({
            "id": "c1", "name": "n", "authorizedGrantType": "SAML2-BEARER", "state": "active",
            "accessTokenValiditySeconds": 600, "registeredRedirectUri": [], "scope": [],
            "roleDivisions": [{"roleId": "r1", "divisionId": "home"}],
            "dateCreated": "2026-01-01T00:00:00.000Z"
        });
        let spelled = ClientFields {
            authorized_grant_type: Some("SAML2BEARER".into()),
            ..Default::default()
        };
        let empty_sets = ClientFields {
            registered_redirect_uris: set(&[]),
            scopes: set(&[]),
            description: Some(String::new()),
            ..Default::default()
        };
        let bare = serde_json::json!({"id": "c1", "name": "n"});
        let no_division = serde_json::json!({
            "id": "c1", "name": "n", "roleDivisions": [{"roleId": "r1", "divisionId": null}]
        });
        type Expect = fn(&ClientFields) -> bool;
        let cases: [(&str, ClientFields, serde_json::Value, Expect); 6] = [
            (
                "the user's spelling of a grant is kept",
                spelled.clone(),
                full.clone(),
                |s| s.authorized_grant_type.as_deref() == Some("SAML2BEARER"),
            ),
            (
                "empty answers keep null sets null",
                spelled,
                full.clone(),
                |s| {
                    s.registered_redirect_uris.is_none()
                        && s.scopes.is_none()
                        && s.description.is_none()
                },
            ),
            (
                "empty answers keep empty sets empty",
                empty_sets,
                full.clone(),
                |s| s.registered_redirect_uris == set(&[]) && s.description.as_deref() == Some(""),
            ),
            ("answered values win", full_prior(), full, |s| {
                s.access_token_validity_seconds == Some(600)
                    && s.state.as_deref() == Some("active")
                    && s.registered_redirect_uris == set(&[])
                    && s.description.as_deref() == Some("kept")
            }),
            ("a bare answer changes nothing", full_prior(), bare, |s| {
                *s == full_prior()
            }),
            (
                "a role answered without division keeps it",
                full_prior(),
                no_division,
                |s| s.roles == full_prior().roles,
            ),
        ];
        for (name, prior, json, expect) in cases {
            let got = from_read(&prior, &answer(json));
            assert!(expect(&got), "{name}: {got:?}");
        }
        let defaults = from_read(
            &ClientFields::default(),
            &answer(serde_json::json!({"id": "c2", "name": "m"})),
        );
        assert_eq!(
            defaults.access_token_validity_seconds,
            Some(DEFAULT_VALIDITY)
        );
        assert_eq!(defaults.state.as_deref(), Some(DEFAULT_STATE));
        assert_eq!(
            (defaults.id.as_deref(), defaults.client_id.as_deref()),
            (Some("c2"), Some("c2"))
        );
    }

    #[test]
    fn an_apply_takes_ids_and_chosen_divisions_from_the_answer() {
        let planned = ClientFields {
            name: Some("n".into()),
            roles: Some(vec![role("r1", None), role("r2", Some("*"))]),
            integration_credential_name: Some("actions".into()),
            ..Default::default()
        };
        let c = answer(serde_json::json!({
            "id": "c1", "name": "n", "dateCreated": "2026-01-01T00:00:00.000Z",
            "roleDivisions": [{"roleId": "r1", "divisionId": "home"}, {"roleId": "r2", "divisionId": "*"}]
        }));
        let after = after_apply(&planned, &c);
        assert_eq!(
            after,
            ClientFields {
                id: Some("c1".into()),
                client_id: Some("c1".into()),
                date_created: Some("2026-01-01T00:00:00.000Z".into()),
                roles: Some(vec![role("r1", Some("home")), role("r2", Some("*"))]),
                ..planned.clone()
            }
        );
        let no_roles = after_apply(
            &ClientFields::default(),
            &answer(serde_json::json!({"id": "c1", "name": "n"})),
        );
        assert_eq!(
            (no_roles.roles, no_roles.date_created),
            (Some(vec![]), None)
        );
    }

    #[test]
    fn the_implicit_grant_is_warned_about_never_refused() {
        let w = implicit_grant(Some("TOKEN")).expect("warned");
        assert_eq!(w.attribute, "authorized_grant_type");
        assert!(w.detail.contains("March 2026") && w.detail.contains("March 2027"));
        assert!(check_grant_type("TOKEN").is_ok());
        assert!(implicit_grant(Some("CODE")).is_none() && implicit_grant(None).is_none());
    }

    #[test]
    fn a_request_sends_the_plan_with_its_defaults() {
        let planned = ClientFields {
            name: Some("n".into()),
            registered_redirect_uris: Some(["b".to_string(), "a".to_string()].into()),
            roles: Some(vec![RoleRef {
                role_id: "r1".into(),
                division_id: Some("home".into()),
            }]),
            ..Default::default()
        };
        let r = request(&planned);
        assert_eq!(r.registered_redirect_uri, ["a", "b"]);
        assert_eq!(r.access_token_validity_seconds, DEFAULT_VALIDITY);
        assert_eq!(r.state, DEFAULT_STATE);
        assert_eq!(r.role_divisions[0].division_id.as_deref(), Some("home"));
        assert!(r.scope.is_empty());
        // A description left out clears the one in Genesys (full replace).
        assert_eq!(r.description.as_deref(), Some(""));
        let saml = request(&ClientFields {
            authorized_grant_type: Some("SAML2BEARER".into()),
            description: Some("d".into()),
            ..Default::default()
        });
        assert_eq!(saml.authorized_grant_type, "SAML2-BEARER");
        assert_eq!(saml.description.as_deref(), Some("d"));
    }

    #[test]
    fn a_configuration_is_checked_attribute_by_attribute() {
        let attributes = |c: ClientFields| -> Vec<&'static str> {
            check(&c).into_iter().map(|e| e.attribute).collect()
        };
        let cases: [(ClientFields, Vec<&str>); 4] = [
            (full_prior(), vec![]),
            (ClientFields::default(), vec![]),
            (
                ClientFields {
                    name: Some(" ".into()),
                    access_token_validity_seconds: Some(1),
                    state: Some("gone".into()),
                    ..full_prior()
                },
                vec!["name", "access_token_validity_seconds", "state"],
            ),
            (
                ClientFields {
                    authorized_grant_type: Some("saml".into()),
                    integration_credential_name: Some(" ".into()),
                    roles: Some(vec![role("", None), role("r1", None), role(" ", None)]),
                    ..full_prior()
                },
                vec![
                    "authorized_grant_type",
                    "integration_credential_name",
                    "roles",
                    "roles",
                ],
            ),
        ];
        for (config, expected) in cases {
            assert_eq!(attributes(config), expected);
        }
    }

    #[test]
    fn the_tables_are_well_formed() {
        crate::schema::assert_well_formed("oauth_client", &resource_block());
    }

    #[test]
    fn the_texts_name_what_the_checks_use() {
        let b = resource_block();
        let text = |name: &str| b.entry(name).map(Entry::description).unwrap_or_default();
        let validity = text("access_token_validity_seconds");
        assert!(validity.contains(&VALIDITY_RANGE.start().to_string()));
        assert!(validity.contains(&VALIDITY_RANGE.end().to_string()));
        assert!(validity.ends_with(&format!("Default: `{DEFAULT_VALIDITY}`.")));
        for g in GRANT_TYPES {
            assert!(
                text("authorized_grant_type").contains(&format!("`{g}`")),
                "{g}"
            );
        }
        for s in CLIENT_STATES {
            assert!(text("state").contains(&format!("`{s}`")), "{s}");
        }
        assert_eq!(
            b.entry("state").and_then(|e| e.default.clone()),
            Some(DefaultValue::Text(DEFAULT_STATE.to_string()))
        );
    }
}
