//! The one error type for "this attribute's value is wrong": provider
//! configuration and resource rules both report through it, and the
//! Terraform glue turns it into a diagnostic on that attribute.

/// A problem with one attribute's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeError {
    /// The attribute to fix. Nested blocks of at most one element are
    /// written with dots (`vault.auth_login_jwt.role`).
    pub attribute: &'static str,
    /// One-line summary.
    pub summary: String,
    /// What is allowed, or what to do.
    pub detail: String,
}

impl AttributeError {
    /// An error on `attribute`.
    pub fn new(
        attribute: &'static str,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> AttributeError {
        AttributeError {
            attribute,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}
