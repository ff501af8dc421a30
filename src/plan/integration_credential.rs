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
//!   (`crate::plan::sink_credential`), which keeps its name;
//! - removing the name deletes it (by the id in state);
//! - renaming an existing credential is refused at plan, never half done:
//!   no credential is ever left with an empty or a dead secret (a tainted
//!   client is planned as a new one, so a rename can ride on its
//!   replacement);
//! - a name with no credential behind it (an adopted or imported client)
//!   changes nothing in Genesys and is reported by a warning until a secret
//!   is issued for it. (A credential deleted outside Terraform keeps its id
//!   in state, for its sink to make it again.)

use crate::attribute_error::AttributeError;

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

/// Plans a change of the credential's name on an existing client.
/// `prior_id` is the credential in state (if any); `planned_name` is `None`
/// while the configuration's value is unknown.
pub fn plan_update(
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

/// The warning for a name with no credential behind it.
pub fn no_credential(name: &str) -> AttributeError {
    AttributeError::new(
        NAME,
        format!("No integration credential {name:?} holds this client's secret"),
        "Genesys Cloud shows a client secret only when it issues one, and the provider \
         makes the credential only then, at client create: this client was adopted after a \
         lost answer or imported without its credential. A genesyscloud_oauth_client_vault_secret \
         keeps an existing credential current at every rotation, but does not make one for \
         a client. To make one, replace the client (terraform apply -replace on this \
         resource). To manage a credential that already exists, import the client as \
         <client id>:<credential id>, and set integration_credential_id on its sink.",
    )
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
    fn a_credential_is_kept_deleted_or_never_renamed() {
        use CredentialPlan::*;
        let plan = |prior: Option<&str>, id: Option<&str>, planned: Option<Option<&str>>| {
            plan_update(prior, id, planned).map_err(|e| e.attribute)
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
        let e = plan_update(Some("old"), Some("k1"), Some(Some("new"))).expect_err("refused");
        assert!(e.summary.contains("\"old\"") && e.summary.contains("\"new\""));
        assert!(e.detail.contains("k1") && e.detail.contains("terraform taint"));
        assert!(no_credential("x")
            .detail
            .contains("<client id>:<credential id>"));
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
