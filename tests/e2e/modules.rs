//! The reusable modules in `examples/modules`, tested as their users test
//! them: `terraform init` (the provider from the mirror) and
//! `terraform test` in each module. The mocked plan tests run with no
//! server reachable; the apply test runs against the emulator and an
//! OpenBao dev server started here, the provider configured from the
//! environment only. A refusal test whose `expect_failures` is taken out
//! must fail with the module's own validation message. The validations
//! that restate a provider rule (Vault mount and path, rotation period)
//! are evaluated by Terraform over samples and compared with the rule.

use std::path::{Path, PathBuf};

use terraform_provider_genesyscloud::vault::KvPath;
use terraform_provider_genesyscloud::vault_secret::rules::parse_period;

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

/// The `validation` block of variable `name` in `variables.tf`: the
/// modules give a variable one at most, so that a refusal names one rule.
fn validation_block<'a>(variables_tf: &'a str, name: &str) -> &'a str {
    let block = variables_tf
        .split_once(&format!("variable \"{name}\" {{"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("variable {name} is not declared"));
    let block = block.split("\nvariable ").next().unwrap_or(block);
    assert!(
        block.matches("validation {").count() <= 1,
        "variable {name} has more than one validation block"
    );
    block
        .split_once("validation {")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("variable {name} has no validation"))
}

/// The `error_message` of variable `name`'s validation, unescaped.
fn validation_message(variables_tf: &str, name: &str) -> String {
    let quoted = validation_block(variables_tf, name)
        .split_once("error_message = \"")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("variable {name} has no error_message"));
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

/// The condition of variable `name`'s validation, with `var.<name>`
/// written `v`.
fn validation_condition(variables_tf: &str, name: &str) -> String {
    let block = validation_block(variables_tf, name);
    let condition = block
        .split_once("condition")
        .and_then(|(_, rest)| rest.split_once('='))
        .and_then(|(_, rest)| rest.split_once("error_message"))
        .map(|(condition, _)| condition.trim())
        .unwrap_or_else(|| panic!("variable {name}: no condition before error_message"));
    condition.replace(&format!("var.{name}"), "v")
}

/// What a module's validations say of sample values: each variable's
/// condition, evaluated by Terraform for each of its samples.
fn module_accepts(module: &str, samples: &[(&str, Vec<&str>)]) -> Vec<Vec<bool>> {
    let variables = std::fs::read_to_string(module_dir(module).join("variables.tf")).expect("read");
    let tf = Tf::new(NOWHERE);
    let mut config = String::new();
    for (i, (variable, values)) in samples.iter().enumerate() {
        let file = format!("samples{i}.json");
        std::fs::write(
            tf.path().join(&file),
            serde_json::to_string(values).expect("JSON"),
        )
        .expect("write samples");
        config.push_str(&format!(
            "output \"accepted{i}\" {{\n  value = [for v in jsondecode(file(\"{file}\")) : ({})]\n}}\n",
            validation_condition(&variables, variable)
        ));
    }
    std::fs::write(tf.path().join("main.tf"), config).expect("write main.tf");
    tf.init();
    tf.apply(&[]);
    let out = tf.run(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("outputs JSON");
    samples
        .iter()
        .enumerate()
        .map(|(i, (_, values))| {
            let said: Vec<bool> = outputs[format!("accepted{i}")]["value"]
                .as_array()
                .expect("a list of booleans")
                .iter()
                .map(|b| b.as_bool().expect("a boolean"))
                .collect();
            assert_eq!(said.len(), values.len(), "one answer per sample");
            said
        })
        .collect()
}

/// Rotation periods, well and badly formed.
const PERIODS: &[&str] = &[
    "2160h",
    "90d",
    "1h30m",
    "1h 30m",
    "1 h",
    "  2h ",
    "1s",
    "1000ms",
    "1.5h",
    "1.5 h",
    "1M",
    "3months",
    "1y",
    "2yrs",
    "1wk",
    "1hours",
    "10secs",
    "5mins",
    "1day",
    "2weeks",
    "0h0m1s",
    "1000000000ns",
    "1000000us",
    "0.3s0.7s",
    "1d2h3m4s",
    "0s",
    "0",
    "0h",
    "500ms",
    "999ms",
    "999999999ns",
    "0.0000001s",
    "1.5ns",
    "1.h",
    ".5h",
    "1h30",
    "h",
    "",
    "2H",
    "1µs",
    "1hs",
    "1mh",
    "-1h",
    "+1h",
    "1h-",
    "1e3s",
    "1,5h",
    "1_000s",
    "abc",
    "1x",
    "quarterly",
    "90 dias",
];

/// Vault mounts and paths, well and badly formed.
const PATHS: &[&str] = &[
    "secret",
    "genesys/oauth",
    "team/kv",
    "a b/c",
    "ünï/cödé",
    "a-b_c.d",
    "",
    "/a",
    "a/",
    "/",
    "a//b",
    "a/../b",
    "./a",
    "a/.",
    "..",
    "a\nb",
    "a/./b",
    "a\u{7}b",
    "a\u{85}b",
    "a\tb",
];

#[test]
fn the_modules_refuse_what_the_provider_refuses_and_only_that() {
    for module in ["oauth-client-in-vault", "oauth-client-pair-in-vault"] {
        let accepted = module_accepts(
            module,
            &[
                ("rotation_period", PERIODS.to_vec()),
                ("vault_mount", PATHS.to_vec()),
                ("vault_path_prefix", PATHS.to_vec()),
            ],
        );
        for (sample, module_says) in PERIODS.iter().zip(&accepted[0]) {
            assert_eq!(
                *module_says,
                parse_period(sample).is_ok(),
                "{module}: rotation_period {sample:?}"
            );
        }
        for (i, variable) in [(1, "vault_mount"), (2, "vault_path_prefix")] {
            for (sample, module_says) in PATHS.iter().zip(&accepted[i]) {
                assert_eq!(
                    *module_says,
                    KvPath::check("path", sample).is_ok(),
                    "{module}: {variable} {sample:?}"
                );
            }
        }
    }
}

#[test]
fn the_two_modules_check_their_common_inputs_alike() {
    let [single, pair] = ["oauth-client-in-vault", "oauth-client-pair-in-vault"]
        .map(|m| std::fs::read_to_string(module_dir(m).join("variables.tf")).expect("read"));
    for variable in [
        "name",
        "roles",
        "access_token_validity_seconds",
        "vault_mount",
        "vault_path_prefix",
        "rotation_period",
        "owner",
    ] {
        assert_eq!(
            validation_block(&single, variable).trim(),
            validation_block(&pair, variable).trim(),
            "the modules validate {variable} differently"
        );
    }
}

/// Fails unless `terraform test` ran this file and every run passed.
fn assert_passed(tf: &Tf, module: &str, file: &str) -> std::process::Output {
    let out = terraform_test(tf, file);
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains(" 0 failed"),
        "{module}: tests/{file} fails:\n{}",
        text(&out)
    );
    out
}

/// Takes out the `expect_failures` of the first run refusing `variable`
/// in the module copy at `tf`: that run must now fail with the variable's
/// own validation message. The file is restored afterwards.
fn assert_refused_with_the_module_message(tf: &Tf, module: &str, variable: &str) {
    let source = module_dir(module);
    let plan_tests = std::fs::read_to_string(source.join("tests/plan.tftest.hcl")).expect("read");
    let variables = std::fs::read_to_string(source.join("variables.tf")).expect("read");
    let expect = format!("expect_failures = [var.{variable}]");
    assert!(
        plan_tests.contains(&expect),
        "{module}: no test expects var.{variable} to be refused"
    );
    let copy = tf.path().join("tests/plan.tftest.hcl");
    std::fs::write(&copy, plan_tests.replacen(&expect, "", 1)).expect("write");
    let out = terraform_test(tf, "plan.tftest.hcl");
    std::fs::write(&copy, &plan_tests).expect("restore");
    let message = validation_message(&variables, variable);
    assert!(
        !out.status.success() && flat(&text(&out)).contains(&flat(&message)),
        "{module}: without expect_failures, the refusal of var.{variable} must fail \
         with the module's message {message:?}:\n{}",
        text(&out)
    );
}

/// Runs the module's tests: the mocked ones with nothing reachable, each
/// of `refused` with its `expect_failures` taken out, then the apply test
/// against the emulator and OpenBao. Returns how many clients it deleted.
fn run_module_tests(module: &str, refused: &[&str]) -> usize {
    let mut tf = Tf::new(NOWHERE);
    tf.env("VAULT_ADDR", NOWHERE).env("VAULT_TOKEN", "unused");
    crate::harness::copy_tree(&module_dir(module), tf.path());
    tf.init();
    assert_passed(&tf, module, "plan.tftest.hcl");
    for variable in refused {
        assert_refused_with_the_module_message(&tf, module, variable);
    }

    let emu = emulator();
    let bao = Bao::start();
    tf.env("GENESYS_BASE_URL", &emu.base_url())
        .env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    let out = assert_passed(&tf, module, "apply.tftest.hcl");
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
