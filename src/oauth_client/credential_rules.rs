//! Rules of an OAuth client's integration credential
//! (`integration_credential_name` and `integration_credential_id` of
//! `genesyscloud_oauth_client`).
//!
//! A credential must hold the client's live secret, and this provider holds
//! a secret only at the moment Genesys Cloud issues it (client create,
//! secret regenerate). Writing a credential needs the secret every time: a
//! PUT replaces its name *and* fields. So what this keeps true:
//! - the credential is made at client create, from the create answer; a
//!   later regenerate writes it through the client's sink
//!   (`vault_secret/credential_rules.rs`), which keeps its name;
//! - removing the name deletes it (by the id in state);
//! - renaming an existing credential is refused at plan, never half done:
//!   no credential is ever left with an empty or a dead secret (a tainted
//!   client is planned as a new one, so a rename can ride on its
//!   replacement);
//! - a name with no credential recorded for it (an adopted or imported
//!   client) changes nothing in Genesys and is reported by a warning;
//! - a credential belongs to one client: two clients planned together with
//!   one name are refused ([`name_taken`]), and a credential is never taken
//!   for this client's by its name alone (see [`own_credential`]).
//!
//! How the provider is sure a credential is this client's. A name is no
//! proof: any number of credentials, another client's among them (in this
//! configuration or in another state), may share it. Listings answer a
//! credential's id, name, type and dates; the GET of one credential
//! answers its `credentialFields` "with sensitive fields redacted": never
//! the secret, and the client id it holds where the answer shows it
//! (whether it always does is not documented). So a credential is this
//! client's when its GET shows this client's id (`crate::genesys::Held`):
//! a credential deleted outside Terraform is then replaced in state by the
//! one of its name holding the client's id (the one the client's sink made
//! again), and a client with a name and no credential known takes it the
//! same way. Where the GET shows no client id, the only certainty is the
//! provider's own record: the id of the
//! credential it made from this client's create answer, or the one named
//! at import (`<client id>:<credential id>`). It is kept in state and, as
//! [`OwnCredential`], in the client's private state; that record, for the
//! same client id, is how a lost `integration_credential_id` is found
//! again. A release from before credentials (2bc4506) drops both on
//! refresh (its client has no private state). What survives it is the
//! record in the Vault entry of a sink keeping the credential current: its
//! custom metadata names the credential (`genesys-integration-credential-id`)
//! beside the mark naming the client (`genesys-client-id`), both written by
//! this provider. That sink takes the credential back at its refresh
//! (`recover` in `vault_secret/credential_rules.rs`), keeps it current at every
//! rotation, and hands it to this client when it is destroyed, just before
//! the client ([`to_delete`]: only one of this client's name). The client's
//! own state learns it again only by an import as
//! `<client id>:<credential id>` (tests/e2e/downgrade.rs). Where the GET
//! shows no client id, a credential deleted outside Terraform keeps its id
//! in state (for the client's sink, which makes a new one under its name
//! and keeps that one current) and is never replaced by one found by its
//! name; destroy deletes the recorded id and the one the sink made in its
//! place, which the sink hands over ([`to_delete`]).

use serde::{Deserialize, Serialize};

use crate::attribute_error::AttributeError;
use crate::genesys::Held;

/// The credential this provider recorded as a client's own, kept in the
/// client's private state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnCredential {
    /// The OAuth client it belongs to.
    pub client_id: String,
    /// The credential's id.
    pub id: String,
}

/// The credential to read for client `client_id`: the id in state, else
/// the one the private record names for this same client. `None`: no
/// credential is known to be this client's.
pub fn own_credential(
    client_id: &str,
    state_id: Option<&str>,
    recorded: Option<&OwnCredential>,
) -> Option<String> {
    state_id.map(str::to_string).or_else(|| {
        recorded
            .filter(|r| r.client_id == client_id && !r.id.is_empty())
            .map(|r| r.id.clone())
    })
}

/// The private record of what a client holds after an apply: its
/// credential, once both ids are known.
pub fn record_of(client_id: Option<&str>, credential_id: Option<&str>) -> Option<OwnCredential> {
    Some(OwnCredential {
        client_id: client_id?.to_string(),
        id: credential_id?.to_string(),
    })
}

/// The attribute naming the credential.
const NAME: &str = "integration_credential_name";

/// What a plan does with the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialPlan {
    /// Nothing changes in Genesys: the id stays as it is.
    Keep,
    /// The name was removed: the credential is deleted and the id is null.
    Delete,
    /// The name is not known yet: so is the id, until apply.
    Unknown,
}

/// Checks a credential name.
pub fn check_name(name: &str) -> Result<(), AttributeError> {
    if name.trim().is_empty() {
        return Err(AttributeError::new(
            NAME,
            "Empty integration credential name",
            "integration_credential_name must contain at least one non-blank character; leave it out to make no credential.",
        ));
    }
    Ok(())
}

/// Plans the id of a client about to be created (`planned_name`: `None`
/// while unknown): not known until apply when a credential is or may be
/// asked for, else none (`Keep`: null, as before the create).
pub fn planned_at_create(planned_name: Option<Option<&str>>) -> CredentialPlan {
    match planned_name {
        Some(None) => CredentialPlan::Keep,
        _ => CredentialPlan::Unknown,
    }
}

/// Plans a change of the credential's name on an existing client.
/// `prior_id` is the credential in state (if any); `planned_name` is `None`
/// while the configuration's value is unknown.
pub fn planned_rename(
    prior_name: Option<&str>,
    prior_id: Option<&str>,
    planned_name: Option<Option<&str>>,
) -> Result<CredentialPlan, AttributeError> {
    let Some(id) = prior_id else {
        // No credential: whatever the name, nothing can be done without a
        // secret, and nothing needs undoing.
        return Ok(CredentialPlan::Keep);
    };
    match planned_name {
        None => Ok(CredentialPlan::Unknown),
        Some(None) => Ok(CredentialPlan::Delete),
        Some(Some(name)) if Some(name) == prior_name => Ok(CredentialPlan::Keep),
        Some(Some(name)) => Err(rename_refused(id, prior_name.unwrap_or_default(), name)),
    }
}

/// The warning of a plan that names a credential (`planned_name`: `None`
/// while unknown) on a client that has none (`prior_id`): no secret is at
/// hand to make one.
pub fn unbacked_name(
    planned_name: Option<Option<&str>>,
    prior_id: Option<&str>,
) -> Option<AttributeError> {
    match (planned_name, prior_id) {
        (Some(Some(name)), None) => Some(no_credential(name)),
        _ => None,
    }
}

fn rename_refused(id: &str, prior: &str, name: &str) -> AttributeError {
    AttributeError::new(
        NAME,
        format!("Cannot rename integration credential {prior:?} to {name:?}"),
        format!(
            "Genesys Cloud replaces a credential's fields whenever it renames it, so renaming \
             credential {id} needs the client secret, which this provider holds only at the \
             moment Genesys issues it (it never keeps it). Either keep the name {prior:?}; or \
             rename the credential in Genesys Cloud (Admin > Integrations > Credentials) and \
             set the same name here (a refresh reads it; a sink keeping the credential \
             keeps the new name at its rotations); or make a new client and a \
             credential {name:?} from its new secret, deleting the old ones: mark this \
             resource with terraform taint, then apply (a plan with -replace runs this \
             check first, so it stops here too)."
        ),
    )
}

/// The warning for a name with no credential recorded for this client.
pub fn no_credential(name: &str) -> AttributeError {
    AttributeError::new(
        NAME,
        format!("No integration credential {name:?} is recorded for this client"),
        "The provider makes a credential only when Genesys Cloud issues a secret, at client \
         create, and records it then; this client has none recorded: it was adopted after a \
         lost answer, imported without its credential, or its state was written by a \
         release that did not know credentials. A credential of this name may still exist: \
         a refresh takes it for this client's when its GET in Genesys Cloud shows this \
         client's id, but never by its name alone (another client's may have the same name). \
         A genesyscloud_oauth_client_vault_secret that kept this client's credential \
         current finds it again from its Vault entry's record \
         (genesys-integration-credential-id), keeps it current at every rotation and \
         has it deleted with this client. To record it on this client too, import the \
         client as <client id>:<credential id> (terraform state rm first) and set \
         integration_credential_id on its sink. To make a new one, replace the client \
         (terraform apply -replace on this resource).",
    )
}

/// The error for a credential name that another client planned in this
/// configuration (`other`: its id, `None` for a client to be created).
pub fn name_taken(name: &str, other: Option<&str>) -> AttributeError {
    let other = match other {
        Some(id) => format!("OAuth client {id}"),
        None => "another OAuth client to be created".to_string(),
    };
    AttributeError::new(
        NAME,
        format!("Integration credential name {name:?} is given to two clients"),
        format!(
            "{other} in this configuration has integration_credential_name = {name:?} too. \
             A credential holds one client's id and secret, and where Genesys Cloud does \
             not show whose a credential is, two credentials of one name cannot be told \
             apart: give each client its own name."
        ),
    )
}

/// The warning for a recorded credential that no longer exists, when no
/// single credential of its name was shown to hold this client's id
/// (`held`: what the GETs of those of its name showed).
pub fn deleted(label: &str, held: &Held) -> String {
    let others = match held {
        Held::One(_) | Held::None => String::new(),
        Held::NotShown(1) => " A credential of the same name exists, but Genesys Cloud did not \
            show whose id it holds (its GET answered no clientId), so it is not taken for this \
            client's: another client's may have the same name."
            .to_string(),
        Held::NotShown(n) => format!(
            " {n} credentials of the same name exist; Genesys Cloud did not show whose id they \
             hold (their GETs answered no clientId), so none is taken for this client's."
        ),
        Held::Several(ids) => format!(
            " Credentials {} all hold this client's id; which one integrations use cannot be \
             told, so none is taken: delete the extra ones in Genesys Cloud and the next \
             refresh records the one left.",
            ids.join(", ")
        ),
    };
    format!(
        "Integration credential {label} no longer exists in Genesys Cloud; integrations that \
         used it cannot authenticate.{others} A genesyscloud_oauth_client_vault_secret whose \
         integration_credential_id names it makes a new one under its name at its next apply \
         (its plan says so) and keeps that one current; where Genesys Cloud shows whose a \
         credential is, the refresh after that apply records the new one here, with nothing \
         to do. Where it does not, this client keeps the id it recorded, and destroying it \
         with its sink deletes both. To record the new one here: terraform state rm on this \
         resource, then terraform import it as <client id>:<credential id>. Without such a \
         sink, replace the client (terraform apply -replace) to get a new credential, or \
         remove integration_credential_name."
    )
}

/// The credentials a client's destroy deletes: the one in state
/// (`state_id`), and one its sink handed over (`handed`: id and name; one
/// found again from the sink's own Vault entry, or one the sink made under
/// the same name in place of the recorded one, deleted outside Terraform)
/// when it has this client's credential name (`name`). Nothing else: a
/// credential is never deleted because of its name alone.
pub fn to_delete(
    state_id: Option<&str>,
    name: Option<&str>,
    handed: Option<(&str, &str)>,
) -> Vec<String> {
    let handed = handed
        .filter(|(id, handed_name)| name == Some(*handed_name) && state_id != Some(*id))
        .map(|(id, _)| id);
    state_id
        .into_iter()
        .chain(handed)
        .map(str::to_string)
        .collect()
}

/// Splits an import id, `<client id>` or `<client id>:<credential id>`.
pub fn parse_import_id(id: &str) -> Result<(String, Option<String>), AttributeError> {
    let trimmed = id.trim();
    let (client, credential) = match trimmed.split_once(':') {
        Some((client, credential)) => (client.trim(), Some(credential.trim())),
        None => (trimmed, None),
    };
    if client.is_empty() || credential.is_some_and(str::is_empty) {
        return Err(AttributeError::new(
            "id",
            "Invalid import id",
            "Import a genesyscloud_oauth_client by its client id, or as \
             <client id>:<credential id> to manage its integration credential too.",
        ));
    }
    Ok((client.to_string(), credential.map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_client_plans_its_credential_id_from_the_name() {
        // planned name (None: unknown) -> plan
        let table = [
            (Some(None), CredentialPlan::Keep),
            (Some(Some("n")), CredentialPlan::Unknown),
            (None, CredentialPlan::Unknown),
        ];
        for (name, plan) in table {
            assert_eq!(planned_at_create(name), plan, "{name:?}");
        }
    }

    #[test]
    fn the_private_record_needs_both_ids() {
        let own = OwnCredential {
            client_id: "c1".into(),
            id: "k1".into(),
        };
        assert_eq!(record_of(Some("c1"), Some("k1")), Some(own));
        assert_eq!(record_of(Some("c1"), None), None);
        assert_eq!(record_of(None, Some("k1")), None);
    }

    #[test]
    fn a_name_without_a_credential_is_warned_about() {
        // (planned name, prior id) -> warned
        let table = [
            (Some(Some("n")), None, true),
            (Some(Some("n")), Some("k1"), false),
            (Some(None), None, false),
            (None, None, false),
        ];
        for (name, id, warned) in table {
            assert_eq!(unbacked_name(name, id).is_some(), warned, "{name:?} {id:?}");
        }
    }

    #[test]
    fn a_credential_is_kept_deleted_or_never_renamed() {
        use CredentialPlan::*;
        let plan = |prior: Option<&str>, id: Option<&str>, planned: Option<Option<&str>>| {
            planned_rename(prior, id, planned).map_err(|e| e.attribute)
        };
        assert_eq!(plan(Some("a"), Some("k"), Some(Some("a"))), Ok(Keep));
        assert_eq!(plan(Some("a"), Some("k"), Some(None)), Ok(Delete));
        assert_eq!(plan(Some("a"), Some("k"), None), Ok(Unknown));
        assert_eq!(plan(Some("a"), Some("k"), Some(Some("b"))), Err(NAME));
        // Imported with its credential, before the first refresh read its name.
        assert_eq!(plan(None, Some("k"), Some(Some("b"))), Err(NAME));
        // No credential: nothing to rename or delete, whatever the name.
        assert_eq!(plan(Some("a"), None, Some(Some("b"))), Ok(Keep));
        assert_eq!(plan(None, None, Some(Some("b"))), Ok(Keep));
        assert_eq!(plan(Some("a"), None, Some(None)), Ok(Keep));
        assert_eq!(plan(None, None, None), Ok(Keep));
    }

    #[test]
    fn the_refusal_says_why_and_what_to_do() {
        let e = planned_rename(Some("old"), Some("k1"), Some(Some("new"))).expect_err("refused");
        assert!(e.summary.contains("\"old\"") && e.summary.contains("\"new\""));
        assert!(e.detail.contains("k1") && e.detail.contains("terraform taint"));
        assert!(no_credential("x")
            .detail
            .contains("<client id>:<credential id>"));
    }

    #[test]
    fn a_credential_is_this_clients_only_by_the_providers_own_record() {
        let record = OwnCredential {
            client_id: "c1".into(),
            id: "k1".into(),
        };
        assert_eq!(
            own_credential("c1", Some("k2"), Some(&record)).as_deref(),
            Some("k2")
        );
        // State lost the id (an older release's refresh): the record for
        // this client finds it again; another client's record never does.
        assert_eq!(
            own_credential("c1", None, Some(&record)).as_deref(),
            Some("k1")
        );
        assert_eq!(own_credential("c2", None, Some(&record)), None);
        assert_eq!(own_credential("c1", None, None), None);
        let e = name_taken("n", Some("c9"));
        assert_eq!(e.attribute, NAME);
        assert!(e.detail.contains("OAuth client c9") && e.detail.contains("its own name"));
        assert!(deleted("\"n\" (k1)", &Held::NotShown(1)).contains("not taken for this client's"));
        assert!(deleted("\"n\" (k1)", &Held::NotShown(2)).contains("answered no clientId"));
        assert!(!deleted("\"n\" (k1)", &Held::None).contains("same name exist"));
        let several = deleted("\"n\" (k1)", &Held::Several(vec!["k2".into(), "k3".into()]));
        assert!(several.contains("k2, k3") && several.contains("delete the extra ones"));
    }

    #[test]
    fn destroy_deletes_the_recorded_credential_and_the_one_its_sink_handed_over() {
        // (state id, name, handed over) -> deleted
        let table: [(_, _, _, &[&str]); 7] = [
            (Some("k1"), Some("n"), None, &["k1"]),
            (Some("k1"), Some("n"), Some(("k2", "n")), &["k1", "k2"]),
            (Some("k1"), Some("n"), Some(("k1", "n")), &["k1"]),
            (None, Some("n"), Some(("k2", "n")), &["k2"]),
            (None, Some("n"), Some(("k2", "other")), &[]),
            (None, None, Some(("k2", "n")), &[]),
            (None, Some("n"), None, &[]),
        ];
        for (state, name, handed, want) in table {
            assert_eq!(
                to_delete(state, name, handed),
                want,
                "{state:?} {name:?} {handed:?}"
            );
        }
    }

    #[test]
    fn names_and_import_ids() {
        assert!(check_name(" ").is_err() && check_name("actions").is_ok());
        assert_eq!(parse_import_id(" c1 "), Ok(("c1".into(), None)));
        assert_eq!(
            parse_import_id("c1:k1"),
            Ok(("c1".into(), Some("k1".into())))
        );
        assert!(parse_import_id("c1:").is_err() && parse_import_id(":k1").is_err());
        assert!(parse_import_id("").is_err());
    }
}
