//! Drift detection under the real CLI: `terraform plan -refresh-only
//! -detailed-exitcode`, the command scheduled pipelines and HCP Terraform's
//! health assessments run, exits 0 right after an apply (and after a
//! refresh-only apply) for every resource of this provider and its data
//! source, and 2, with the drift shown, after each kind of real drift: a
//! Vault entry overwritten or deleted, a client changed or deleted in
//! Genesys Cloud, a secret reset outside Terraform (`verify_on_read`).

use genesys_emulator::Emulator;
use serde_json::{json, Value as Json};

use crate::harness::{text, values, Tf, ADMIN_ID, ADMIN_SECRET};
use crate::vault::Bao;
use crate::vault_secret::setup;

const PLAIN: &str = "genesyscloud_oauth_client.plain";
const CRED: &str = "genesyscloud_oauth_client.cred";
const SINK: &str = "genesyscloud_oauth_client_vault_secret.single";
const PAIR: &str = "genesyscloud_oauth_client_vault_secret.pair";
const SINK_PATH: &str = "genesys/oauth/drift-single";

/// A client-credentials client named `name`, with `more` in its block.
fn client(name: &str, more: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "{name}" {{
  name                  = "drift-{name}"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id     = "role-admin"
    division_id = "*"
  }}
  {more}
}}
"#
    )
}

/// Every kind of object the provider manages or reads: a client alone, a
/// client with an integration credential and its sink keeping that
/// credential current (checked on every refresh), a pair sink, the data
/// source, and outputs of numbers (outputs are compared too).
fn config() -> String {
    format!(
        r#"{}{}{}{}
resource "genesyscloud_oauth_client_vault_secret" "single" {{
  client_id                 = genesyscloud_oauth_client.cred.client_id
  integration_credential_id = genesyscloud_oauth_client.cred.integration_credential_id
  mount                     = "secret"
  path                      = "{SINK_PATH}"
  verify_on_read            = true
}}

resource "genesyscloud_oauth_client_vault_secret" "pair" {{
  client_id         = genesyscloud_oauth_client.blue.client_id
  standby_client_id = genesyscloud_oauth_client.green.client_id
  mount             = "secret"
  path              = "genesys/oauth/drift-pair"
}}

data "genesyscloud_oauth_client" "plain" {{
  name = genesyscloud_oauth_client.plain.name
}}

output "plain_token_lifetime" {{
  value = data.genesyscloud_oauth_client.plain.access_token_validity_seconds
}}

output "single_version" {{
  value = genesyscloud_oauth_client_vault_secret.single.vault_version
}}
"#,
        client("plain", ""),
        client("cred", "integration_credential_name = \"drift-cred\""),
        client("blue", ""),
        client("green", ""),
    )
}

/// `plan -refresh-only -detailed-exitcode`, saved: its exit code, the plan
/// as JSON and the command's output.
fn refresh_only(tf: &Tf) -> (Option<i32>, Json, String) {
    let out = tf.run_raw(&[
        "plan",
        "-no-color",
        "-refresh-only",
        "-detailed-exitcode",
        "-out=tfplan",
    ]);
    let shown = tf.run(&["show", "-json", "tfplan"]);
    let plan = serde_json::from_slice(&shown.stdout).expect("plan JSON");
    (out.status.code(), plan, text(&out))
}

/// Fails unless a refresh-only plan exits 0 (no drift), and a normal plan too.
fn assert_no_drift(tf: &Tf, when: &str) {
    let (code, plan, out) = refresh_only(tf);
    assert_eq!(
        code,
        Some(0),
        "refresh-only plan {when} reports drift (applyable: {}, drift: {}):\n{out}",
        plan["applyable"],
        plan["resource_drift"]
    );
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "plan {when}:\n{}", text(&out));
}

/// A refresh-only plan that must report drift (exit 2); the plan as JSON
/// and its text.
fn drifted(tf: &Tf) -> (Json, String) {
    let (code, plan, out) = refresh_only(tf);
    assert_eq!(code, Some(2), "refresh-only plan must report drift:\n{out}");
    assert!(
        out.contains("Objects have changed outside of Terraform"),
        "the plan text shows the drift:\n{out}"
    );
    (plan, out)
}

/// The drift of `address` in `plan` (shown in the plan text too): its
/// `before` and `after` objects (`after` null when the object is gone).
fn change_of(plan: &(Json, String), address: &str) -> (Json, Json) {
    let (plan, out) = plan;
    assert!(
        out.contains(address),
        "the plan text names {address}:\n{out}"
    );
    let change = plan["resource_drift"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["address"] == address)
        .map(|d| d["change"].clone())
        .unwrap_or_else(|| panic!("no drift of {address}: {}", plan["resource_drift"]));
    (change["before"].clone(), change["after"].clone())
}

/// [`drifted`], and the drift of `address`.
fn drift_of(tf: &Tf, address: &str) -> (Json, Json) {
    change_of(&drifted(tf), address)
}

/// Repairs with an apply; then there is no drift again.
fn repair(tf: &Tf, after: &str) {
    tf.apply(&[]);
    assert_no_drift(tf, &format!("after repairing {after}"));
}

fn id_of(tf: &Tf, address: &str) -> String {
    values(&tf.state_json(), address)["id"]
        .as_str()
        .expect("id in state")
        .to_string()
}

/// Changes a client's description the way someone in the Genesys Cloud
/// admin UI would: the public API, read then `PUT`.
fn describe_in_genesys(emu: &Emulator, id: &str, description: &str) {
    let base = emu.base_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        let token: Json = http
            .post(format!("{base}/oauth/token"))
            .basic_auth(ADMIN_ID, Some(ADMIN_SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token JSON");
        let token = token["access_token"].as_str().expect("access token");
        let url = format!("{base}/api/v2/oauth/clients/{id}");
        let mut client: Json = http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .expect("get client")
            .json()
            .await
            .expect("client JSON");
        client["description"] = json!(description);
        let status = http
            .put(&url)
            .bearer_auth(token)
            .json(&client)
            .send()
            .await
            .expect("put client")
            .status();
        assert!(status.is_success(), "PUT client: {status}");
    });
}

#[test]
fn a_refresh_only_plan_is_empty_after_apply_for_every_resource_and_the_data_source() {
    let (_emu, _bao, tf) = setup();
    tf.write_config(&config());
    tf.init();
    tf.apply(&[]);
    assert_no_drift(&tf, "right after apply");
    tf.apply(&["-refresh-only"]);
    assert_no_drift(&tf, "after a refresh-only apply");
    // A second refresh (e.g. the next scheduled check) sees nothing either.
    assert_no_drift(&tf, "on a second check");
}

#[test]
fn a_refresh_only_plan_shows_each_kind_of_real_drift() {
    let (emu, bao, tf) = setup();
    tf.write_config(&config());
    tf.init();
    tf.apply(&[]);
    assert_no_drift(&tf, "right after apply");
    let version = |v: &Json| v["vault_version"].as_i64();

    // The Vault entry overwritten: a new version.
    let cred = id_of(&tf, CRED);
    bao.kv_put(
        "secret",
        SINK_PATH,
        json!({"client_id": cred, "client_secret": "written-by-hand"}),
    );
    let (before, after) = drift_of(&tf, SINK);
    assert_eq!((version(&before), version(&after)), (Some(1), Some(2)));
    repair(&tf, "an overwritten entry");

    // The Vault entry deleted: no version.
    delete_entry(&bao);
    let (before, after) = drift_of(&tf, SINK);
    assert!(version(&before).is_some() && version(&after).is_none());
    repair(&tf, "a deleted entry");

    // The client changed in Genesys Cloud.
    let plain = id_of(&tf, PLAIN);
    describe_in_genesys(&emu, &plain, "changed in the admin UI");
    let (before, after) = drift_of(&tf, PLAIN);
    assert_eq!(before["description"], Json::Null);
    assert_eq!(after["description"], "changed in the admin UI");
    repair(&tf, "a changed client");

    // The secret reset outside Terraform, seen by verify_on_read: the
    // credentials in Vault no longer work.
    emu.regenerate_secret(&cred)
        .expect("regenerated outside Terraform");
    let (before, after) = drift_of(&tf, SINK);
    assert!(before["verified_at"].is_string(), "{before}");
    assert_eq!(after["verified_at"], Json::Null);
    repair(&tf, "a reset secret");

    // The client deleted in Genesys Cloud.
    let blue = id_of(&tf, "genesyscloud_oauth_client.blue");
    assert!(emu.delete_client(&blue));
    let plan = drifted(&tf);
    let (before, after) = change_of(&plan, "genesyscloud_oauth_client.blue");
    assert_eq!(before["id"], blue.as_str());
    assert_eq!(after, Json::Null, "the client is shown deleted");
    let (before, after) = change_of(&plan, PAIR);
    assert!(before["verified_at"].is_string(), "{before}");
    assert_eq!(
        after["verified_at"],
        Json::Null,
        "its sink can no longer work"
    );
}

/// Deletes the whole entry (every version and the metadata), as `bao kv
/// metadata delete` does.
fn delete_entry(bao: &Bao) {
    let (status, body) = bao.call("DELETE", &format!("secret/metadata/{SINK_PATH}"), None);
    assert_eq!(status, 204, "delete entry: {body}");
}
