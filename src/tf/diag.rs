//! Turning our errors into Terraform diagnostics on the right attribute.

use tf_provider::{AttributePath, Diagnostics};

use crate::attribute_error::AttributeError;
use crate::genesys::GenesysError;
use crate::oauth_client::{Failure, Note};
use crate::plan::oauth_client::attribute_for_api_field;
use crate::sink::Note as SinkNote;

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

/// A failed step of the OAuth client, as an error; `None` for the RPC to
/// return.
pub fn failure<T>(diags: &mut Diagnostics, f: Failure) -> Option<T> {
    genesys_error(diags, &f.summary, &f.error);
    None
}

/// What a step of the OAuth client reports besides its result.
pub fn notes(diags: &mut Diagnostics, notes: Vec<Note>) {
    for note in notes {
        match note {
            Note::Warning(summary, detail) => diags.root_warning(summary, detail),
            Note::AttributeWarning(e) => attribute_warning(diags, e),
            Note::AttributeError(e) => attribute_error(diags, e),
            Note::Failed(f) => genesys_error(diags, &f.summary, &f.error),
        }
    }
}

/// What a step of the sink says besides its result; `None` (for the RPC
/// to return) when one of them is an error.
pub fn sink_notes(
    diags: &mut Diagnostics,
    notes: impl IntoIterator<Item = SinkNote>,
) -> Option<()> {
    let mut stopped = false;
    for note in notes {
        stopped |= note.is_error();
        match note {
            SinkNote::Warning(summary, detail) => diags.root_warning(summary, detail),
            SinkNote::Error(summary, detail) => diags.root_error(summary, detail),
            SinkNote::AttributeWarning(e) => attribute_warning(diags, e),
            SinkNote::AttributeError(e) => attribute_error(diags, e),
        }
    }
    (!stopped).then_some(())
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
    use super::*;

    #[test]
    fn each_note_becomes_its_diagnostic() {
        let on = |attribute| AttributeError::new(attribute, "s", "d");
        let failed = Failure {
            summary: "Could not delete integration credential".into(),
            error: GenesysError::Incomplete {
                operation: "delete integration credential k1".into(),
                detail: "still there".into(),
            },
        };
        let mut diags = Diagnostics::default();
        notes(
            &mut diags,
            vec![
                Note::Warning("whole".into(), "resource".into()),
                Note::AttributeWarning(on("integration_credential_name")),
                Note::AttributeError(on("roles")),
                Note::Failed(failed),
            ],
        );
        let summaries = |list: &[tf_provider::Diagnostic]| -> Vec<String> {
            list.iter().map(|d| d.summary.to_string()).collect()
        };
        assert_eq!(summaries(&diags.warnings), ["whole", "s"]);
        assert_eq!(
            summaries(&diags.errors),
            ["s", "Could not delete integration credential"]
        );
        assert_eq!(
            diags.warnings[1].attribute,
            path_of("integration_credential_name")
        );
        assert_eq!(diags.errors[0].attribute, AttributePath::new("roles"));
        assert!(diags.errors[1].detail.contains("still there"));
        assert_eq!(
            failure::<()>(
                &mut diags,
                Failure {
                    summary: "x".into(),
                    error: GenesysError::Incomplete {
                        operation: "o".into(),
                        detail: "d".into()
                    },
                }
            ),
            None
        );
        assert_eq!(diags.errors.len(), 3);
    }

    #[test]
    fn a_sink_note_stops_the_rpc_only_when_it_is_an_error() {
        let on = |attribute| AttributeError::new(attribute, "s", "d");
        let warn = || SinkNote::Warning("w".into(), "d".into());
        let cases = [
            (vec![], Some(())),
            (
                vec![warn(), SinkNote::AttributeWarning(on("path"))],
                Some(()),
            ),
            (vec![warn(), SinkNote::AttributeError(on("mount"))], None),
            (vec![SinkNote::Error("e".into(), "d".into())], None),
        ];
        for (notes, expected) in cases {
            let mut diags = Diagnostics::default();
            let count = notes.len();
            assert_eq!(sink_notes(&mut diags, notes), expected);
            assert_eq!(diags.warnings.len() + diags.errors.len(), count);
        }
    }
}
