//! What a step tells the user besides its result, for every resource: plain
//! warnings and errors, on the whole resource or on one attribute, and a
//! Genesys call that failed with what it was for. The Terraform glue turns
//! them into diagnostics (`report` and `failure` in `tf/diag.rs`).
//! A leaf: it knows no resource.

use crate::attribute_error::AttributeError;
use crate::genesys::GenesysError;

/// A Genesys call that failed, with what it was for (the diagnostic's
/// summary) and the attribute it concerns, when the answer names one.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What could not be done, e.g. "Could not create OAuth client".
    pub summary: String,
    /// Why.
    pub error: GenesysError,
    /// The attribute the diagnostic points at; `None` for the whole resource.
    pub attribute: Option<&'static str>,
}

/// Two failures are the same when they say the same, on the same attribute.
impl PartialEq for Failure {
    fn eq(&self, other: &Self) -> bool {
        self.summary == other.summary
            && self.attribute == other.attribute
            && self.error.to_string() == other.error.to_string()
    }
}

impl Eq for Failure {}

/// Something to say: a warning or an error, on the resource or on one
/// attribute, or a failed call.
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
    /// A call that failed after something was made or changed.
    Failed(Box<Failure>),
}

impl Note {
    /// Whether the note stops the operation.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Note::Error(..) | Note::AttributeError(_) | Note::Failed(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
