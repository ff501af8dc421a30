//! The release assets: what `scripts/package.sh` builds here must be what
//! GoReleaser (`.goreleaser.yml`) publishes, and `terraform init` must
//! install it and pin its hash.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use yaml_rust2::{Yaml, YamlLoader};

use crate::harness::{packaged, Tf, VERSION};

const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-gnu",
];

fn goreleaser() -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".goreleaser.yml");
    let text = std::fs::read_to_string(&path).expect("read .goreleaser.yml");
    YamlLoader::load_from_str(&text)
        .expect(".goreleaser.yml is YAML")
        .into_iter()
        .next()
        .expect("one document")
}

/// Renders the handful of GoReleaser template fields the names use, for the
/// linux_amd64 build. Anything else left in braces fails the test.
fn render(template: &str, project: &str) -> String {
    let mut out = template.to_string();
    for (field, value) in [
        ("ProjectName", project),
        ("Version", VERSION),
        ("Os", "linux"),
        ("Arch", "amd64"),
    ] {
        out = out
            .replace(&format!("{{{{ .{field} }}}}"), value)
            .replace(&format!("{{{{.{field}}}}}"), value);
    }
    assert!(
        !out.contains("{{"),
        "unrendered template field in {template:?}"
    );
    out
}

fn text<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!(".goreleaser.yml: {what} must be a string"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn goreleaser_and_the_packaging_command_name_assets_alike() {
    let g = goreleaser();
    assert_eq!(
        g["version"].as_i64(),
        Some(2),
        "GoReleaser v2 configuration"
    );
    let project = text(&g["project_name"], "project_name");
    assert_eq!(project, "terraform-provider-genesyscloud");

    let build = &g["builds"][0];
    assert_eq!(text(&build["builder"], "builds[0].builder"), "rust");
    assert_eq!(text(&build["command"], "builds[0].command"), "zigbuild");
    let targets: BTreeSet<&str> = build["targets"]
        .as_vec()
        .expect("builds[0].targets")
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(targets, TARGETS.into_iter().collect());
    let flags: Vec<&str> = build["flags"]
        .as_vec()
        .into_iter()
        .flatten()
        .filter_map(Yaml::as_str)
        .collect();
    assert!(
        flags.contains(&"--package=terraform-provider-genesyscloud")
            && flags.contains(&"--release"),
        "GoReleaser's Rust builder needs --package in a workspace, and a release build: {flags:?}"
    );
    let wrapper = text(&build["tool"], "builds[0].tool");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(wrapper)
            .is_file(),
        "the cargo wrapper {wrapper} exists"
    );
    let binary = render(text(&build["binary"], "builds[0].binary"), project);

    let archive = &g["archives"][0];
    assert_eq!(archive["formats"][0].as_str(), Some("zip"));
    let zip_name = format!(
        "{}.zip",
        render(
            text(&archive["name_template"], "archives[0].name_template"),
            project
        )
    );
    let checksum = &g["checksum"];
    assert_eq!(checksum["algorithm"].as_str(), Some("sha256"));
    let sums_name = render(
        text(&checksum["name_template"], "checksum.name_template"),
        project,
    );
    let manifest = &checksum["extra_files"][0];
    assert_eq!(
        manifest["glob"].as_str(),
        Some("terraform-registry-manifest.json")
    );
    let manifest_name = render(text(&manifest["name_template"], "manifest name"), project);
    let sign = &g["signs"][0];
    assert_eq!(sign["artifacts"].as_str(), Some("checksum"));
    assert_eq!(sign["signature"].as_str(), Some("${artifact}.sig"));
    assert!(
        !sign["args"]
            .as_vec()
            .into_iter()
            .flatten()
            .any(|a| a.as_str() == Some("--armor")),
        "the Registry wants a binary signature"
    );

    // The packaging command's output, file for file.
    let dist = &packaged().dist;
    let made: BTreeSet<String> = std::fs::read_dir(dist)
        .expect("read dist")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    let expected: BTreeSet<String> = [&zip_name, &sums_name, &manifest_name]
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(made, expected);

    let zip_bytes = std::fs::read(dist.join(&zip_name)).expect("read zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip_bytes)).expect("a valid zip");
    assert_eq!(archive.len(), 1, "the zip holds the binary only");
    let mut entry = archive.by_index(0).expect("entry");
    assert_eq!(entry.name(), binary);
    assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o755));
    let mut inside = Vec::new();
    entry.read_to_end(&mut inside).expect("unzip");
    let built =
        std::fs::read(env!("CARGO_BIN_EXE_terraform-provider-genesyscloud")).expect("read binary");
    assert!(inside == built, "the zip holds the provider binary");

    let manifest_bytes = std::fs::read(dist.join(&manifest_name)).expect("manifest");
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest_bytes).expect("manifest JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // sha256sum's format, one line per asset, sorted by name.
    let sums = std::fs::read_to_string(dist.join(&sums_name)).expect("sums");
    let mut expected_sums = [
        format!("{}  {manifest_name}", sha256_hex(&manifest_bytes)),
        format!("{}  {zip_name}", sha256_hex(&zip_bytes)),
    ];
    expected_sums.sort_by_key(|l| l.split_whitespace().nth(1).map(str::to_string));
    assert_eq!(sums, format!("{}\n", expected_sums.join("\n")));
}

/// Terraform's `h1:` package hash (Go's dirhash "Hash1") of a one-file
/// package: SHA-256 over the line "<sha256 hex>  <name>\n", base64.
fn h1_of_single_file(name: &str, contents: &[u8]) -> String {
    use base64::Engine as _;
    let summary = format!("{}  {name}\n", sha256_hex(contents));
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

#[test]
fn init_installs_from_the_mirror_and_pins_the_zip_hash() {
    let tf = Tf::new("http://127.0.0.1:9");
    tf.write_config("");
    tf.init();
    let lock = std::fs::read_to_string(tf.path().join(".terraform.lock.hcl"))
        .expect("terraform init writes a lock file");
    // A filesystem mirror gives Terraform no SHA256SUMS, so it pins the
    // package's content hash (h1), which is the binary's under its name.
    let binary =
        std::fs::read(env!("CARGO_BIN_EXE_terraform-provider-genesyscloud")).expect("read binary");
    let h1 = h1_of_single_file(
        &format!("terraform-provider-genesyscloud_v{VERSION}"),
        &binary,
    );
    assert!(
        lock.contains(&format!("\"{h1}\"")),
        "the lock file records the package hash {h1}:\n{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
}
