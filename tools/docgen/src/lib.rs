//! Registry documentation for the provider, rendered from its schema in the
//! layout `tfplugindocs` produces: `docs/index.md`, `docs/resources/<name>.md`,
//! `docs/data-sources/<name>.md` and `docs/ephemeral-resources/<name>.md`
//! (its example from `examples/ephemeral-resources/<type>/ephemeral-resource.tf`).
//! Guides in `docs/guides` are
//! hand-written; the renderer only checks their frontmatter and links them
//! from the index.
//!
//! [`render`] turns `terraform providers schema -json` and the repository's
//! `examples/` and `docs/guides` into the pages; [`differences`] compares them
//! with the committed ones and [`write()`] replaces those. `scripts/docs.sh`
//! runs the `docgen` binary; the e2e test `docs_are_fresh` checks that the
//! committed docs are what this renders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

mod disk;
mod guides;
mod listing;
mod pages;
mod schema;

pub use disk::{differences, write, Difference};

/// The provider's type name (and the prefix of every resource type).
const PROVIDER: &str = "genesyscloud";
/// The Registry namespace the provider is published under.
const NAMESPACE: &str = "genesys-vault";
/// The repository name shown in page titles.
const REPOSITORY: &str = "terraform-provider-genesyscloud";
/// The YAML comment opening the frontmatter of every generated page.
const GENERATED: &str =
    "# Generated from the provider schema by tools/docgen: run scripts/docs.sh, do not edit.";
/// The hand-written introduction of the index page, before the guide list.
const INDEX_INTRO: &str = "Genesys Cloud returns an OAuth client's secret only when the client is created or its secret is regenerated. This provider captures the secret at that moment, inside the provider process, and writes it straight to HashiCorp Vault (or OpenBao): Terraform state, plans and logs never hold it. It manages OAuth clients and their secrets only; keep the official `MyPureCloud/genesyscloud` provider for everything else in your organization.";

/// Generated files: their text by path relative to the repository root.
pub type Files = BTreeMap<PathBuf, String>;

/// The Registry address of the provider, as the schema JSON keys it.
fn provider_source() -> String {
    format!("registry.terraform.io/{NAMESPACE}/{PROVIDER}")
}

/// Renders every generated page from the schema JSON (the output of
/// `terraform providers schema -json`) and, under the repository root `root`,
/// the examples in `examples/` and the guides in `docs/guides`.
///
/// Fails, listing every problem, when an attribute, block or schema lacks a
/// description, a guide's frontmatter is incomplete, or the JSON is not what
/// `terraform providers schema -json` writes.
pub fn render(schema: &Json, root: &Path) -> Result<Files, String> {
    let mut parser = schema::Parser::default();
    let parsed = parser.provider_schema(schema);
    let mut problems = parser.problems;
    let guides = guides::guides(&root.join("docs/guides")).unwrap_or_else(|e| {
        problems.extend(e);
        Vec::new()
    });
    let Some(parsed) = parsed.filter(|_| problems.is_empty()) else {
        return Err(format!(
            "cannot render the docs:\n  {}",
            problems.join("\n  ")
        ));
    };
    pages::pages(&parsed, &guides, &root.join("examples"))
}

#[cfg(test)]
mod tests;
