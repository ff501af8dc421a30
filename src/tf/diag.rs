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
/// `vault.token` points into the first (only) `vault` block.
pub fn config_error(diags: &mut Diagnostics, e: ConfigError) {
    let path = match e.attribute.split_once('.') {
        Some((block, attr)) => AttributePath::new(block).index(0).attribute(attr),
        None => AttributePath::new(e.attribute),
    };
    diags.error(e.summary, e.detail, path);
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
