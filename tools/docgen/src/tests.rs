//! The renderer on small hand-made schemas and repositories.

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
        render(schema, self.dir.path())
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
    let objects =
        "- `parts` (Set of Object) Parts. (see [below for nested schema](#nestedatt--parts))\n\n\
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
fn ephemeral_resources_get_their_own_pages_and_examples() {
    let repo = Repo::new();
    repo.write(
        "examples/ephemeral-resources/genesyscloud_secret/ephemeral-resource.tf",
        "ephemeral \"genesyscloud_secret\" \"x\" {}\n",
    );
    let mut with_ephemeral = schema(thing());
    with_ephemeral["provider_schemas"][provider_source()]["ephemeral_resource_schemas"] = json!({
        "genesyscloud_secret": {"version": 0, "block": {
            "description": "Reads a secret.",
            "attributes": {
                "value": attr(json!("string"), &["computed", "sensitive"], "The value.")
            }
        }}
    });
    let files = repo.render(&with_ephemeral).expect("render");
    let page = page_of(&files, "docs/ephemeral-resources/secret.md");
    assert!(page.contains("page_title: \"genesyscloud_secret Ephemeral Resource - terraform-provider-genesyscloud\""), "{page}");
    assert!(
        page.contains("# genesyscloud_secret (Ephemeral Resource)"),
        "{page}"
    );
    assert!(
        page.contains("```terraform\nephemeral \"genesyscloud_secret\" \"x\" {}\n```"),
        "{page}"
    );
    assert!(
        page.contains("- `value` (String, Sensitive) The value."),
        "{page}"
    );
    assert!(!page.contains("## Import"), "{page}");
    let mut unlisted = with_ephemeral.clone();
    unlisted["provider_schemas"][provider_source()]["ephemeral_resource_schemas"]
        ["genesyscloud_secret"]["block"]["description"] = json!("");
    let error = repo.render(&unlisted).expect_err("no description");
    assert!(
        error.contains("ephemeral resource genesyscloud_secret"),
        "{error}"
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
    repo.write(
        "examples/provider/permissions.md",
        "## Permissions\n\n| a | b |\n\n",
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
        index.contains("## Example Usage\n\n```terraform\nprovider \"genesyscloud\" {}\n```\n\n## Permissions\n\n| a | b |\n\n## Schema"),
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
    let url =
        "https://registry.terraform.io/providers/genesys-vault/genesyscloud/latest/docs/guides/";
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
        err.contains("guide partial.md: frontmatter needs subcategory: \"Guides\", a description"),
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
    let lines = |root| -> Vec<String> {
        let found = differences(root, &files).expect("differences");
        found.iter().map(ToString::to_string).collect()
    };
    assert_eq!(
        lines(root),
        [
            "missing: docs/data-sources/new.md",
            "stale:   docs/index.md",
            "extra:   docs/resources/gone.md (no such type in the schema)"
        ]
    );
    write(root, &files).expect("write");
    assert!(lines(root).is_empty());
    assert!(!root.join("docs/resources/gone.md").exists());
}
