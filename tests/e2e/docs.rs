//! Registry documentation generated from the provider's schema, in the layout
//! `tfplugindocs` produces: `docs/index.md`, `docs/resources/<name>.md` and
//! `docs/data-sources/<name>.md`. Guides in `docs/guides` are hand-written;
//! the renderer only checks their frontmatter and links them from the index.
//!
//! `docs_are_fresh` renders the docs from `terraform providers schema -json`
//! and compares them with the files on disk; `scripts/docs.sh`
//! (`GENESYSCLOUD_UPDATE_DOCS=1`) writes them instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::harness::{Tf, NAMESPACE};

/// The provider's type name (and the prefix of every resource type).
const PROVIDER: &str = "genesyscloud";
/// The repository name shown in page titles.
const REPOSITORY: &str = "terraform-provider-genesyscloud";
/// The environment variable that makes `docs_are_fresh` write the docs.
const UPDATE_ENV: &str = "GENESYSCLOUD_UPDATE_DOCS";
/// The YAML comment opening the frontmatter of every generated page.
const GENERATED: &str =
    "# Generated from the provider schema by tests/e2e/docs.rs: run scripts/docs.sh, do not edit.";
/// The hand-written introduction of the index page, before the guide list.
const INDEX_INTRO: &str = "Genesys Cloud returns an OAuth client's secret only when the client is created or its secret is regenerated. This provider captures the secret at that moment, inside the provider process, and writes it straight to HashiCorp Vault (or OpenBao): Terraform state, plans and logs never hold it. It manages OAuth clients and their secrets only; keep the official `MyPureCloud/genesyscloud` provider for everything else in your organization.";

/// Generated files, by path relative to the repository root.
pub type Files = BTreeMap<PathBuf, String>;

/// The Registry address of the provider, as the schema JSON keys it.
fn provider_source() -> String {
    format!("registry.terraform.io/{NAMESPACE}/{PROVIDER}")
}

// ---------------------------------------------------------------------------
// The schema model: what the renderer needs, checked while it is parsed.
// ---------------------------------------------------------------------------

/// A Terraform value type (the `type` of an attribute).
#[derive(Debug, Clone, PartialEq)]
enum CtyType {
    /// `string`, `number`, `bool` or `dynamic`, by display name.
    Primitive(&'static str),
    /// `list`, `set` or `map` of an element type (display name of the kind).
    Collection(&'static str, Box<CtyType>),
    /// An object with named fields.
    Object(BTreeMap<String, CtyType>),
    /// A tuple.
    Tuple,
}

impl CtyType {
    /// Parses a type as the schema JSON spells it (`"string"`, `["set", "string"]`).
    fn parse(json: &Json) -> Result<CtyType, String> {
        match json {
            Json::String(s) => Self::primitive(s),
            Json::Array(parts) => Self::composite(parts),
            other => Err(format!("unexpected type {other}")),
        }
    }

    /// A primitive type by its JSON name.
    fn primitive(name: &str) -> Result<CtyType, String> {
        Ok(CtyType::Primitive(match name {
            "string" => "String",
            "number" => "Number",
            "bool" => "Boolean",
            "dynamic" => "Dynamic",
            other => return Err(format!("unknown primitive type {other:?}")),
        }))
    }

    /// A `[kind, argument]` type.
    fn composite(parts: &[Json]) -> Result<CtyType, String> {
        let (kind, arg) = match parts {
            [Json::String(kind), arg] => (kind.as_str(), arg),
            _ => return Err(format!("unexpected type {}", Json::from(parts.to_vec()))),
        };
        let collection = |name| Ok(CtyType::Collection(name, Box::new(CtyType::parse(arg)?)));
        match kind {
            "list" => collection("List"),
            "set" => collection("Set"),
            "map" => collection("Map"),
            "tuple" => Ok(CtyType::Tuple),
            "object" => Self::object(arg),
            other => Err(format!("unknown type kind {other:?}")),
        }
    }

    /// An object type from its `{field: type}` map.
    fn object(fields: &Json) -> Result<CtyType, String> {
        let fields = fields
            .as_object()
            .ok_or_else(|| format!("object type without fields: {fields}"))?;
        let mut out = BTreeMap::new();
        for (name, ty) in fields {
            out.insert(name.clone(), CtyType::parse(ty)?);
        }
        Ok(CtyType::Object(out))
    }

    /// The display name: `String`, `List of String`, `Set of Object`, ...
    fn display(&self) -> String {
        match self {
            CtyType::Primitive(name) => (*name).to_string(),
            CtyType::Collection(kind, elem) => format!("{kind} of {}", elem.display()),
            CtyType::Object(_) => "Object".into(),
            CtyType::Tuple => "Tuple".into(),
        }
    }

    /// The object fields to document in a nested section, for an object or a
    /// collection of objects.
    fn object_fields(&self) -> Option<&BTreeMap<String, CtyType>> {
        match self {
            CtyType::Object(fields) => Some(fields),
            CtyType::Collection(_, elem) => elem.object_fields(),
            _ => None,
        }
    }
}

/// An attribute of a block.
#[derive(Debug)]
struct Attr {
    name: String,
    ty: CtyType,
    description: String,
    required: bool,
    optional: bool,
    computed: bool,
    sensitive: bool,
    deprecated: bool,
}

/// A nested block type of a block.
#[derive(Debug)]
struct NestedBlock {
    name: String,
    nesting: String,
    min_items: u64,
    /// `None` when unlimited (absent, 0, or the `i64::MAX` some SDKs send).
    max_items: Option<u64>,
    block: Block,
}

/// A block: provider configuration, resource, data source or nested block.
#[derive(Debug)]
struct Block {
    description: String,
    deprecated: bool,
    attributes: Vec<Attr>,
    blocks: Vec<NestedBlock>,
}

/// The parts of `terraform providers schema -json` the docs are made of.
#[derive(Debug)]
struct ProviderSchema {
    provider: Block,
    resources: BTreeMap<String, Block>,
    data_sources: BTreeMap<String, Block>,
}

/// The trimmed description of a schema object, if it has a non-blank one.
fn description_of(json: &Json) -> Option<String> {
    json.get("description")
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// A boolean flag of a schema object (absent means false).
fn flag(json: &Json, key: &str) -> bool {
    json.get(key).and_then(Json::as_bool).unwrap_or(false)
}

/// The entries of the JSON object under `key` (none when it is absent).
fn members<'a>(json: &'a Json, key: &str) -> Result<Vec<(&'a String, &'a Json)>, String> {
    match json.get(key) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Object(m)) => Ok(m.iter().collect()),
        Some(other) => Err(format!("`{key}` is not an object: {other}")),
    }
}

/// Turns schema JSON into the model, collecting every problem (missing
/// descriptions, malformed parts) instead of stopping at the first.
#[derive(Default)]
struct Parser {
    problems: Vec<String>,
}

impl Parser {
    /// Records a problem of `owner` (e.g. `resource genesyscloud_x`).
    fn problem(&mut self, owner: &str, message: String) {
        self.problems.push(format!("{owner}: {message}"));
    }

    /// Parses the one provider this repository builds.
    fn provider_schema(&mut self, schema: &Json) -> Option<ProviderSchema> {
        let source = provider_source();
        let Some(p) = schema.get("provider_schemas").and_then(|s| s.get(&source)) else {
            self.problem("schema", format!("no provider_schemas entry for {source}"));
            return None;
        };
        let provider = self.top_block(p.get("provider"), "provider");
        let resources = self.top_blocks(p, "resource_schemas", "resource");
        let data_sources = self.top_blocks(p, "data_source_schemas", "data source");
        Some(ProviderSchema {
            provider,
            resources,
            data_sources,
        })
    }

    /// Every resource (or data source) schema under `key`.
    fn top_blocks(&mut self, p: &Json, key: &str, kind: &str) -> BTreeMap<String, Block> {
        let entries = match members(p, key) {
            Ok(m) => m,
            Err(e) => {
                self.problem("schema", e);
                return BTreeMap::new();
            }
        };
        entries
            .into_iter()
            .map(|(name, s)| {
                (
                    name.clone(),
                    self.top_block(Some(s), &format!("{kind} {name}")),
                )
            })
            .collect()
    }

    /// The block of a `{version, block}` schema; it must have a description.
    fn top_block(&mut self, schema: Option<&Json>, owner: &str) -> Block {
        let block = schema.and_then(|s| s.get("block")).unwrap_or(&Json::Null);
        let parsed = self.block(block, owner, "");
        if parsed.description.is_empty() {
            self.problem(owner, "the schema has no description".into());
        }
        parsed
    }

    /// A block's attributes and nested blocks; `prefix` is the dotted path of
    /// the block inside its owner (`""` at the top, `"vault."` below).
    fn block(&mut self, json: &Json, owner: &str, prefix: &str) -> Block {
        let mut block = Block {
            description: description_of(json).unwrap_or_default(),
            deprecated: flag(json, "deprecated"),
            attributes: Vec::new(),
            blocks: Vec::new(),
        };
        match members(json, "attributes") {
            Ok(attrs) => {
                for (name, a) in attrs {
                    if let Some(attr) = self.attr(name, a, owner, prefix) {
                        block.attributes.push(attr);
                    }
                }
            }
            Err(e) => self.problem(owner, e),
        }
        match members(json, "block_types") {
            Ok(blocks) => {
                for (name, b) in blocks {
                    block.blocks.push(self.nested_block(name, b, owner, prefix));
                }
            }
            Err(e) => self.problem(owner, e),
        }
        block
    }

    /// One attribute, or `None` (and a problem) when it cannot be documented.
    fn attr(&mut self, name: &str, json: &Json, owner: &str, prefix: &str) -> Option<Attr> {
        let path = format!("{prefix}{name}");
        if json.get("nested_type").is_some() {
            self.problem(
                owner,
                format!("attribute `{path}` has a nested_type, which these docs do not support"),
            );
            return None;
        }
        let description = description_of(json);
        if description.is_none() {
            self.problem(owner, format!("attribute `{path}` has no description"));
        }
        let ty = match json.get("type").map(CtyType::parse) {
            Some(Ok(ty)) => ty,
            Some(Err(e)) => {
                self.problem(owner, format!("attribute `{path}`: {e}"));
                return None;
            }
            None => {
                self.problem(owner, format!("attribute `{path}` has no type"));
                return None;
            }
        };
        Some(Attr {
            name: name.to_string(),
            ty,
            description: description.unwrap_or_default(),
            required: flag(json, "required"),
            optional: flag(json, "optional"),
            computed: flag(json, "computed"),
            sensitive: flag(json, "sensitive"),
            deprecated: flag(json, "deprecated"),
        })
    }

    /// One nested block type; its block must have a description.
    fn nested_block(&mut self, name: &str, json: &Json, owner: &str, prefix: &str) -> NestedBlock {
        let path = format!("{prefix}{name}");
        let inner = json.get("block").unwrap_or(&Json::Null);
        let block = self.block(inner, owner, &format!("{path}."));
        if block.description.is_empty() {
            self.problem(owner, format!("block `{path}` has no description"));
        }
        let count = |key| json.get(key).and_then(Json::as_u64).unwrap_or(0);
        let max = count("max_items");
        NestedBlock {
            name: name.to_string(),
            nesting: json
                .get("nesting_mode")
                .and_then(Json::as_str)
                .unwrap_or("list")
                .to_string(),
            min_items: count("min_items"),
            max_items: (max > 0 && max < i64::MAX as u64).then_some(max),
            block,
        }
    }
}

// ---------------------------------------------------------------------------
// Rendering the schema listing.
// ---------------------------------------------------------------------------

/// Where an attribute or block is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    /// The group's title as tfplugindocs writes it.
    fn title(self) -> &'static str {
        match self {
            Group::Required => "Required",
            Group::Optional => "Optional",
            Group::ReadOnly => "Read-Only",
        }
    }
}

impl Attr {
    /// Required, Optional (including optional+computed) or Read-Only.
    fn group(&self) -> Group {
        if self.required {
            Group::Required
        } else if self.computed && !self.optional {
            Group::ReadOnly
        } else {
            Group::Optional
        }
    }
}

impl Block {
    /// True when nothing in the block can be configured.
    fn read_only(&self) -> bool {
        let attrs = self.attributes.iter().all(|a| a.group() == Group::ReadOnly);
        let blocks = self.blocks.iter().all(|b| b.block.read_only());
        attrs && blocks && !(self.attributes.is_empty() && self.blocks.is_empty())
    }
}

impl NestedBlock {
    /// Required when at least one block must be written.
    fn group(&self) -> Group {
        if self.min_items > 0 {
            Group::Required
        } else if self.block.read_only() {
            Group::ReadOnly
        } else {
            Group::Optional
        }
    }

    /// `Block List, Max: 1`, `Block Set`, `Block, Optional`, ...
    fn kind(&self) -> String {
        let mut kind = match self.nesting.as_str() {
            "list" => "Block List".to_string(),
            "set" => "Block Set".to_string(),
            "map" => "Block Map".to_string(),
            _ => format!("Block, {}", self.group().title()),
        };
        if self.min_items > 0 {
            kind.push_str(&format!(", Min: {}", self.min_items));
        }
        if let Some(max) = self.max_items {
            kind.push_str(&format!(", Max: {max}"));
        }
        if self.block.deprecated {
            kind.push_str(", Deprecated");
        }
        kind
    }
}

/// A nested section still to be written after the listing that links to it.
enum Nested<'a> {
    /// The schema of a nested block.
    Block { path: Vec<String>, block: &'a Block },
    /// The fields of an object-typed attribute, all in the parent's group.
    Object {
        path: Vec<String>,
        fields: &'a BTreeMap<String, CtyType>,
        group: Group,
    },
}

impl Nested<'_> {
    /// The HTML anchor: `nestedblock--a--b` or `nestedatt--a--b`.
    fn anchor(&self) -> String {
        let (kind, path) = match self {
            Nested::Block { path, .. } => ("nestedblock", path),
            Nested::Object { path, .. } => ("nestedatt", path),
        };
        format!("{kind}--{}", path.join("--"))
    }
}

/// The "see below" link to a nested section.
fn see_below(anchor: &str) -> String {
    format!("(see [below for nested schema](#{anchor}))")
}

/// One bullet: ``- `name` (Kind) Description (see below)``.
fn bullet(name: &str, kind: &str, description: &str, anchor: Option<&str>) -> String {
    let mut line = format!("- `{name}` ({kind})");
    if !description.is_empty() {
        line.push(' ');
        line.push_str(description);
    }
    if let Some(anchor) = anchor {
        line.push(' ');
        line.push_str(&see_below(anchor));
    }
    line
}

/// An attribute's bullet, and its nested section when it holds objects.
fn attr_item<'a>(attr: &'a Attr, parent: &[String]) -> (String, Option<Nested<'a>>) {
    let mut kind = attr.ty.display();
    if attr.sensitive {
        kind.push_str(", Sensitive");
    }
    if attr.deprecated {
        kind.push_str(", Deprecated");
    }
    let nested = attr.ty.object_fields().map(|fields| Nested::Object {
        path: child_path(parent, &attr.name),
        fields,
        group: attr.group(),
    });
    let anchor = nested.as_ref().map(Nested::anchor);
    let line = bullet(&attr.name, &kind, &attr.description, anchor.as_deref());
    (line, nested)
}

/// A nested block's bullet and its nested section.
fn block_item<'a>(nb: &'a NestedBlock, parent: &[String]) -> (String, Nested<'a>) {
    let nested = Nested::Block {
        path: child_path(parent, &nb.name),
        block: &nb.block,
    };
    let line = bullet(
        &nb.name,
        &nb.kind(),
        &nb.block.description,
        Some(&nested.anchor()),
    );
    (line, nested)
}

/// `parent` followed by `name`.
fn child_path(parent: &[String], name: &str) -> Vec<String> {
    let mut path = parent.to_vec();
    path.push(name.to_string());
    path
}

/// The heading of a group: `### Required` at the top, `Required:` below.
fn group_heading(group: Group, top: bool) -> String {
    if top {
        format!("### {}", group.title())
    } else {
        format!("{}:", group.title())
    }
}

/// The grouped listing of a block's attributes and nested blocks, sorted by
/// name within each group; returns the paragraphs and the nested sections.
fn listing<'a>(block: &'a Block, path: &[String], top: bool) -> (Vec<String>, Vec<Nested<'a>>) {
    let mut items: Vec<(Group, &str, String, Option<Nested<'a>>)> = Vec::new();
    for a in &block.attributes {
        let (line, nested) = attr_item(a, path);
        items.push((a.group(), &a.name, line, nested));
    }
    for b in &block.blocks {
        let (line, nested) = block_item(b, path);
        items.push((b.group(), &b.name, line, Some(nested)));
    }
    items.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    let mut paragraphs = Vec::new();
    let mut nested = Vec::new();
    for group in [Group::Required, Group::Optional, Group::ReadOnly] {
        let lines: Vec<String> = items
            .iter_mut()
            .filter(|i| i.0 == group)
            .map(|i| {
                nested.extend(i.3.take());
                i.2.clone()
            })
            .collect();
        if !lines.is_empty() {
            paragraphs.push(group_heading(group, top));
            paragraphs.push(lines.join("\n"));
        }
    }
    (paragraphs, nested)
}

/// A nested section and, after it, the sections it links to (depth first).
fn nested_section(nested: Nested<'_>, out: &mut Vec<String>) {
    let (path, anchor) = match &nested {
        Nested::Block { path, .. } | Nested::Object { path, .. } => {
            (path.join("."), nested.anchor())
        }
    };
    out.push(format!(
        "<a id=\"{anchor}\"></a>\n### Nested Schema for `{path}`"
    ));
    let children = match nested {
        Nested::Block { path, block } => {
            let (paragraphs, children) = listing(block, &path, false);
            out.extend(paragraphs);
            children
        }
        Nested::Object {
            path,
            fields,
            group,
        } => object_listing(&path, fields, group, out),
    };
    for child in children {
        nested_section(child, out);
    }
}

/// The fields of an object attribute (types only: they carry no descriptions).
fn object_listing<'a>(
    path: &[String],
    fields: &'a BTreeMap<String, CtyType>,
    group: Group,
    out: &mut Vec<String>,
) -> Vec<Nested<'a>> {
    let mut lines = Vec::new();
    let mut children = Vec::new();
    for (name, ty) in fields {
        let child = ty.object_fields().map(|fields| Nested::Object {
            path: child_path(path, name),
            fields,
            group,
        });
        let anchor = child.as_ref().map(Nested::anchor);
        lines.push(bullet(name, &ty.display(), "", anchor.as_deref()));
        children.extend(child);
    }
    out.push(group_heading(group, false));
    out.push(lines.join("\n"));
    children
}

/// `## Schema` with the grouped listing and every nested section.
fn schema_section(block: &Block) -> Vec<String> {
    let mut out = vec!["## Schema".to_string()];
    let (paragraphs, nested) = listing(block, &[], true);
    out.extend(paragraphs);
    for n in nested {
        nested_section(n, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------
// Pages.
// ---------------------------------------------------------------------------

/// Resource or data source.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Resource,
    DataSource,
}

impl Kind {
    /// "Resource" / "Data Source", as in page titles and headings.
    fn label(self) -> &'static str {
        match self {
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
        }
    }

    /// The directory under `docs/` and under `examples/`.
    fn dir(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
        }
    }

    /// The example file name in `examples/<dir>/<type>/`.
    fn example_file(self) -> &'static str {
        match self {
            Kind::Resource => "resource.tf",
            Kind::DataSource => "data-source.tf",
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

/// A file's text, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
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

/// Paragraphs joined into a Markdown file.
fn page(paragraphs: Vec<String>) -> String {
    let mut text = paragraphs.join("\n\n");
    text.push('\n');
    text
}

/// The page of one resource or data source, and its path.
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

/// A hand-written guide, as the index lists it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Guide {
    title: String,
    stem: String,
}

/// The frontmatter of a Markdown page as `key -> value`; `|-` / `>-` blocks
/// are joined, quotes around values removed. `None` without frontmatter.
fn parse_frontmatter(text: &str) -> Option<BTreeMap<String, String>> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut fields = BTreeMap::new();
    let mut block_key: Option<String> = None;
    for line in lines {
        if line.trim_end() == "---" {
            return Some(fields);
        }
        if line.starts_with([' ', '\t']) || line.trim().is_empty() {
            if let Some(key) = &block_key {
                let entry: &mut String = fields.entry(key.clone()).or_default();
                entry.push_str(line.trim());
                entry.push('\n');
            }
            continue;
        }
        block_key = None;
        if line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        if matches!(value, "|" | "|-" | ">" | ">-") {
            block_key = Some(key.trim().to_string());
        }
        let value = value.trim_matches('"');
        let value = if block_key.is_some() { "" } else { value };
        fields.insert(key.trim().to_string(), value.to_string());
    }
    None
}

/// Checks a guide's frontmatter; returns its title or what is wrong.
fn check_guide(name: &str, text: &str) -> Result<String, String> {
    let fields = parse_frontmatter(text)
        .ok_or_else(|| format!("guide {name}: does not start with --- frontmatter ---"))?;
    let field = |k: &str| fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut wrong = Vec::new();
    if field("page_title").is_none() {
        wrong.push("a page_title");
    }
    if field("subcategory") != Some("Guides") {
        wrong.push("subcategory: \"Guides\"");
    }
    if field("description").is_none() {
        wrong.push("a description");
    }
    match field("page_title") {
        Some(title) if wrong.is_empty() => Ok(title.to_string()),
        _ => Err(format!(
            "guide {name}: frontmatter needs {}",
            wrong.join(", ")
        )),
    }
}

/// Every `*.md` in `dir` (none when it does not exist), sorted by name.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The guides in `dir`, sorted by title; every problem when any is malformed.
fn guides(dir: &Path) -> Result<Vec<Guide>, Vec<String>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in markdown_files(dir).map_err(|e| vec![e])? {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let checked = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| check_guide(&format!("{stem}.md"), &text));
        match checked {
            Ok(title) => found.push(Guide { title, stem }),
            Err(e) => problems.push(e),
        }
    }
    found.sort();
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The Registry URL of a guide (absolute: works from the Registry and GitHub).
fn guide_url(stem: &str) -> String {
    format!(
        "https://registry.terraform.io/providers/{NAMESPACE}/{PROVIDER}/latest/docs/guides/{stem}"
    )
}

/// The hand-written introduction and the guide list.
fn index_intro(guides: &[Guide]) -> Vec<String> {
    if guides.is_empty() {
        return vec![INDEX_INTRO.to_string()];
    }
    let list: Vec<String> = guides
        .iter()
        .map(|g| format!("- [{}]({})", g.title, guide_url(&g.stem)))
        .collect();
    vec![
        format!("{INDEX_INTRO} The guides cover the common situations:"),
        list.join("\n"),
    ]
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
    paragraphs.extend(schema_section(provider));
    Ok(page(paragraphs))
}

/// Renders every generated page from the schema JSON, the examples and the
/// guides. Fails, listing every problem, when an attribute, block or schema
/// lacks a description, a guide's frontmatter is incomplete, or the JSON is
/// not what `terraform providers schema -json` writes.
pub fn render(schema: &Json, examples: &Path, guides_dir: &Path) -> Result<Files, String> {
    let mut parser = Parser::default();
    let parsed = parser.provider_schema(schema);
    let mut problems = parser.problems;
    let guides = guides(guides_dir).unwrap_or_else(|e| {
        problems.extend(e);
        Vec::new()
    });
    let Some(parsed) = parsed.filter(|_| problems.is_empty()) else {
        return Err(format!(
            "cannot render the docs:\n  {}",
            problems.join("\n  ")
        ));
    };
    let mut files = Files::new();
    let index = index_page(&parsed.provider, &guides, examples)?;
    files.insert(PathBuf::from("docs/index.md"), index);
    let kinds = [
        (Kind::Resource, &parsed.resources),
        (Kind::DataSource, &parsed.data_sources),
    ];
    for (kind, types) in kinds {
        for (name, block) in types {
            let (path, text) = type_page(kind, name, block, examples)?;
            files.insert(path, text);
        }
    }
    Ok(files)
}

// ---------------------------------------------------------------------------
// Freshness: the rendered docs against the files in the repository.
// ---------------------------------------------------------------------------

/// The directories whose pages are all generated.
const GENERATED_DIRS: [&str; 2] = ["docs/resources", "docs/data-sources"];

/// The repository root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Generated pages on disk (relative paths) that `files` no longer has.
fn extra_pages(root: &Path, files: &Files) -> Vec<PathBuf> {
    GENERATED_DIRS
        .iter()
        .flat_map(|dir| markdown_files(&root.join(dir)).expect("list generated docs"))
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .filter(|p| !files.contains_key(p))
        .collect()
}

/// What differs between `files` and the repository: one line per file.
fn differences(root: &Path, files: &Files) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        match read_optional(&root.join(path)).expect("read docs") {
            None => out.push(format!("missing: {}", path.display())),
            Some(on_disk) if on_disk != *text => out.push(format!("stale:   {}", path.display())),
            Some(_) => {}
        }
    }
    for path in extra_pages(root, files) {
        out.push(format!(
            "extra:   {} (no such type in the schema)",
            path.display()
        ));
    }
    out
}

/// Writes `files` and removes generated pages that no longer have a type.
fn write_docs(root: &Path, files: &Files) {
    for path in extra_pages(root, files) {
        std::fs::remove_file(root.join(&path)).expect("remove stale page");
    }
    for (path, text) in files {
        let full = root.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).expect("create docs dir");
        }
        std::fs::write(&full, text).expect("write docs page");
    }
}

/// `terraform providers schema -json` of the provider binary under test.
fn provider_schema_json() -> Json {
    let tf = Tf::new("http://127.0.0.1:9");
    tf.write_config("");
    tf.init();
    let out = tf.run(&["providers", "schema", "-json"]);
    serde_json::from_slice(&out.stdout).expect("`terraform providers schema -json` output is JSON")
}

#[test]
fn docs_are_fresh() {
    let root = repo_root();
    let files = render(
        &provider_schema_json(),
        &root.join("examples"),
        &root.join("docs/guides"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    if std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1") {
        write_docs(&root, &files);
        return;
    }
    let diff = differences(&root, &files);
    assert!(
        diff.is_empty(),
        "the docs do not match the provider schema and examples:\n  {}\nrun scripts/docs.sh to regenerate them",
        diff.join("\n  ")
    );
}

#[test]
fn guides_have_registry_frontmatter() {
    if let Err(problems) = guides(&repo_root().join("docs/guides")) {
        panic!("{}", problems.join("\n"));
    }
}

// ---------------------------------------------------------------------------
// The renderer on small hand-made schemas.
// ---------------------------------------------------------------------------

mod tests {
    use serde_json::json;

    use super::*;

    fn attr(ty: Json, flags: &[&str], description: &str) -> Json {
        let mut a = json!({"type": ty, "description": description, "description_kind": "markdown"});
        for f in flags {
            a[*f] = json!(true);
        }
        a
    }

    fn schema(resource: Json) -> Json {
        json!({
            "format_version": "1.0",
            "provider_schemas": {
                (provider_source()): {
                    "provider": {"version": 0, "block": {
                        "description": "The provider.",
                        "attributes": {"token": attr(json!("string"), &["optional", "sensitive"], "A token.")}
                    }},
                    "resource_schemas": {"genesyscloud_thing": {"version": 0, "block": resource}},
                    "data_source_schemas": {"genesyscloud_thing": {"version": 0, "block": {
                        "description": "Looks a thing up.",
                        "attributes": {
                            "name": attr(json!("string"), &["required"], "Name."),
                            "parts": attr(json!(["set", ["object", {"b": "string", "a": "number"}]]), &["computed"], "Parts.")
                        }
                    }}}
                }
            }
        })
    }

    fn thing() -> Json {
        json!({
            "description": "A thing.\n\nWith two paragraphs.",
            "attributes": {
                "zeta": attr(json!("string"), &["required"], "Zeta."),
                "alpha": attr(json!("number"), &["required"], "Alpha."),
                "secret": attr(json!("string"), &["optional", "sensitive"], "Secret."),
                "mode": attr(json!("string"), &["optional", "computed"], "Mode."),
                "old": attr(json!(["list", "string"]), &["optional", "deprecated"], "Old."),
                "labels": attr(json!(["map", "string"]), &["optional"], "Labels."),
                "flag": attr(json!("bool"), &["optional"], "Flag."),
                "id": attr(json!("string"), &["computed"], "Id.")
            },
            "block_types": {
                "outer": {"nesting_mode": "list", "max_items": 1, "block": {
                    "description": "Outer.",
                    "attributes": {"x": attr(json!("string"), &["optional"], "X.")},
                    "block_types": {"inner": {"nesting_mode": "set", "max_items": 9223372036854775807_u64, "block": {
                        "description": "Inner.",
                        "attributes": {"y": attr(json!(["set", "string"]), &["required"], "Y.")}
                    }}}
                }},
                "must": {"nesting_mode": "list", "min_items": 1, "block": {
                    "description": "Must.",
                    "attributes": {"z": attr(json!("string"), &["required"], "Z.")}
                }}
            }
        })
    }

    struct Repo {
        dir: tempfile::TempDir,
    }

    impl Repo {
        fn new() -> Repo {
            Repo {
                dir: tempfile::tempdir().expect("tempdir"),
            }
        }
        fn write(&self, rel: &str, text: &str) {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        fn render(&self, schema: &Json) -> Result<Files, String> {
            render(
                schema,
                &self.dir.path().join("examples"),
                &self.dir.path().join("docs/guides"),
            )
        }
    }

    fn page_of<'a>(files: &'a Files, path: &str) -> &'a str {
        files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("{path} not rendered: {:?}", files.keys()))
    }

    #[test]
    fn pages_are_named_like_tfplugindocs() {
        let files = Repo::new().render(&schema(thing())).expect("render");
        let names: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "docs/data-sources/thing.md",
                "docs/index.md",
                "docs/resources/thing.md"
            ]
        );
        let page = page_of(&files, "docs/resources/thing.md");
        assert!(page.starts_with(&format!(
            "---\n{GENERATED}\npage_title: \"genesyscloud_thing Resource - terraform-provider-genesyscloud\"\nsubcategory: \"\"\ndescription: |-\n  A thing.\n\n  With two paragraphs.\n---\n\n# genesyscloud_thing (Resource)\n\nA thing.\n\nWith two paragraphs.\n\n## Schema\n"
        )), "{page}");
        let data = page_of(&files, "docs/data-sources/thing.md");
        assert!(
            data.contains("# genesyscloud_thing (Data Source)"),
            "{data}"
        );
        assert!(!data.contains("## Import"), "{data}");
    }

    #[test]
    fn attributes_are_grouped_and_sorted() {
        let files = Repo::new().render(&schema(thing())).expect("render");
        let page = page_of(&files, "docs/resources/thing.md");
        let expected = "### Required\n\n\
            - `alpha` (Number) Alpha.\n\
            - `must` (Block List, Min: 1) Must. (see [below for nested schema](#nestedblock--must))\n\
            - `zeta` (String) Zeta.\n\n\
            ### Optional\n\n\
            - `flag` (Boolean) Flag.\n\
            - `labels` (Map of String) Labels.\n\
            - `mode` (String) Mode.\n\
            - `old` (List of String, Deprecated) Old.\n\
            - `outer` (Block List, Max: 1) Outer. (see [below for nested schema](#nestedblock--outer))\n\
            - `secret` (String, Sensitive) Secret.\n\n\
            ### Read-Only\n\n\
            - `id` (String) Id.\n";
        assert!(page.contains(expected), "{page}");
    }

    #[test]
    fn nested_blocks_get_anchors_and_sections() {
        let files = Repo::new().render(&schema(thing())).expect("render");
        let page = page_of(&files, "docs/resources/thing.md");
        let expected = "<a id=\"nestedblock--outer\"></a>\n### Nested Schema for `outer`\n\n\
            Optional:\n\n\
            - `inner` (Block Set) Inner. (see [below for nested schema](#nestedblock--outer--inner))\n\
            - `x` (String) X.\n\n\
            <a id=\"nestedblock--outer--inner\"></a>\n### Nested Schema for `outer.inner`\n\n\
            Required:\n\n\
            - `y` (Set of String) Y.\n";
        assert!(page.contains(expected), "{page}");
        let must = page.find("nestedblock--must\"").expect("must section");
        let outer = page.find("nestedblock--outer\"").expect("outer section");
        assert!(must < outer, "sections follow the listing order: {page}");
        let data = page_of(&files, "docs/data-sources/thing.md");
        let objects = "- `parts` (Set of Object) Parts. (see [below for nested schema](#nestedatt--parts))\n\n\
            <a id=\"nestedatt--parts\"></a>\n### Nested Schema for `parts`\n\n\
            Read-Only:\n\n\
            - `a` (Number)\n\
            - `b` (String)\n";
        assert!(data.contains(objects), "{data}");
    }

    #[test]
    fn deprecated_resources_and_blocks_say_so() {
        let mut resource = thing();
        resource["deprecated"] = json!(true);
        resource["block_types"]["outer"]["block"]["deprecated"] = json!(true);
        let files = Repo::new().render(&schema(resource)).expect("render");
        let page = page_of(&files, "docs/resources/thing.md");
        assert!(
            page.contains("With two paragraphs.\n\n~> **Deprecated:** this resource is deprecated and will be removed.\n\n## Schema"),
            "{page}"
        );
        assert!(
            page.contains("- `outer` (Block List, Max: 1, Deprecated) Outer."),
            "{page}"
        );
    }

    #[test]
    fn missing_descriptions_are_listed() {
        let mut resource = thing();
        resource["attributes"]["zeta"]["description"] = json!("  ");
        resource["attributes"]["alpha"]
            .as_object_mut()
            .expect("object")
            .remove("description");
        resource["block_types"]["outer"]["block"]["block_types"]["inner"]["block"]["description"] =
            json!("");
        let err = Repo::new()
            .render(&schema(resource))
            .expect_err("descriptions are missing");
        for needle in [
            "resource genesyscloud_thing: attribute `alpha` has no description",
            "resource genesyscloud_thing: attribute `zeta` has no description",
            "resource genesyscloud_thing: block `outer.inner` has no description",
        ] {
            assert!(err.contains(needle), "{needle:?} not in:\n{err}");
        }
    }

    #[test]
    fn a_schema_without_a_description_fails() {
        let mut resource = thing();
        resource
            .as_object_mut()
            .expect("object")
            .remove("description");
        let err = Repo::new().render(&schema(resource)).expect_err("fails");
        assert!(
            err.contains("resource genesyscloud_thing: the schema has no description"),
            "{err}"
        );
    }

    #[test]
    fn examples_and_import_are_included() {
        let repo = Repo::new();
        repo.write(
            "examples/resources/genesyscloud_thing/resource.tf",
            "resource \"genesyscloud_thing\" \"x\" {}\n\n",
        );
        repo.write(
            "examples/resources/genesyscloud_thing/import.sh",
            "terraform import genesyscloud_thing.x 42\n",
        );
        repo.write(
            "examples/data-sources/genesyscloud_thing/data-source.tf",
            "data \"genesyscloud_thing\" \"x\" {}\n",
        );
        repo.write(
            "examples/provider/provider.tf",
            "provider \"genesyscloud\" {}\n",
        );
        let files = repo.render(&schema(thing())).expect("render");
        let page = page_of(&files, "docs/resources/thing.md");
        assert!(page.contains("## Example Usage\n\n```terraform\nresource \"genesyscloud_thing\" \"x\" {}\n```\n\n## Schema"), "{page}");
        assert!(page.ends_with("## Import\n\nImport is supported using the following syntax:\n\n```shell\nterraform import genesyscloud_thing.x 42\n```\n"), "{page}");
        let data = page_of(&files, "docs/data-sources/thing.md");
        assert!(
            data.contains("```terraform\ndata \"genesyscloud_thing\" \"x\" {}\n```"),
            "{data}"
        );
        let index = page_of(&files, "docs/index.md");
        assert!(
            index.contains("## Example Usage\n\n```terraform\nprovider \"genesyscloud\" {}\n```"),
            "{index}"
        );
    }

    #[test]
    fn the_index_lists_guides_by_title() {
        let repo = Repo::new();
        repo.write(
            "docs/guides/b.md",
            "---\npage_title: \"Alpha guide\"\nsubcategory: \"Guides\"\ndescription: |-\n  First.\n---\n\n# Alpha\n",
        );
        repo.write(
            "docs/guides/a.md",
            "---\npage_title: \"Beta guide\"\nsubcategory: \"Guides\"\ndescription: \"Second.\"\n---\n",
        );
        let files = repo.render(&schema(thing())).expect("render");
        let index = page_of(&files, "docs/index.md");
        assert!(index.starts_with(&format!("---\n{GENERATED}\npage_title: \"genesyscloud Provider\"\nsubcategory: \"\"\ndescription: |-\n  The provider.\n---\n\n# genesyscloud Provider\n\nThe provider.\n\n")), "{index}");
        let url = guide_url("");
        let list = format!("- [Alpha guide]({url}b)\n- [Beta guide]({url}a)\n\n## Schema");
        assert!(index.contains(&list), "{index}");
        assert!(
            index.contains("### Optional\n\n- `token` (String, Sensitive) A token.\n"),
            "{index}"
        );
    }

    #[test]
    fn guides_need_complete_frontmatter() {
        let repo = Repo::new();
        repo.write("docs/guides/none.md", "# No frontmatter\n");
        repo.write(
            "docs/guides/partial.md",
            "---\npage_title: \"Partial\"\nsubcategory: \"\"\n---\n",
        );
        let err = repo
            .render(&schema(thing()))
            .expect_err("guides are incomplete");
        assert!(
            err.contains("guide none.md: does not start with --- frontmatter ---"),
            "{err}"
        );
        assert!(
            err.contains(
                "guide partial.md: frontmatter needs subcategory: \"Guides\", a description"
            ),
            "{err}"
        );
    }

    #[test]
    fn malformed_schema_json_is_an_error_not_a_panic() {
        let mut resource = thing();
        resource["attributes"]["zeta"]["type"] = json!(["frobnicate", "string"]);
        resource["block_types"] = json!("nope");
        let err = Repo::new().render(&schema(resource)).expect_err("fails");
        assert!(err.contains("unknown type kind \"frobnicate\""), "{err}");
        assert!(err.contains("`block_types` is not an object"), "{err}");
        let err = Repo::new().render(&json!({})).expect_err("fails");
        assert!(err.contains("no provider_schemas entry"), "{err}");
    }

    #[test]
    fn frontmatter_parsing() {
        let fields = parse_frontmatter(
            "---\n# comment\npage_title: \"T\"\ndescription: |-\n  one\n  two\nsubcategory: \"Guides\"\n---\nbody",
        )
        .expect("frontmatter");
        assert_eq!(fields["page_title"], "T");
        assert_eq!(fields["description"], "one\ntwo\n");
        assert_eq!(fields["subcategory"], "Guides");
        assert_eq!(
            parse_frontmatter("---\npage_title: x\n"),
            None,
            "unterminated"
        );
    }

    #[test]
    fn differences_name_stale_missing_and_extra_pages() {
        let repo = Repo::new();
        let root = repo.dir.path();
        repo.write("docs/index.md", "old\n");
        repo.write("docs/resources/gone.md", "old\n");
        repo.write("docs/resources/same.md", "same\n");
        let files: Files = [
            ("docs/index.md", "new\n"),
            ("docs/resources/same.md", "same\n"),
            ("docs/data-sources/new.md", "new\n"),
        ]
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
        assert_eq!(
            differences(root, &files),
            [
                "missing: docs/data-sources/new.md",
                "stale:   docs/index.md",
                "extra:   docs/resources/gone.md (no such type in the schema)"
            ]
        );
        write_docs(root, &files);
        assert!(differences(root, &files).is_empty());
        assert!(!root.join("docs/resources/gone.md").exists());
    }
}
