//! `genesyscloud_oauth_client_vault_secret` against the emulator and a real
//! OpenBao, under the real CLI.

use genesys_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

use crate::harness::{actions, assert_absent, flat, text, values, Tf, ADMIN_ID, ADMIN_SECRET};
use crate::proxy::{Lose, Proxy};
use crate::vault::{token_works, Bao, ROOT_TOKEN};

pub(crate) fn setup() -> (Emulator, Bao, Tf) {
    let emu = Emulator::start_blocking(EmulatorConfig {
        admin_client_id: ADMIN_ID.into(),
        admin_client_secret: ADMIN_SECRET.into(),
        ..Default::default()
    })
    .expect("start emulator");
    let bao = Bao::start();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    (emu, bao, tf)
}

/// The seed scenario: a client-credentials client and its sink.
pub(crate) fn seed(extra_sink: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "ci" {{
  name                  = "ci-pipeline"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id = "role-admin"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "ci" {{
  client_id = genesyscloud_oauth_client.ci.client_id
  mount     = "secret"
  path      = "genesys/oauth/${{genesyscloud_oauth_client.ci.name}}"
  {extra_sink}
}}
"#
    )
}

pub(crate) const SINK: &str = "genesyscloud_oauth_client_vault_secret.ci";
pub(crate) const PATH: &str = "genesys/oauth/ci-pipeline";

pub(crate) fn client_id(tf: &Tf) -> String {
    values(&tf.state_json(), "genesyscloud_oauth_client.ci")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

pub(crate) fn stored_secret(bao: &Bao) -> String {
    bao.kv_data("secret", PATH)["client_secret"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn seed_scenario_keeps_the_secret_in_vault_only() {
    let (emu, bao, mut tf) = setup();
    tf.env("TF_LOG", "trace");
    tf.write_config(&seed("custom_metadata = { owner = \"platform\" }"));
    tf.init();
    let plan_out = tf.run(&["plan", "-out=tfplan"]);
    let plan_json = tf.run(&["show", "-json", "tfplan"]);
    let apply_out = tf.apply_plan();

    let id = client_id(&tf);
    let data = bao.kv_data("secret", PATH);
    assert_eq!(data["client_id"], id.as_str());
    assert_eq!(data["base_url"], emu.base_url().as_str());
    assert_eq!(
        data["token_url"],
        format!("{}/oauth/token", emu.base_url()).as_str()
    );
    let secret = stored_secret(&bao);
    assert!(
        token_works(&emu.base_url(), &id, &secret),
        "the secret in Vault must work at the token endpoint"
    );
    let md = bao.kv_metadata("secret", PATH);
    assert_eq!(
        md["custom_metadata"]["managed-by"],
        "terraform-provider-genesyscloud"
    );
    assert_eq!(md["custom_metadata"]["genesys-client-id"], id.as_str());
    assert_eq!(md["custom_metadata"]["owner"], "platform");

    let state = tf.state_json();
    let sink = values(&state, SINK);
    assert_eq!(sink["vault_version"], 1);
    assert!(sink["secret_hash"]
        .as_str()
        .is_some_and(|h| h.starts_with("sha256:")));
    assert!(sink["verified_at"].is_string() && sink["rotated_at"].is_string());
    assert_eq!(sink["id"], format!("secret/{PATH}").as_str());

    let refresh_out = tf.run(&["plan", "-refresh-only"]);
    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.into());
    needles.push(ROOT_TOKEN.into());
    assert!(needles.contains(&secret));
    let logs = [&plan_out, &plan_json, &apply_out, &refresh_out]
        .map(text)
        .join("\n");
    assert_absent("TF_LOG=trace output", &logs, &needles);
    assert_absent("state", &tf.state_text(), &needles);
    tf.unset("TF_LOG");
    tf.assert_no_changes();

    tf.destroy();
    assert!(
        bao.kv_metadata("secret", PATH).is_null(),
        "on_destroy = delete_all removes every version"
    );
}

/// The plan repairs the sink; after the apply Vault holds `version`, its
/// secret works, and the next plans are empty.
fn assert_repaired(tf: &Tf, bao: &Bao, emu: &Emulator, id: &str, version: u64) {
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], version);
    assert!(token_works(&emu.base_url(), id, &stored_secret(bao)));
    tf.assert_no_changes();
}

#[test]
fn drift_in_vault_is_repaired() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);

    // Overwritten outside Terraform: the refresh shows it, the plan repairs it.
    bao.kv_put(
        "secret",
        PATH,
        json!({"client_id": id, "client_secret": "hand-written"}),
    );
    assert_repaired(&tf, &bao, &emu, &id, 3);

    // Latest version soft-deleted.
    let (status, _) = bao.call("DELETE", &format!("secret/data/{PATH}"), None);
    assert_eq!(status, 204);
    assert_repaired(&tf, &bao, &emu, &id, 4);

    // The whole path deleted.
    let (status, _) = bao.call("DELETE", &format!("secret/metadata/{PATH}"), None);
    assert_eq!(status, 204);
    assert_repaired(&tf, &bao, &emu, &id, 1);
}

#[test]
fn rotation_by_trigger_and_by_period() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed("rotation_triggers = { n = \"1\" }"));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let first = stored_secret(&bao);
    let first_hash = values(&tf.state_json(), SINK)["secret_hash"].clone();

    tf.write_config(&seed("rotation_triggers = { n = \"2\" }"));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    let second = stored_secret(&bao);
    assert_ne!(first, second);
    assert!(
        !token_works(&emu.base_url(), &id, &first),
        "the rotated-away secret must stop working"
    );
    assert!(token_works(&emu.base_url(), &id, &second));
    assert_ne!(values(&tf.state_json(), SINK)["secret_hash"], first_hash);
    tf.assert_no_changes();

    // A period: not due right after a rotation, due once it has passed.
    tf.write_config(&seed(
        "rotation_triggers = { n = \"3\" }\n  rotation_period = \"30s\"",
    ));
    tf.apply(&[]);
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], 3);
    let rotate_after = values(&tf.state_json(), SINK)["rotate_after"]
        .as_str()
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .expect("rotate_after is a time");
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    if time::OffsetDateTime::now_utc() < rotate_after {
        assert_eq!(out.status.code(), Some(0), "not due yet:\n{}", text(&out));
    }
    let wait = rotate_after - time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
    if wait.is_positive() {
        std::thread::sleep(wait.unsigned_abs());
    }
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"], "the period has passed");
    tf.apply_plan();
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], 4);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
}

#[test]
fn a_write_between_plan_and_apply_is_not_overwritten() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed("rotation_triggers = { n = \"1\" }"));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let secret_before = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;

    tf.write_config(&seed("rotation_triggers = { n = \"2\" }"));
    tf.plan_json(&[]);
    bao.kv_put("secret", PATH, json!({"client_secret": "someone-else"}));
    let out = tf.run_failing(&["apply", "-no-color", "tfplan"]);
    assert!(
        text(&out).contains("changed since the plan"),
        "{}",
        text(&out)
    );
    assert_eq!(
        stored_secret(&bao),
        "someone-else",
        "the concurrent write must survive"
    );
    let secret_after = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;
    assert_eq!(
        secret_before, secret_after,
        "no regenerate may happen when the write would be refused"
    );
}

#[test]
fn kv_v1_mounts_work() {
    let (emu, bao, tf) = setup();
    bao.enable_kv1("kv1");
    tf.write_config(&seed("").replace("mount     = \"secret\"", "mount     = \"kv1\""));
    tf.init();
    tf.apply(&[]);
    let (status, v) = bao.call("GET", &format!("kv1/{PATH}"), None);
    assert_eq!(status, 200);
    let id = client_id(&tf);
    assert!(token_works(
        &emu.base_url(),
        &id,
        v["data"]["client_secret"].as_str().unwrap_or_default()
    ));
    assert_eq!(values(&tf.state_json(), SINK)["vault_version"], 0);
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(bao.call("GET", &format!("kv1/{PATH}"), None).0, 404);
}

#[test]
fn foreign_secrets_and_missing_permissions_are_refused_clearly() {
    let (emu, bao, mut tf) = setup();
    bao.kv_put("secret", PATH, json!({"client_secret": "not-ours"}));
    tf.write_config(&seed(""));
    tf.init();
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert!(
        text(&out).contains("refusing to overwrite"),
        "{}",
        text(&out)
    );
    assert_eq!(stored_secret(&bao), "not-ours");
    // The client itself was created and is in state: nothing is orphaned.
    let state = tf.state_json();
    let id = values(&state, "genesyscloud_oauth_client.ci")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(emu.clients().iter().any(|c| c.id == id));

    // A token without a KV policy: the error names the path and capability,
    // and the client's secret is not regenerated.
    bao.call("DELETE", &format!("secret/metadata/{PATH}"), None);
    let before = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;
    tf.env("VAULT_TOKEN", &bao.weak_token());
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    let shown = text(&out);
    assert!(
        shown.contains("permission denied")
            && shown.contains("genesys/oauth/ci-pipeline")
            && shown.contains("must grant"),
        "{shown}"
    );
    let after = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;
    assert_eq!(before, after);
}

#[test]
fn a_missing_capability_stops_a_rotation_while_the_old_secret_works() {
    let (emu, bao, mut tf) = setup();
    tf.write_config(&seed("rotation_triggers = { n = \"1\" }"));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let old = stored_secret(&bao);
    let genesys_secret = |emu: &Emulator| {
        emu.clients()
            .into_iter()
            .find(|c| c.id == id)
            .expect("client")
            .secret
    };
    let before = genesys_secret(&emu);

    // The token may read the entry, create it and label it, not update it.
    let no_update = bao.kv_token("no-update", PATH, &["create", "read"], &["read", "update"]);
    tf.env("VAULT_TOKEN", &no_update);
    tf.write_config(&seed("rotation_triggers = { n = \"2\" }"));
    let out = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    assert!(
        out.contains(&format!("lacks \"update\" on secret/data/{PATH}"))
            && out.contains(&format!(
                "path \"secret/data/{PATH}\" {{ capabilities = [\"update\"] }}"
            )),
        "{out}"
    );
    assert_eq!(genesys_secret(&emu), before, "no regenerate may happen");
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], 1);
    assert_eq!(stored_secret(&bao), old);
    assert!(
        token_works(&emu.base_url(), &id, &old),
        "the old secret must still work"
    );
}

/// A client created in the same apply as its sink: nobody holds its
/// secret, so the apply writes without asking Vault first. A write refused
/// then (the policy changed after the plan) costs a secret nobody held:
/// the client is in state, nothing is in Vault, and the next apply with the
/// rights back writes a working secret.
#[test]
fn a_write_refused_for_a_client_created_in_the_same_apply_loses_nothing() {
    let (emu, bao, mut tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.plan_json(&[]);
    // The claim (metadata) may be written, the data not.
    let no_data = bao.kv_token("no-data", PATH, &["read"], &["create", "read", "update"]);
    tf.env("VAULT_TOKEN", &no_data);
    let out = flat(&text(&tf.run_failing(&["apply", "-no-color", "tfplan"])));
    assert!(
        out.contains("was regenerated, but writing it to Vault")
            && out.contains("permission denied")
            && out.contains("nobody else ever held it"),
        "{out}"
    );
    let id = client_id(&tf);
    assert!(emu.clients().iter().any(|c| c.id == id), "no orphan");
    assert_eq!(
        bao.call("GET", &format!("secret/data/{PATH}"), None).0,
        404,
        "nothing was written"
    );

    tf.env("VAULT_TOKEN", ROOT_TOKEN);
    tf.apply(&[]);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    tf.assert_no_changes();
}

#[test]
fn a_write_whose_answer_is_lost_is_settled_by_reading_it_back() {
    let (emu, bao, mut tf) = setup();
    let proxy = Proxy::start(&bao.addr);
    tf.env("VAULT_ADDR", &proxy.addr);
    let config = |n: u32| {
        tf.write_config_with_provider(
            "  request_timeout_seconds = 2",
            &seed(&format!("rotation_triggers = {{ n = \"{n}\" }}")),
        )
    };
    let write = format!("/v1/secret/data/{PATH}");

    // The write lands and its answer is lost: reading version 1 back shows
    // the secret just written, so the apply succeeds.
    config(1);
    tf.init();
    proxy.lose_next_post(&write, Lose::Answer);
    tf.apply(&[]);
    let id = client_id(&tf);
    let state = tf.state_json();
    assert_eq!(values(&state, SINK)["vault_version"], 1);
    assert!(values(&state, SINK)["verified_at"].is_string());
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    tf.assert_no_changes();

    // The write never lands: the error names both versions and what to do.
    config(2);
    proxy.lose_next_post(&write, Lose::Request);
    let out = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    assert!(
        out.contains("the write would have made version 2, Vault holds version 1 as the latest")
            && out.contains("Run plan and apply again"),
        "{out}"
    );
    tf.apply(&[]);
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], 2);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    tf.assert_no_changes();
}

#[test]
fn sinks_import_and_validate() {
    let (_emu, _bao, tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let original = values(&tf.state_json(), SINK).clone();
    tf.run(&["state", "rm", SINK]);
    tf.run(&["import", "-no-color", SINK, &format!("{id}:secret/{PATH}")]);
    let imported = values(&tf.state_json(), SINK).clone();
    for key in [
        "id",
        "client_id",
        "mount",
        "path",
        "vault_version",
        "client_secret_key",
        "on_destroy",
    ] {
        assert_eq!(original[key], imported[key], "{key} after import");
    }
    assert!(
        imported["secret_hash"].is_null(),
        "the hash is only known after the next rotation"
    );

    let bad = Tf::new("http://127.0.0.1:9");
    bad.write_config("resource \"genesyscloud_oauth_client_vault_secret\" \"x\" {\n  client_id = \"c\"\n  mount = \"secret\"\n  path = \"a//../b/\"\n  rotation_period = \"soon\"\n}\n");
    bad.init();
    let diags = crate::harness::validate_diagnostics(&bad);
    let on = |attr: &str| {
        diags.iter().any(|d| {
            d["snippet"]["code"]
                .as_str()
                .is_some_and(|c| c.contains(attr))
        })
    };
    assert!(on("path") && on("rotation_period"), "{diags:?}");
}

#[test]
fn a_secret_reset_outside_terraform_is_repaired_and_a_sealed_vault_changes_nothing() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed("verify_on_read = true"));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    tf.assert_no_changes();

    // Someone regenerates the secret in Genesys: the copy in Vault is dead.
    emu.regenerate_secret(&id)
        .expect("regenerated outside Terraform");
    assert!(!token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    tf.assert_no_changes();

    // A sealed Vault: a clear error, and the secret is not regenerated.
    let before = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;
    let (status, v) = bao.call("PUT", "sys/seal", None);
    assert_eq!(status, 204, "seal: {v}");
    tf.write_config_with_provider(
        "  max_retries = 1",
        &seed("verify_on_read = true\n  rotation_triggers = { n = \"2\" }"),
    );
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert!(text(&out).contains("sealed"), "{}", text(&out));
    let after = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("client")
        .secret;
    assert_eq!(before, after);
}
