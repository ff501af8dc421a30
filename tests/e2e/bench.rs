//! `scripts/bench.sh` keeps working: a smoke run with three clients (the
//! real benchmark is too slow for the suite). It checks that the script
//! ends well and prints its figures, never how fast anything was.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::harness::text;

/// Builds `bin` of the workspace package `package` (the e2e tests use the
/// emulator as a library; the floor provider is a tool of the benchmark) and
/// returns its path, as Cargo reports it.
fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "--message-format=json-render-diagnostics",
            "-p",
            package,
            "--bin",
            bin,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "building {bin} failed:\n{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .find(|p| p.file_stem().is_some_and(|s| s == bin))
        .unwrap_or_else(|| panic!("cargo names the executable of {bin}"))
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
        .env(
            "BENCH_EMULATOR",
            workspace_binary("genesys-emulator", "genesys-emulator"),
        )
        .env(
            "BENCH_FLOOR",
            workspace_binary("floor-provider", "floor-provider"),
        )
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
        "(our schemas, 0 requests)",
        "ours / floor provider",
        "ours / plugin floor",
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
    // Vault, on the sinks' entries: to create, the metadata read, the claim,
    // the write and the read-back; a no-change plan, the metadata read.
    for (phase, entries) in [("ours apply, Vault:", 12), ("ours plan, Vault:", 3)] {
        let line = printed
            .lines()
            .find_map(|l| l.strip_prefix(phase))
            .map(str::trim_start);
        assert!(
            line.is_some_and(|l| l.starts_with(&format!("{entries} on the sinks' entries"))),
            "{phase} should count {entries} requests on the sinks' entries:\n{printed}"
        );
    }
    // An ephemeral open: one read of its entry and one token exchange
    // (the verify), no Genesys API call; the process's token and mount
    // look-ups besides.
    let ephemeral = printed
        .lines()
        .find_map(|l| l.strip_prefix("ephemeral, 3 opens:"))
        .unwrap_or_default();
    assert!(
        ephemeral.contains("Vault 3 on the entries (1.00 per open)")
            && ephemeral.contains("3 token exchanges (1.00 per open), 0 Genesys API calls"),
        "3 ephemeral opens should read 3 entries and exchange 3 times:\n{printed}"
    );
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
