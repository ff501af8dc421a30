//! Drives the real Terraform CLI against the provider binary, installed the
//! way users get it: the release zip, made by the project's packaging
//! command, in a filesystem mirror.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value as Json;

/// Registry namespace the tests install the provider under.
pub const NAMESPACE: &str = "genesys-vault";
/// Provider version (the crate's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Admin credentials the emulator accepts and the provider is given.
pub const ADMIN_ID: &str = "e2e-admin-client";
/// See [`ADMIN_ID`].
pub const ADMIN_SECRET: &str = "e2e-admin-secret-5f1d0c";

/// The Terraform CLI, or a failure that says it is missing.
pub fn terraform() -> PathBuf {
    for candidate in ["/usr/local/bin/terraform", "/usr/bin/terraform"] {
        if Path::new(candidate).is_file() {
            return PathBuf::from(candidate);
        }
    }
    if let Ok(out) = Command::new("terraform").arg("version").output() {
        if out.status.success() {
            return PathBuf::from("terraform");
        }
    }
    panic!(
        "the Terraform CLI was not found (looked at /usr/local/bin/terraform and PATH): \
         the end-to-end tests need Terraform 1.11; install it and run again"
    );
}

/// Where this test process packs the provider.
pub struct Packaged {
    /// The release assets, named as GoReleaser names them.
    pub dist: PathBuf,
    /// The CLI configuration that points Terraform at the mirror.
    pub cli_config: PathBuf,
}

/// Packs the provider binary (once per test run) with the project's own
/// packaging command, `scripts/package.sh`, into release assets and a
/// filesystem mirror, and writes a CLI config that installs from it.
pub fn packaged() -> &'static Packaged {
    static PACKAGED: OnceLock<Packaged> = OnceLock::new();
    PACKAGED.get_or_init(|| {
        package(
            Path::new(env!("CARGO_BIN_EXE_terraform-provider-genesyscloud")),
            &mirror_root(),
        )
    })
}

/// Packs `binary` with `scripts/package.sh` under `root` (release assets
/// in `dist`, a filesystem mirror, the CLI config that installs from it),
/// under this crate's version.
pub fn package(binary: &Path, root: &Path) -> Packaged {
    let dist = root.join("dist");
    let cli_config = root.join("terraform.tfrc");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/package.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("--binary")
        .arg(binary)
        .arg("--dist")
        .arg(&dist)
        .arg("--mirror")
        .arg(root.join("mirror"))
        .arg("--namespace")
        .arg(NAMESPACE)
        .arg("--cli-config")
        .arg(&cli_config)
        .output()
        .expect("run scripts/package.sh");
    assert!(
        out.status.success(),
        "scripts/package.sh failed for {}:\n{}",
        binary.display(),
        text(&out)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), VERSION);
    Packaged { dist, cli_config }
}

/// This test process's own packaging directory (two test runs at once must
/// not share one). Directories left by runs that have ended are removed.
fn mirror_root() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let stale = name
                .strip_prefix("e2e-mirror-")
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let root = tmp.join(format!("e2e-mirror-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    root
}

/// The provider block every test configuration starts with.
pub fn provider_block() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    genesyscloud = {{\n      source  = \"{NAMESPACE}/genesyscloud\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\nprovider \"genesyscloud\" {{}}\n"
    )
}

/// A Terraform working directory with its own environment.
pub struct Tf {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Tf {
    /// A new directory whose provider talks to the emulator at `base_url`.
    pub fn new(base_url: &str) -> Tf {
        let dir = tempfile::Builder::new()
            .prefix("gcvs-e2e-")
            .tempdir()
            .expect("tempdir");
        Tf {
            dir,
            env: vec![
                ("GENESYS_BASE_URL".into(), base_url.into()),
                ("GENESYSCLOUD_OAUTHCLIENT_ID".into(), ADMIN_ID.into()),
                (
                    "GENESYSCLOUD_OAUTHCLIENT_SECRET".into(),
                    ADMIN_SECRET.into(),
                ),
            ],
        }
    }

    /// Sets an environment variable for every later command.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Removes an environment variable.
    pub fn unset(&mut self, key: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `main.tf` with these provider attributes.
    pub fn write_config_with_provider(&self, provider_attrs: &str, body: &str) {
        let header = provider_block().replace(
            "provider \"genesyscloud\" {}",
            &format!("provider \"genesyscloud\" {{\n{provider_attrs}\n}}"),
        );
        std::fs::write(self.path().join("main.tf"), format!("{header}\n{body}"))
            .expect("write main.tf");
    }

    /// Writes `main.tf` (the provider block is prepended).
    pub fn write_config(&self, body: &str) {
        std::fs::write(
            self.path().join("main.tf"),
            format!("{}\n{body}", provider_block()),
        )
        .expect("write main.tf");
    }

    /// Runs terraform with these arguments; returns its output whatever the exit code.
    pub fn run_raw(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run terraform")
    }

    /// Starts terraform with these arguments without waiting for it (its
    /// output is piped, for `wait_with_output`).
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start terraform")
    }

    /// The terraform command, in this directory, with this environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(terraform());
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &packaged().cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PATH");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs terraform and fails the test, with its output, unless it succeeds.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.run_raw(args);
        if !out.status.success() {
            panic!(
                "terraform {} failed ({}):\n{}",
                args.join(" "),
                out.status,
                text(&out)
            );
        }
        out
    }

    /// Runs terraform and fails the test, with its output, if it succeeds
    /// (the scenarios that must be refused).
    pub fn run_failing(&self, args: &[&str]) -> Output {
        let out = self.run_raw(args);
        assert!(
            !out.status.success(),
            "terraform {} should have failed:\n{}",
            args.join(" "),
            text(&out)
        );
        out
    }

    /// `terraform init`.
    pub fn init(&self) {
        self.run(&["init", "-no-color"]);
    }

    /// `plan -out` then `show -json` of that plan.
    pub fn plan_json(&self, extra: &[&str]) -> Json {
        let mut args = vec!["plan", "-no-color", "-out=tfplan"];
        args.extend_from_slice(extra);
        self.run(&args);
        let out = self.run(&["show", "-json", "tfplan"]);
        serde_json::from_slice(&out.stdout).expect("plan JSON")
    }

    /// Applies the saved plan.
    pub fn apply_plan(&self) -> Output {
        self.run(&["apply", "-no-color", "tfplan"])
    }

    /// `apply -auto-approve`.
    pub fn apply(&self, extra: &[&str]) -> Output {
        let mut args = vec!["apply", "-no-color", "-auto-approve"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `show -json` of the state.
    pub fn state_json(&self) -> Json {
        let out = self.run(&["show", "-json"]);
        serde_json::from_slice(&out.stdout).expect("state JSON")
    }

    /// The raw state file.
    pub fn state_text(&self) -> String {
        std::fs::read_to_string(self.path().join("terraform.tfstate")).unwrap_or_default()
    }

    /// Fails unless a plan is empty, and again after a refresh-only apply.
    pub fn assert_no_changes(&self) {
        for round in ["after apply", "after refresh-only apply"] {
            let out = self.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "plan {round} is not empty:\n{}",
                text(&out)
            );
            if round == "after apply" {
                self.run(&["apply", "-no-color", "-auto-approve", "-refresh-only"]);
            }
        }
    }

    /// `destroy -auto-approve`.
    pub fn destroy(&self) {
        self.run(&["destroy", "-no-color", "-auto-approve"]);
    }
}

/// stdout and stderr of a command, for failure messages and scans.
pub fn text(out: &Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Command output as one line: Terraform's diagnostic frame (`│`) removed
/// and every run of white space made one space, so that a long message
/// can be looked for whatever the width it was wrapped to.
pub fn flat(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The actions planned for one resource address, e.g. `["create"]`.
pub fn actions(plan: &Json, address: &str) -> Vec<String> {
    plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|rc| rc["address"] == address)
        .map(|rc| {
            rc["change"]["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| panic!("{address} is not in the plan: {plan}"))
}

/// The state values of one resource address.
pub fn values<'a>(state: &'a Json, address: &str) -> &'a Json {
    state["values"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .map(|r| &r["values"])
        .unwrap_or_else(|| panic!("{address} is not in the state: {state}"))
}

/// Diagnostics of `terraform validate -json`.
pub fn validate_diagnostics(tf: &Tf) -> Vec<Json> {
    let out = tf.run_raw(&["validate", "-json", "-no-color"]);
    let v: Json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("validate JSON:\n{}", text(&out)));
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// Fails when any of `needles` occurs in `haystack`.
pub fn assert_absent(what: &str, haystack: &str, needles: &[String]) {
    for n in needles {
        assert!(n.len() >= 8, "needle too short to be meaningful");
        assert!(
            !haystack.contains(n.as_str()),
            "{what} contains a secret or token issued by the emulator"
        );
    }
}

/// Copies a directory tree (examples into a working directory).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Emulator settings with the admin client the harness's `Tf` logs in as.
pub fn emulator_config() -> genesys_emulator::EmulatorConfig {
    genesys_emulator::EmulatorConfig {
        admin_client_id: ADMIN_ID.into(),
        admin_client_secret: ADMIN_SECRET.into(),
        ..Default::default()
    }
}

/// An emulator on a runtime of its own, with [`emulator_config`].
pub fn emulator() -> genesys_emulator::Emulator {
    genesys_emulator::Emulator::start_blocking(emulator_config()).expect("start emulator")
}
