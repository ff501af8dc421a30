//! The hand-written guides in `docs/guides`: their frontmatter is checked and
//! the index links them by title.

use std::collections::BTreeMap;
use std::path::Path;

use crate::disk::markdown_files;
use crate::{INDEX_INTRO, NAMESPACE, PROVIDER};

/// A hand-written guide, as the index lists it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Guide {
    /// The frontmatter's `page_title`.
    title: String,
    /// The file name without `.md`, the last part of its URL.
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

/// The guides in `dir`, sorted by title; every problem when any is malformed.
pub(crate) fn guides(dir: &Path) -> Result<Vec<Guide>, Vec<String>> {
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
pub(crate) fn index_intro(guides: &[Guide]) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_repository_guides_have_registry_frontmatter() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/guides");
        let found = guides(&dir).unwrap_or_else(|problems| panic!("{}", problems.join("\n")));
        assert!(!found.is_empty(), "no guides in {}", dir.display());
    }
}
