//! The generated pages: `docs/index.md`, and a page for each resource, data
//! source and ephemeral resource with its example, schema listing and (for
//! a resource) import syntax.

use std::path::{Path, PathBuf};

use crate::disk::read_optional;
use crate::guides::{index_intro, Guide};
use crate::listing::schema_section;
use crate::schema::{Block, ProviderSchema};
use crate::{Files, GENERATED, PROVIDER, REPOSITORY};

/// Resource, data source or ephemeral resource.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A managed resource: `docs/resources`, with an import section.
    Resource,
    /// A data source: `docs/data-sources`.
    DataSource,
    /// An ephemeral resource: `docs/ephemeral-resources`.
    EphemeralResource,
}

impl Kind {
    /// "Resource" / "Data Source", as in page titles and headings.
    fn label(self) -> &'static str {
        match self {
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
            Kind::EphemeralResource => "Ephemeral Resource",
        }
    }

    /// The directory under `docs/` and under `examples/`.
    fn dir(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
            Kind::EphemeralResource => "ephemeral-resources",
        }
    }

    /// The example file name in `examples/<dir>/<type>/`.
    fn example_file(self) -> &'static str {
        match self {
            Kind::Resource => "resource.tf",
            Kind::DataSource => "data-source.tf",
            Kind::EphemeralResource => "ephemeral-resource.tf",
        }
    }
}

/// YAML frontmatter with a literal-block description.
fn frontmatter(page_title: &str, description: &str) -> String {
    let indented: Vec<String> = description
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect();
    format!(
        "---\n{GENERATED}\npage_title: \"{page_title}\"\nsubcategory: \"\"\ndescription: |-\n{}\n---",
        indented.join("\n")
    )
}

/// A fenced code block.
fn fenced(language: &str, body: &str) -> String {
    format!("```{language}\n{}\n```", body.trim_end())
}

/// `## Example Usage` from an example file, when it exists.
fn example_section(file: &Path) -> Result<Vec<String>, String> {
    Ok(match read_optional(file)? {
        Some(body) => vec!["## Example Usage".into(), fenced("terraform", &body)],
        None => Vec::new(),
    })
}

/// `## Import` from an `import.sh`, when it exists.
fn import_section(file: &Path) -> Result<Vec<String>, String> {
    Ok(match read_optional(file)? {
        Some(body) => vec![
            "## Import".into(),
            "Import is supported using the following syntax:".into(),
            fenced("shell", &body),
        ],
        None => Vec::new(),
    })
}

/// The provider page's section on what the provider's own login needs,
/// from `examples/provider/permissions.md` (Markdown, its own heading
/// included), when it exists.
fn permissions_section(file: &Path) -> Result<Vec<String>, String> {
    Ok(read_optional(file)?
        .map(|body| body.trim_end().to_string())
        .into_iter()
        .collect())
}

/// Paragraphs joined into a Markdown file.
fn page(paragraphs: Vec<String>) -> String {
    let mut text = paragraphs.join("\n\n");
    text.push('\n');
    text
}

/// The page of one resource, data source or ephemeral resource, and its path.
fn type_page(
    kind: Kind,
    type_name: &str,
    block: &Block,
    examples: &Path,
) -> Result<(PathBuf, String), String> {
    let short = type_name
        .strip_prefix(&format!("{PROVIDER}_"))
        .ok_or_else(|| format!("{type_name} does not start with {PROVIDER}_"))?;
    let dir = examples.join(kind.dir()).join(type_name);
    let title = format!("{type_name} {} - {REPOSITORY}", kind.label());
    let mut paragraphs = vec![
        frontmatter(&title, &block.description),
        format!("# {type_name} ({})", kind.label()),
        block.description.clone(),
    ];
    if block.deprecated {
        paragraphs.push(format!(
            "~> **Deprecated:** this {} is deprecated and will be removed.",
            kind.label().to_lowercase()
        ));
    }
    paragraphs.extend(example_section(&dir.join(kind.example_file()))?);
    paragraphs.extend(schema_section(block));
    if let Kind::Resource = kind {
        paragraphs.extend(import_section(&dir.join("import.sh"))?);
    }
    let path = PathBuf::from("docs")
        .join(kind.dir())
        .join(format!("{short}.md"));
    Ok((path, page(paragraphs)))
}

/// `docs/index.md`.
fn index_page(provider: &Block, guides: &[Guide], examples: &Path) -> Result<String, String> {
    let title = format!("{PROVIDER} Provider");
    let mut paragraphs = vec![
        frontmatter(&title, &provider.description),
        format!("# {title}"),
        provider.description.clone(),
    ];
    paragraphs.extend(index_intro(guides));
    paragraphs.extend(example_section(
        &examples.join("provider").join("provider.tf"),
    )?);
    paragraphs.extend(permissions_section(
        &examples.join("provider").join("permissions.md"),
    )?);
    paragraphs.extend(schema_section(provider));
    Ok(page(paragraphs))
}

/// Every generated page, by path relative to the repository root: the index
/// (linking `guides`) and one page per resource, data source and ephemeral
/// resource, with the
/// examples found under `examples`.
pub(crate) fn pages(
    schema: &ProviderSchema,
    guides: &[Guide],
    examples: &Path,
) -> Result<Files, String> {
    let mut files = Files::new();
    let index = index_page(&schema.provider, guides, examples)?;
    files.insert(PathBuf::from("docs/index.md"), index);
    let kinds = [
        (Kind::Resource, &schema.resources),
        (Kind::DataSource, &schema.data_sources),
        (Kind::EphemeralResource, &schema.ephemeral_resources),
    ];
    for (kind, types) in kinds {
        for (name, block) in types {
            let (path, text) = type_page(kind, name, block, examples)?;
            files.insert(path, text);
        }
    }
    Ok(files)
}
