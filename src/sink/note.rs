//! What a step of the sink tells the user besides its result: plain
//! warnings and errors, on the whole resource or on one attribute, which
//! the Terraform glue (`crate::tf::diag::sink_notes`) turns into
//! diagnostics. A leaf of `sink/`.

use crate::attribute_error::AttributeError;

/// Something to say: a warning or an error, on the resource or on one
/// attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A warning about the whole resource (summary, detail).
    Warning(String, String),
    /// An error about the whole resource (summary, detail).
    Error(String, String),
    /// A warning on one attribute.
    AttributeWarning(AttributeError),
    /// An error on one attribute.
    AttributeError(AttributeError),
}

impl Note {
    /// Whether the note stops the operation.
    pub fn is_error(&self) -> bool {
        matches!(self, Note::Error(..) | Note::AttributeError(_))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn only_errors_stop() {
        let on = || AttributeError::new("path", "s", "d");
        let cases = [
            (Note::Warning("s".into(), "d".into()), false),
            (Note::Error("s".into(), "d".into()), true),
            (Note::AttributeWarning(on()), false),
            (Note::AttributeError(on()), true),
        ];
        for (note, stops) in cases {
            assert_eq!(note.is_error(), stops, "{note:?}");
        }
    }
}
