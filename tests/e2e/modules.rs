//! The reusable modules in `examples/modules`, tested as their users test
//! them: `terraform init` (the provider from the mirror) and
//! `terraform test` in each module. Its mocked plan tests run with no
//! server reachable; its apply test runs against the emulator and an
//! OpenBao dev server started here, the provider configured from the
//! environment only. A refusal test whose `expect_failures` is taken out
//! must fail with the module's own validation message.

use std::path::{Path, PathBuf};

use crate::harness::{assert_absent, emulator, flat, text, Tf, ADMIN_SECRET};
use crate::vault::{Bao, ROOT_TOKEN};

/// Nothing listens there: the mocked tests must not need a server.
const NOWHERE: &str = "http://127.0.0.1:9";

fn module_dir(module: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/modules")
        .join(module)
}

/// `terraform test` with a filter; its output whatever the exit code.
fn terraform_test(tf: &Tf, file: &str) -> std::process::Output {
    tf.run_raw(&["test", "-no-color", &format!("-filter=tests/{file}")])
}

/// The `error_message` of variable `name`'s validation in `variables.tf`
/// (each variable of the modules has at most one), unescaped.
fn validation_message(variables_tf: &str, name: &str) -> String {
    let block = variables_tf
        .split_once(&format!("variable \"{name}\" {{"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("variable {name} is not declared"));
    let block = block.split("\nvariable ").next().unwrap_or(block);
    let quoted = block
        .split_once("error_message = \"")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("variable {name} has no validation"));
    let mut message = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return message,
            '\\' => message.extend(chars.next()),
            c => message.push(c),
        }
    }
    panic!("unterminated error_message of variable {name}")
}

/// Runs the module's tests: the mocked ones with nothing reachable, each
/// of `refused` with its `expect_failures` taken out (it must fail with
/// the variable's own message), then the apply test against the emulator
/// and OpenBao. Returns how many clients it made and deleted.
fn run_module_tests(module: &str, refused: &[&str]) -> usize {
    let source = module_dir(module);
    let mut tf = Tf::new(NOWHERE);
    tf.env("VAULT_ADDR", NOWHERE).env("VAULT_TOKEN", "unused");
    crate::harness::copy_tree(&source, tf.path());
    tf.init();

    let out = terraform_test(&tf, "plan.tftest.hcl");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains(" 0 failed"),
        "{module}: the mocked tests fail:\n{}",
        text(&out)
    );

    let plan_tests = std::fs::read_to_string(source.join("tests/plan.tftest.hcl")).expect("read");
    let variables = std::fs::read_to_string(source.join("variables.tf")).expect("read");
    for variable in refused {
        let expect = format!("expect_failures = [var.{variable}]");
        assert!(
            plan_tests.contains(&expect),
            "{module}: no test expects var.{variable} to be refused"
        );
        let without = plan_tests.replacen(&expect, "", 1);
        std::fs::write(tf.path().join("tests/plan.tftest.hcl"), without).expect("write");
        let out = terraform_test(&tf, "plan.tftest.hcl");
        let message = validation_message(&variables, variable);
        assert!(
            !out.status.success() && flat(&text(&out)).contains(&flat(&message)),
            "{module}: without expect_failures, the refusal of var.{variable} must fail \
             with the module's message {message:?}:\n{}",
            text(&out)
        );
    }
    std::fs::write(tf.path().join("tests/plan.tftest.hcl"), &plan_tests).expect("restore");

    let emu = emulator();
    let bao = Bao::start();
    tf.env("GENESYS_BASE_URL", &emu.base_url())
        .env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    let out = terraform_test(&tf, "apply.tftest.hcl");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains(" 0 failed"),
        "{module}: the apply test fails:\n{}",
        text(&out)
    );
    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.into());
    needles.push(ROOT_TOKEN.into());
    assert_absent("terraform test output", &text(&out), &needles);
    let live: Vec<String> = emu
        .clients()
        .into_iter()
        .filter(|c| c.state != "deleted")
        .map(|c| c.name)
        .collect();
    assert!(
        live.is_empty(),
        "{module}: terraform test destroys the clients it applied: {live:?}"
    );
    assert_eq!(
        bao.call("LIST", "secret/metadata/tftest/genesys/oauth", None)
            .0,
        404,
        "{module}: the Vault entry is deleted with the sink"
    );
    emu.request_count("DELETE", "/api/v2/oauth/clients/")
}

#[test]
fn the_single_client_module_passes_its_terraform_tests() {
    let deleted = run_module_tests(
        "oauth-client-in-vault",
        &["vault_path_prefix", "rotation_period"],
    );
    assert_eq!(deleted, 1, "one client applied, then destroyed");
}

#[test]
fn the_pair_module_passes_its_terraform_tests() {
    let deleted = run_module_tests(
        "oauth-client-pair-in-vault",
        &["client_names", "vault_path_prefix", "rotation_period"],
    );
    assert_eq!(deleted, 2, "two clients applied, then destroyed");
}
