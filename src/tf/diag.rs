//! Turning our errors into Terraform diagnostics on the right attribute.

use tf_provider::{AttributePath, Diagnostics};

use crate::config::ConfigError;
use crate::genesys::GenesysError;
use crate::plan::oauth_client::{attribute_for_api_field, FieldError};

/// An input problem, on its attribute.
pub fn field_error(diags: &mut Diagnostics, e: FieldError) {
    diags.error(e.summary, e.detail, AttributePath::new(e.attribute));
}

/// A provider configuration problem, on its attribute.
pub fn config_error(diags: &mut Diagnostics, e: ConfigError) {
    diags.error(e.summary, e.detail, config_path(e.attribute));
}

/// A provider configuration warning, on its attribute.
pub fn config_warning(diags: &mut Diagnostics, e: ConfigError) {
    diags.warning(e.summary, e.detail, config_path(e.attribute));
}

/// `vault.auth_login_jwt.role` → `vault[0].auth_login_jwt[0].role`: every
/// segment but the last is a block of at most one.
fn config_path(attribute: &'static str) -> AttributePath {
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
    match attribute {
        Some(a) => diags.error(summary.to_string(), e.to_string(), AttributePath::new(a)),
        None => diags.root_error(summary.to_string(), e.to_string()),
    }
}
