//! The committed Registry docs (`docs/index.md`, `docs/resources`,
//! `docs/data-sources`) are what `tools/docgen` renders from the provider
//! schema, `examples/` and `docs/guides`; `scripts/docs.sh` regenerates them.

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
