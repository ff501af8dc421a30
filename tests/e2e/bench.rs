//! `scripts/bench.sh` keeps working: a smoke run with three clients (the
//! real benchmark is too slow for the suite). It checks that the script
//! ends well and prints its figures, never how fast anything was.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::harness::text;

/// Builds the emulator's binary (the e2e tests use it as a library) and
/// returns its path, as Cargo reports it.
fn emulator_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "--message-format=json-render-diagnostics",
            "-p",
            "genesys-emulator",
            "--bin",
            "genesys-emulator",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "building the emulator failed:\n{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .find(|p| p.file_stem().is_some_and(|s| s == "genesys-emulator"))
        .expect("cargo names the emulator's executable")
}

#[test]
fn the_benchmark_runs_and_prints_its_figures() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench.sh");
    let out = Command::new("bash")
        .arg(&script)
        .args(["3", "5", "5"])
        .env(
            "BENCH_PROVIDER",
            env!("CARGO_BIN_EXE_terraform-provider-genesyscloud"),
        )
        .env("BENCH_EMULATOR", emulator_binary())
        .output()
        .expect("run scripts/bench.sh");
    let printed = text(&out);
    assert!(
        out.status.success(),
        "scripts/bench.sh 3 5 5 failed:\n{printed}"
    );
    for figure in [
        "terraform_data",
        "bound",
        "ours / bound",
        "plugin floor",
        "(plan -refresh=false: 0 requests;",
        "seed recipe / ours",
        "ours apply:",
        "seed recipe apply:",
        "Vault requests",
        "per sink",
        "provider, apply:",
        "peak RSS",
        "% of the wall time",
    ] {
        assert!(printed.contains(figure), "no {figure:?} in:\n{printed}");
    }
    // One Genesys read per client in a no-change plan: a client and its
    // sink share it.
    let plan_calls = printed
        .lines()
        .find_map(|l| l.strip_prefix("ours plan:"))
        .and_then(|rest| rest.split_whitespace().next());
    assert_eq!(
        plan_calls,
        Some("3"),
        "a no-change plan of 3 clients and 3 sinks should read Genesys 3 times:\n{printed}"
    );
}
