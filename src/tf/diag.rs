//! Turning our errors into Terraform diagnostics on the right attribute.

use tf_provider::{AttributePath, Diagnostics};

use crate::attribute_error::AttributeError;
use crate::note::{Failure, Note};

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

/// A failed step, as an error on the attribute it names; `None` for the
/// RPC to return.
pub fn failure<T>(diags: &mut Diagnostics, f: Failure) -> Option<T> {
    error_on(diags, &f.summary, &f.error, f.attribute);
    None
}

/// What a step says besides its result, each note its diagnostic; `None`
/// (for the RPC to return) when one of them is an error.
pub fn report(diags: &mut Diagnostics, notes: impl IntoIterator<Item = Note>) -> Option<()> {
    let mut stopped = false;
    for note in notes {
        stopped |= note.is_error();
        match note {
            Note::Warning(summary, detail) => diags.root_warning(summary, detail),
            Note::Error(summary, detail) => diags.root_error(summary, detail),
            Note::AttributeWarning(e) => attribute_warning(diags, e),
            Note::AttributeError(e) => attribute_error(diags, e),
            Note::Failed(f) => error_on(diags, &f.summary, &f.error, f.attribute),
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
    use crate::genesys::GenesysError;

    #[test]
    fn each_note_becomes_its_diagnostic() {
        let on = |attribute| AttributeError::new(attribute, "s", "d");
        let failed = Failure {
            summary: "Could not delete integration credential".into(),
            error: GenesysError::Incomplete {
                operation: "delete integration credential k1".into(),
                detail: "still there".into(),
            },
            attribute: None,
        };
        let mut diags = Diagnostics::default();
        report(
            &mut diags,
            vec![
                Note::Warning("whole".into(), "resource".into()),
                Note::AttributeWarning(on("integration_credential_name")),
                Note::AttributeError(on("roles")),
                Note::Failed(Box::new(failed)),
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
                    attribute: None,
                }
            ),
            None
        );
        assert_eq!(diags.errors.len(), 3);
    }

    #[test]
    fn a_sink_note_stops_the_rpc_only_when_it_is_an_error() {
        let on = |attribute| AttributeError::new(attribute, "s", "d");
        let warn = || Note::Warning("w".into(), "d".into());
        let cases = [
            (vec![], Some(())),
            (vec![warn(), Note::AttributeWarning(on("path"))], Some(())),
            (vec![warn(), Note::AttributeError(on("mount"))], None),
            (vec![Note::Error("e".into(), "d".into())], None),
        ];
        for (notes, expected) in cases {
            let mut diags = Diagnostics::default();
            let count = notes.len();
            assert_eq!(report(&mut diags, notes), expected);
            assert_eq!(diags.warnings.len() + diags.errors.len(), count);
        }
    }
}
