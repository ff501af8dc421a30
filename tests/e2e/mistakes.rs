//! One mistake costs nothing: each scenario ends with the consumers'
//! credentials still working (a token exchange with what Vault holds) or an
//! error raised before any regenerate.

use genesys_emulator::Emulator;
use serde_json::json;

use crate::harness::{actions, flat, text, validate_diagnostics, values, Tf};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::{client_id, seed, setup, stored_secret, PATH, SINK};

/// Regenerates seen by the emulator (`POST …/{id}/secret`).
fn regenerates(emu: &Emulator) -> usize {
    emu.request_count("POST", "/api/v2/oauth/clients/")
}

/// The consumer's view: the credentials in Vault get a token.
fn consumer_works(emu: &Emulator, bao: &Bao) -> bool {
    let data = bao.kv_data("secret", PATH);
    token_works(
        &emu.base_url(),
        data["client_id"].as_str().unwrap_or_default(),
        data["client_secret"].as_str().unwrap_or_default(),
    )
}

/// The diagnostics of `terraform validate` that point at `attribute`.
fn validate_errors_on(tf: &Tf, attribute: &str) -> Vec<String> {
    validate_diagnostics(tf)
        .iter()
        .filter(|d| {
            d["snippet"]["code"]
                .as_str()
                .is_some_and(|c| c.contains(attribute))
        })
        .map(|d| d["summary"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn colliding_keys_bad_client_ids_and_metadata_beyond_vaults_limits_fail_validate() {
    let tf = Tf::new("http://127.0.0.1:9");
    let many: String = (0..60).map(|i| format!("    k{i} = \"v\"\n")).collect();
    tf.write_config(&format!(
        r#"
resource "genesyscloud_oauth_client_vault_secret" "keys" {{
  client_id         = "c1"
  mount             = "secret"
  path              = "a"
  client_id_key     = "same"
  client_secret_key = "same"
  extra             = {{ token_url = "x" }}
}}

resource "genesyscloud_oauth_client_vault_secret" "metadata" {{
  client_id       = ""
  mount           = "secret"
  path            = "b"
  custom_metadata = {{
{many}  }}
}}
"#
    ));
    tf.init();
    assert!(
        validate_errors_on(&tf, "client_secret_key")
            .iter()
            .any(|s| s.contains("repeats the key")),
        "{:?}",
        validate_diagnostics(&tf)
    );
    assert!(validate_errors_on(&tf, "extra")
        .iter()
        .any(|s| s.contains("already written by token_url_key")));
    assert!(validate_errors_on(&tf, "custom_metadata")
        .iter()
        .any(|s| s.contains("at most 57 fit")));
    assert!(validate_errors_on(&tf, "client_id")
        .iter()
        .any(|s| s.contains("Invalid client_id")));
}

#[test]
fn two_sinks_for_one_client_are_refused_before_any_regenerate() {
    let (emu, bao, tf) = setup();
    let second = r#"
resource "genesyscloud_oauth_client_vault_secret" "twin" {
  client_id = genesyscloud_oauth_client.ci.client_id
  mount     = "secret"
  path      = "genesys/oauth/twin"
}
"#;
    // Ids unknown at plan (the client is new): refused at apply, before the
    // second sink's regenerate.
    tf.write_config(&format!("{}{second}", seed("")));
    tf.init();
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert!(text(&out).contains("kept by two sinks"), "{}", text(&out));
    assert_eq!(regenerates(&emu), 1, "only one sink rotated");
    let twin = bao.kv_data("secret", "genesys/oauth/twin");
    let kept = if twin.is_null() {
        consumer_works(&emu, &bao)
    } else {
        token_works(
            &emu.base_url(),
            twin["client_id"].as_str().unwrap_or_default(),
            twin["client_secret"].as_str().unwrap_or_default(),
        )
    };
    assert!(kept, "the one sink that rotated holds a working secret");

    // Ids known at plan: refused by the plan itself.
    tf.write_config(&seed(""));
    tf.apply(&[]);
    assert!(consumer_works(&emu, &bao));
    let before = regenerates(&emu);
    tf.write_config(&format!("{}{second}", seed("")));
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(text(&out).contains("kept by two sinks"), "{}", text(&out));
    assert_eq!(regenerates(&emu), before);
    assert!(consumer_works(&emu, &bao));
}

#[test]
fn import_refuses_an_empty_path_and_another_clients_entry() {
    let (_emu, bao, tf) = setup();
    tf.write_config(&two_clients());
    tf.init();
    tf.apply(&[]);
    let owner = client_id(&tf);
    let other = values(&tf.state_json(), "genesyscloud_oauth_client.other")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let stray = "genesyscloud_oauth_client_vault_secret.stray";
    let with_stray = |path: &str| {
        format!(
            "{}\nresource \"genesyscloud_oauth_client_vault_secret\" \"stray\" {{\n  client_id = genesyscloud_oauth_client.other.client_id\n  mount = \"secret\"\n  path = \"{path}\"\n}}\n",
            two_clients()
        )
    };
    tf.write_config(&with_stray(PATH));
    let out = tf.run_failing(&[
        "import",
        "-no-color",
        stray,
        &format!("{other}:secret/{PATH}"),
    ]);
    let shown = text(&out);
    assert!(
        shown.contains("another OAuth client") && shown.contains(&owner),
        "{shown}"
    );
    tf.write_config(&with_stray("genesys/oauth/nothing-here"));
    let out = tf.run_failing(&[
        "import",
        "-no-color",
        stray,
        &format!("{other}:secret/genesys/oauth/nothing-here"),
    ]);
    assert!(text(&out).contains("Nothing to import"), "{}", text(&out));
    // Ids that do not follow the grammar are refused with what was wrong,
    // before Vault is asked: no colon, and the same client twice.
    for (id, said) in [
        (other.clone(), "Invalid import id"),
        (
            format!("{other},{other}:secret/{PATH}"),
            "standby_client_id is the same client as client_id",
        ),
    ] {
        let out = tf.run_failing(&["import", "-no-color", stray, &id]);
        let shown = text(&out);
        assert!(
            shown.contains("Invalid import id") && shown.contains(said),
            "{shown}"
        );
    }
    assert_eq!(
        bao.kv_metadata("secret", PATH)["custom_metadata"]["genesys-client-id"],
        owner.as_str()
    );
}

/// The seed scenario plus a second client without a sink.
fn two_clients() -> String {
    format!(
        "{}\n{}",
        seed(""),
        r#"
resource "genesyscloud_oauth_client" "other" {
  name                  = "other"
  authorized_grant_type = "CLIENT-CREDENTIALS"
}
"#
    )
}

#[test]
fn a_base_url_that_answers_404_changes_nothing() {
    let (emu, bao, mut tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let state_before = tf.state_text();
    // OpenBao answers 404 (not JSON Genesys would send) to every Genesys path.
    tf.env("GENESYS_BASE_URL", &bao.addr);
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(
        !text(&out).contains("has been deleted"),
        "a failed login must not read as a deleted client:\n{}",
        text(&out)
    );
    tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert_eq!(tf.state_text(), state_before, "state intact");
    tf.env("GENESYS_BASE_URL", &emu.base_url());
    tf.assert_no_changes();
    assert_eq!(emu.clients().len(), 1, "no second client");
    assert!(consumer_works(&emu, &bao));
}

#[test]
fn a_client_deleted_outside_terraform_replaces_its_sink() {
    let (emu, bao, tf) = setup();
    // Deleted right after its creation, the client's 404 is first taken for
    // propagation: a short window keeps the test short.
    tf.write_config_with_provider("consistency_timeout_seconds = 3", &seed(""));
    tf.init();
    tf.apply(&[]);
    let old = client_id(&tf);
    assert!(emu.delete_client(&old));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["create"]);
    assert_eq!(actions(&plan, SINK), ["delete", "create"]);
    tf.apply_plan();
    let new = client_id(&tf);
    assert_ne!(new, old);
    assert_eq!(
        bao.kv_data("secret", PATH)["client_id"],
        json!(new),
        "the entry now holds the new client"
    );
    assert!(!stored_secret(&bao).is_empty());
    assert!(consumer_works(&emu, &bao));
    tf.assert_no_changes();
}

#[test]
fn a_literal_client_id_that_is_deleted_plans_a_replacement_not_a_drop() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    // The sink alone, naming the client by its id.
    tf.run(&["state", "rm", "genesyscloud_oauth_client.ci"]);
    tf.write_config(&format!(
        "resource \"genesyscloud_oauth_client_vault_secret\" \"ci\" {{\n  client_id = \"{id}\"\n  mount = \"secret\"\n  path = \"{PATH}\"\n}}\n"
    ));
    tf.assert_no_changes();
    assert!(emu.delete_client(&id));
    let out = tf.run(&["plan", "-no-color"]);
    let shown = text(&out);
    assert!(
        shown.contains("must be replaced") && shown.contains("no longer exists"),
        "{shown}"
    );
    assert!(
        !bao.kv_data("secret", PATH).is_null(),
        "nothing changed yet"
    );
}

#[test]
fn a_mount_typo_fails_the_plan_before_anything_is_destroyed() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    assert!(consumer_works(&emu, &bao));
    let before = regenerates(&emu);
    tf.write_config(&seed("").replace("mount     = \"secret\"", "mount     = \"secrte\""));
    let out = tf.run_failing(&["plan", "-no-color"]);
    let shown = text(&out);
    assert!(
        shown.contains("no KV mount \"secrte\"") && shown.contains("mount"),
        "{shown}"
    );
    // A path given as the mount is named as such.
    tf.write_config(&seed("").replace("mount     = \"secret\"", "mount     = \"secret/genesys\""));
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(
        text(&out).contains("not a Vault mount but a path inside the mount \"secret\""),
        "{}",
        text(&out)
    );
    tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert_eq!(regenerates(&emu), before, "nothing regenerated");
    assert!(
        consumer_works(&emu, &bao),
        "the old entry and secret still work"
    );
}

#[test]
fn a_token_that_may_not_write_the_metadata_fails_the_plan() {
    let (emu, bao, mut tf) = setup();
    // Data may be written, metadata only read: the claim would be refused.
    let data_only = bao.kv_token("data-only", PATH, &["create", "read", "update"], &["read"]);
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&["-target=genesyscloud_oauth_client.ci"]);
    tf.env("VAULT_TOKEN", &data_only);
    let out = tf.run_failing(&["plan", "-no-color"]);
    let shown = text(&out);
    assert!(
        shown.contains(&format!("secret/metadata/{PATH}")) && shown.contains("\"create\""),
        "{shown}"
    );
    assert_eq!(regenerates(&emu), 0);

    // With full rights the sink is created; then the same token may not
    // rotate it: refused at plan, the secret in Vault keeps working.
    tf.env("VAULT_TOKEN", ROOT_TOKEN);
    tf.apply(&[]);
    tf.env("VAULT_TOKEN", &data_only);
    tf.write_config(&seed("rotation_triggers = { n = \"2\" }"));
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(
        text(&out).contains(&format!("secret/metadata/{PATH}")),
        "{}",
        text(&out)
    );
    assert_eq!(regenerates(&emu), 1);
    assert!(consumer_works(&emu, &bao));
}

/// HCP Terraform with a read-only plan role (`TFC_VAULT_PLAN_ROLE`): with
/// `vault.allow_read_only_plan`, a plan whose token may only read goes on,
/// warning on the sink's path; the apply, whose token may write, creates
/// and rotates; an apply whose token may not write either stops before the
/// regenerate, and the consumer's secret keeps working.
#[test]
fn a_read_only_plan_token_is_allowed_when_the_vault_block_says_so() {
    let (emu, bao, mut tf) = setup();
    let plan_role = bao.kv_token("plan-role", PATH, &["read"], &["read"]);
    let allow = "  vault {\n    allow_read_only_plan = true\n  }";
    let plan_then_apply = |tf: &mut Tf, apply_token: &str| {
        tf.env("VAULT_TOKEN", &plan_role);
        let planned = flat(&text(&tf.run(&["plan", "-no-color", "-out=tfplan"])));
        assert!(
            planned.contains("Warning: The plan's Vault token may not write")
                && planned.contains(&format!("on secret/data/{PATH}")),
            "{planned}"
        );
        tf.env("VAULT_TOKEN", apply_token);
        tf.run_raw(&["apply", "-no-color", "tfplan"])
    };
    let applied = |out: std::process::Output| {
        assert!(out.status.success(), "apply failed:\n{}", text(&out));
    };

    // The client and its sink, created together.
    tf.write_config_with_provider(allow, &seed(""));
    tf.init();
    applied(plan_then_apply(&mut tf, ROOT_TOKEN));
    assert!(consumer_works(&emu, &bao));
    let regenerated = regenerates(&emu);

    // A rotation.
    tf.write_config_with_provider(allow, &seed("rotation_triggers = { n = \"2\" }"));
    applied(plan_then_apply(&mut tf, ROOT_TOKEN));
    assert_eq!(regenerates(&emu), regenerated + 1);
    assert!(consumer_works(&emu, &bao));

    // The apply's token may not write either: the apply stops first.
    tf.write_config_with_provider(allow, &seed("rotation_triggers = { n = \"3\" }"));
    let out = plan_then_apply(&mut tf, &plan_role);
    assert!(
        !out.status.success() && flat(&text(&out)).contains(&format!("secret/data/{PATH}")),
        "{}",
        text(&out)
    );
    assert_eq!(regenerates(&emu), regenerated + 1, "nothing regenerated");
    assert!(consumer_works(&emu, &bao));
}

#[test]
fn a_verify_failing_on_update_leaves_a_plan_that_rotates_again() {
    let (emu, bao, tf) = setup();
    // No patience for propagation: a refused new secret fails the verify.
    let provider = "consistency_timeout_seconds = 0";
    tf.write_config_with_provider(provider, &seed("rotation_triggers = { n = \"1\" }"));
    tf.init();
    tf.apply(&[]);
    emu.set_consistency_window(std::time::Duration::from_secs(5));
    tf.write_config_with_provider(provider, &seed("rotation_triggers = { n = \"2\" }"));
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    let shown = text(&out);
    assert!(
        shown.contains("The new secret does not work")
            && shown.contains("The next plan rotates it again")
            && !shown.contains("marked for replacement"),
        "{shown}"
    );
    let plan = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(
        flat(&text(&plan)).contains("did not pass its verify"),
        "{}",
        text(&plan)
    );
    emu.set_consistency_window(std::time::Duration::ZERO);
    std::thread::sleep(std::time::Duration::from_secs(5));
    tf.apply(&[]);
    assert!(consumer_works(&emu, &bao));
    tf.assert_no_changes();
}

#[test]
fn a_regenerate_whose_answer_is_lost_is_repaired_even_after_the_config_is_reverted() {
    let (emu, bao, tf) = setup();
    let provider = "max_retries = 1\nretry_deadline_seconds = 2";
    tf.write_config_with_provider(provider, &seed("rotation_triggers = { n = \"1\" }"));
    tf.init();
    tf.apply(&[]);
    assert!(consumer_works(&emu, &bao));
    // Every regenerate is carried out, and every answer lost (both attempts
    // max_retries = 1 allows).
    emu.inject(
        genesys_emulator::FaultRule::new(genesys_emulator::FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/oauth/clients/")
            .times(2),
    );
    tf.write_config_with_provider(provider, &seed("rotation_triggers = { n = \"2\" }"));
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert!(text(&out).contains("may no longer work"), "{}", text(&out));
    assert!(!consumer_works(&emu, &bao), "the secret in Vault is dead");
    // The change is reverted: the plan still repairs the entry.
    tf.write_config_with_provider(provider, &seed("rotation_triggers = { n = \"1\" }"));
    let plan = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    tf.apply(&[]);
    assert!(consumer_works(&emu, &bao));
    tf.assert_no_changes();
}
