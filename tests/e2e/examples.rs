//! Every example directory in `examples/` runs as copied: it declares the
//! provider's registry source itself (a copy without it would look for
//! `hashicorp/genesyscloud` and fail at init), and `terraform init` from the
//! filesystem mirror and `terraform validate` succeed in it. The Registry
//! pages show these files (`tools/docgen`), so the docs' examples are these.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::harness::{copy_tree, text, Tf, NAMESPACE};

/// Every directory under `dir` that holds a `.tf` file.
fn example_dirs(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read examples").flatten() {
        let path = entry.path();
        if path.is_dir() {
            example_dirs(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.insert(dir.to_path_buf());
        }
    }
}

#[test]
fn every_example_directory_initialises_and_validates_as_copied() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs = BTreeSet::new();
    example_dirs(&root, &mut dirs);
    let relative: Vec<String> = dirs
        .iter()
        .map(|d| {
            d.strip_prefix(&root)
                .expect("under examples/")
                .display()
                .to_string()
        })
        .collect();
    for expected in [
        "provider",
        "resources/genesyscloud_oauth_client",
        "resources/genesyscloud_oauth_client_vault_secret",
        "data-sources/genesyscloud_oauth_client",
        "demo",
        "modules/oauth-client-in-vault",
        "modules/oauth-client-pair-in-vault/examples/basic",
    ] {
        assert!(
            relative.iter().any(|r| r == expected),
            "examples/{expected} was not found: {relative:?}"
        );
    }
    let source = format!("source = \"{NAMESPACE}/genesyscloud\"");
    for (dir, relative) in dirs.iter().zip(&relative) {
        assert!(
            declares(dir, &source),
            "examples/{relative} does not declare required_providers {{ genesyscloud = {{ {source} }} }}: a copy of it fails at init"
        );
        // Within a copy of examples/, so that relative module sources
        // resolve as they do for users.
        let tf = Tf::new("http://127.0.0.1:9");
        copy_tree(&root, &tf.path().join("examples"));
        let chdir = format!("-chdir=examples/{relative}");
        for args in [
            [chdir.as_str(), "init", "-no-color"],
            [chdir.as_str(), "validate", "-no-color"],
        ] {
            let out = tf.run_raw(&args);
            assert!(
                out.status.success(),
                "examples/{relative}: terraform {} failed:\n{}",
                args[1],
                text(&out)
            );
        }
    }
}

/// True when one of the directory's `.tf` files (a module keeps it in
/// `versions.tf`) declares the provider with `source` (spaces before `=`
/// aligned or not).
fn declares(dir: &Path, source: &str) -> bool {
    std::fs::read_dir(dir)
        .expect("read example dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .any(|p| {
            let body = std::fs::read_to_string(&p).expect("read example");
            let squeezed = body.split_whitespace().collect::<Vec<_>>().join(" ");
            squeezed.contains("required_providers") && squeezed.contains(source)
        })
}
