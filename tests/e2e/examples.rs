//! Every example in `examples/` is valid against the provider's schema.

use std::path::Path;

use crate::harness::{copy_tree, text, Tf};

fn example_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read examples").flatten() {
        let path = entry.path();
        if path.is_dir() {
            example_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
}

#[test]
fn every_example_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files = Vec::new();
    example_files(&root, &mut files);
    assert!(
        files.len() >= 5,
        "expected the provider, resource, data source and demo examples"
    );
    let mut validated_dirs = std::collections::BTreeSet::new();
    for file in files {
        let body = std::fs::read_to_string(&file).expect("read example");
        let dir = file.parent().expect("example dir").to_path_buf();
        let tf = Tf::new("http://127.0.0.1:9");
        if is_configuration(&dir) {
            // A complete configuration or module (the demo, the modules and
            // their examples): validated in place, once per directory,
            // within a copy of examples/, so relative module sources
            // resolve as they do for users.
            if !validated_dirs.insert(dir.clone()) {
                continue;
            }
            copy_tree(&root, &tf.path().join("examples"));
            let relative = dir.strip_prefix(&root).expect("under examples/");
            let chdir = format!("-chdir=examples/{}", relative.display());
            for args in [
                vec![chdir.as_str(), "init", "-no-color"],
                vec![chdir.as_str(), "validate", "-no-color"],
            ] {
                let out = tf.run_raw(&args);
                assert!(
                    out.status.success(),
                    "{} does not validate:\n{}",
                    dir.display(),
                    text(&out)
                );
            }
            continue;
        } else if body.trim_start().starts_with("provider ") {
            tf.write_config_with_provider("", "");
            let header = std::fs::read_to_string(tf.path().join("main.tf")).expect("read");
            let header = header.replace("provider \"genesyscloud\" {\n\n}\n", "");
            std::fs::write(tf.path().join("main.tf"), format!("{header}\n{body}")).expect("write");
        } else {
            tf.write_config(&body);
        }
        tf.init();
        let out = tf.run_raw(&["validate", "-no-color"]);
        assert!(
            out.status.success(),
            "{} does not validate:\n{}",
            file.display(),
            text(&out)
        );
    }
}

/// A directory whose `.tf` files declare their own `required_providers`
/// (in any of them: a module keeps it in `versions.tf`) is a whole
/// configuration; the other examples are snippets.
fn is_configuration(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .expect("read example dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .any(|p| {
            std::fs::read_to_string(&p)
                .expect("read example")
                .contains("required_providers")
        })
}
