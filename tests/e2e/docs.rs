//! The committed Registry docs (`docs/index.md`, `docs/resources`,
//! `docs/data-sources`) are what `tools/docgen` renders from the provider
//! schema, `examples/` and `docs/guides`; `scripts/docs.sh` regenerates them.
//! An attribute's replacement rule is said once, exception included, and the
//! provider page and the Terraform Cloud guide list the same permissions.

use std::path::Path;

use serde_json::Value as Json;

use crate::harness::Tf;

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = docgen::render(&provider_schema_json(), root).unwrap_or_else(|e| panic!("{e}"));
    let diff = docgen::differences(root, &files).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = diff.iter().map(ToString::to_string).collect();
    assert!(
        lines.is_empty(),
        "the docs do not match the provider schema and examples:\n  {}\nrun scripts/docs.sh to regenerate them",
        lines.join("\n  ")
    );
}

/// The attribute lines (`- \`name\` (Type) …`) of the committed pages.
fn attribute_lines(root: &Path) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for dir in ["docs/resources", "docs/data-sources"] {
        for entry in std::fs::read_dir(root.join(dir))
            .expect("docs dir")
            .flatten()
        {
            let page = entry.file_name().to_string_lossy().to_string();
            let text = std::fs::read_to_string(entry.path()).expect("read page");
            lines.extend(
                text.lines()
                    .filter(|l| l.starts_with("- `"))
                    .map(|l| (page.clone(), l.to_string())),
            );
        }
    }
    let index = std::fs::read_to_string(root.join("docs/index.md")).expect("index");
    lines.extend(
        index
            .lines()
            .filter(|l| l.starts_with("- `"))
            .map(|l| ("index.md".to_string(), l.to_string())),
    );
    lines
}

#[test]
fn an_attribute_says_its_replacement_rule_once_with_its_exception() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lines = attribute_lines(root);
    assert!(lines
        .iter()
        .any(|(_, l)| l.contains("Changing it replaces the resource")));
    for (page, line) in lines {
        let said = line.matches("replaces the").count();
        assert!(said <= 1, "{page}: replacement said {said} times: {line}");
        // The bare sentence is the whole rule: an exception said elsewhere
        // on the line contradicts it (the rule's exception belongs in the
        // same sentence: `Entry::replaces_except`).
        if line.contains("Changing it replaces the resource.") {
            assert!(
                !line.contains("except") && !line.contains("does not replace"),
                "{page}: 'Changing it replaces the resource.' beside an exception: {line}"
            );
        }
    }
}

#[test]
fn the_terraform_cloud_guide_lists_the_permissions_of_the_provider_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let section =
        std::fs::read_to_string(root.join("examples/provider/permissions.md")).expect("read");
    let table: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 3, "no permissions table in {section}");
    let guide =
        std::fs::read_to_string(root.join("docs/guides/terraform-cloud.md")).expect("read guide");
    let index = std::fs::read_to_string(root.join("docs/index.md")).expect("read index");
    for row in table {
        assert!(
            guide.contains(row),
            "the Terraform Cloud guide lacks: {row}"
        );
        assert!(index.contains(row), "the provider page lacks: {row}");
    }
}
