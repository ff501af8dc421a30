//! The `## Schema` section of a page: attributes and nested blocks grouped as
//! Required / Optional / Read-Only, then a section for each nested block or
//! object-typed attribute, in the format `tfplugindocs` writes.

use std::collections::BTreeMap;

use crate::schema::{Attr, Block, CtyType, NestedBlock};

/// Where an attribute or block is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    /// Must be configured.
    Required,
    /// May be configured (including optional and computed).
    Optional,
    /// Set by the provider only.
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
    /// The schema of a nested block at `path` (names from the top block).
    Block { path: Vec<String>, block: &'a Block },
    /// The fields of an object-typed attribute at `path`, all listed in the
    /// attribute's `group`.
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
pub(crate) fn schema_section(block: &Block) -> Vec<String> {
    let mut out = vec!["## Schema".to_string()];
    let (paragraphs, nested) = listing(block, &[], true);
    out.extend(paragraphs);
    for n in nested {
        nested_section(n, &mut out);
    }
    out
}
