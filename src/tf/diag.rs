//! Turning our errors into Terraform diagnostics on the right attribute.

use tf_provider::{AttributePath, Diagnostics};

use crate::attribute_error::AttributeError;
use crate::genesys::GenesysError;
use crate::plan::oauth_client::attribute_for_api_field;
use crate::sink::SinkError;

/// An input problem, as an error on its attribute.
pub fn attribute_error(diags: &mut Diagnostics, e: AttributeError) {
    diags.error(e.summary, e.detail, path_of(e.attribute));
}

/// An input problem worth a warning, on its attribute.
pub fn attribute_warning(diags: &mut Diagnostics, e: AttributeError) {
    diags.warning(e.summary, e.detail, path_of(e.attribute));
}

/// `vault.auth_login_jwt.role` → `vault[0].auth_login_jwt[0].role`: every
/// segment but the last is a block of at most one.
fn path_of(attribute: &'static str) -> AttributePath {
    let mut segments = attribute.split('.');
    let mut path = AttributePath::new(segments.next().unwrap_or(attribute));
    for segment in segments {
        path = path.index(0).attribute(segment);
    }
    path
}

/// A plan-time refusal's text: the error, then that nothing was changed
/// and the fix comes first, said once even when the error says it already.
pub fn nothing_changed(error: &str) -> String {
    let error = error.trim_end().trim_end_matches('.');
    match error.strip_suffix("Nothing was changed") {
        Some(head) => format!("{head}Nothing was changed: fix this before applying."),
        None => format!("{error}. Nothing was changed: fix this before applying."),
    }
}

/// A Genesys API failure. When Genesys names a field we know, the diagnostic
/// points at the matching attribute.
pub fn genesys_error(diags: &mut Diagnostics, summary: &str, e: &GenesysError) {
    let attribute = match e {
        GenesysError::Api(api) => api
            .details
            .iter()
            .filter_map(|d| d.field_name.as_deref())
            .find_map(attribute_for_api_field),
        _ => None,
    };
    error_on(diags, summary, e, attribute);
}

/// A sink failure, on the attribute it is about when there is one.
pub fn sink_error(diags: &mut Diagnostics, summary: &str, e: &SinkError) {
    let attribute = match e {
        SinkError::NotOurs { .. }
        | SinkError::OwnedByOther { .. }
        | SinkError::ChangedSincePlan { .. } => Some("path"),
        SinkError::ClientGone(_) => Some("client_id"),
        SinkError::StandbyGone { .. } => Some("standby_client_id"),
        SinkError::PairGrant { attribute, .. } | SinkError::TargetUnusable { attribute, .. } => {
            Some(*attribute)
        }
        SinkError::CannotVerify { .. } | SinkError::NewSecretRefused { .. } => Some("verify"),
        SinkError::CredentialUnreadable { .. }
        | SinkError::CredentialMissing { .. }
        | SinkError::NotOAuthCredential { .. } => Some("integration_credential_id"),
        _ => None,
    };
    error_on(diags, summary, e, attribute);
}

/// An error on `attribute`, or on the whole resource without one.
fn error_on(
    diags: &mut Diagnostics,
    summary: &str,
    e: &dyn std::fmt::Display,
    attribute: Option<&'static str>,
) {
    match attribute {
        Some(a) => diags.error(summary.to_string(), e.to_string(), AttributePath::new(a)),
        None => diags.root_error(summary.to_string(), e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::nothing_changed;

    #[test]
    fn nothing_was_changed_is_said_once() {
        let cases = [
            (
                "mount x is unknown",
                "mount x is unknown. Nothing was changed: fix this before applying.",
            ),
            (
                "it lacks update. Nothing was changed.",
                "it lacks update. Nothing was changed: fix this before applying.",
            ),
            (
                "it lacks update. Nothing was changed",
                "it lacks update. Nothing was changed: fix this before applying.",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(nothing_changed(error), expected);
        }
    }
}
