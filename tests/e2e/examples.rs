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
    for file in files {
        let body = std::fs::read_to_string(&file).expect("read example");
        let tf = Tf::new("http://127.0.0.1:9");
        if body.contains("required_providers") {
            // A complete configuration (the demo, the module): validated in
            // place within a copy of examples/, so relative module sources
            // resolve as they do for users.
            copy_tree(&root, &tf.path().join("examples"));
            let dir = file
                .parent()
                .and_then(|d| d.strip_prefix(&root).ok())
                .expect("example dir");
            let chdir = format!("-chdir=examples/{}", dir.display());
            for args in [
                vec![chdir.as_str(), "init", "-no-color"],
                vec![chdir.as_str(), "validate", "-no-color"],
            ] {
                let out = tf.run_raw(&args);
                assert!(
                    out.status.success(),
                    "{} does not validate:\n{}",
                    file.display(),
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
