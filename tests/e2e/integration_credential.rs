//! `integration_credential_name` / `integration_credential_id` of
//! `genesyscloud_oauth_client` under the real CLI: the credential holds the
//! secret of the create answer and nothing else sees it; renames are
//! refused unless the client is replaced, removal and destroy delete it by
//! id, outside deletion is reported. (The sink that keeps it current:
//! `sink_credential.rs`.)

use genesys_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule, StoredCredential};

use crate::harness::{actions, assert_absent, flat, text, values, Tf, ADMIN_ID, ADMIN_SECRET};
use crate::vault::token_works;

const ADDRESS: &str = "genesyscloud_oauth_client.actions";

fn emulator() -> Emulator {
    Emulator::start_blocking(EmulatorConfig {
        admin_client_id: ADMIN_ID.into(),
        admin_client_secret: ADMIN_SECRET.into(),
        ..Default::default()
    })
    .expect("start emulator")
}

/// A data-actions style client; `credential` is the HCL of the name line.
fn config(credential: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "actions" {{
  name                  = "data-actions"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id     = "role-integrations"
    division_id = "*"
  }}
  {credential}
}}
"#
    )
}

/// The client id and credential id in state.
fn ids(tf: &Tf) -> (String, Option<String>) {
    let state = tf.state_json();
    let v = values(&state, ADDRESS);
    (
        v["id"].as_str().expect("client id").to_string(),
        v["integration_credential_id"].as_str().map(str::to_string),
    )
}

/// The one credential the emulator holds.
fn only_credential(emu: &Emulator) -> StoredCredential {
    let all = emu.credentials();
    assert_eq!(all.len(), 1, "expected one credential: {all:?}");
    all.into_iter().next().expect("one")
}

/// The credential holds exactly the client's current secret, and it works.
fn assert_holds_the_secret(emu: &Emulator, credential: &StoredCredential, client_id: &str) {
    let client = emu
        .clients()
        .into_iter()
        .find(|c| c.id == client_id)
        .expect("client exists");
    assert_eq!(credential.type_name, "pureCloudOAuthClient");
    assert_eq!(credential.fields.len(), 2, "{:?}", credential.fields.keys());
    assert_eq!(credential.fields["clientId"], client_id);
    assert_eq!(credential.fields["clientSecret"], client.secret);
    assert!(token_works(
        &emu.base_url(),
        client_id,
        &credential.fields["clientSecret"]
    ));
}

#[test]
fn credential_holds_the_create_secret_and_nothing_else_sees_it() {
    let emu = emulator();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("TF_LOG", "trace");
    tf.write_config(&config(r#"integration_credential_name = "actions-cred""#));
    tf.init();
    let plan_out = tf.run(&["plan", "-out=tfplan"]);
    let plan_json = tf.run(&["show", "-json", "tfplan"]);
    let apply_out = tf.apply_plan();

    let (client_id, credential_id) = ids(&tf);
    let credential = only_credential(&emu);
    assert_eq!(credential_id.as_deref(), Some(credential.id.as_str()));
    assert_eq!(credential.name, "actions-cred");
    assert_holds_the_secret(&emu, &credential, &client_id);
    assert_eq!(
        emu.issued_secrets(),
        [credential.fields["clientSecret"].clone()],
        "the secret of the create answer, and no other"
    );
    let refresh_out = tf.run(&["plan", "-refresh-only"]);
    tf.assert_no_changes();
    let destroy_out = tf.run(&["destroy", "-auto-approve"]);
    assert!(emu.credentials().is_empty(), "destroy left the credential");
    assert!(emu.clients().is_empty(), "destroy left the client");

    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.to_string());
    let logs = [
        &plan_out,
        &plan_json,
        &apply_out,
        &refresh_out,
        &destroy_out,
    ]
    .map(text)
    .join("\n");
    assert!(
        logs.contains("integration credential created"),
        "TF_LOG=trace should carry the provider's log lines"
    );
    assert_absent("TF_LOG=trace output", &logs, &needles);
    assert_absent("state", &tf.state_text(), &needles);
    assert_absent(
        "state backup",
        &std::fs::read_to_string(tf.path().join("terraform.tfstate.backup")).unwrap_or_default(),
        &needles,
    );
}

#[test]
fn renames_are_refused_removal_deletes_and_outside_deletion_is_reported() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    tf.write_config(&config(r#"integration_credential_name = "first""#));
    tf.init();
    tf.apply(&[]);
    let (first_client, _) = ids(&tf);
    let first = only_credential(&emu);

    // A rename needs the secret: refused at plan, on the attribute, and
    // nothing changes in Genesys.
    tf.write_config(&config(r#"integration_credential_name = "second""#));
    let refused = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        refused.contains("Cannot rename integration credential \"first\" to \"second\"")
            && refused.contains("integration_credential_name")
            && refused.contains("terraform taint"),
        "{refused}"
    );
    assert_eq!(only_credential(&emu), first);

    // A tainted client is planned as a new one with a new secret: a new
    // credential under the new name holds it, and the old client's
    // credential is deleted.
    tf.run(&["taint", "-no-color", ADDRESS]);
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, ADDRESS), ["delete", "create"]);
    tf.apply_plan();
    let (client_id, credential_id) = ids(&tf);
    assert_ne!(client_id, first_client);
    let second = only_credential(&emu);
    assert_eq!(credential_id.as_deref(), Some(second.id.as_str()));
    assert_eq!(second.name, "second");
    assert_holds_the_secret(&emu, &second, &client_id);
    tf.assert_no_changes();

    // Another directory adopts client and credential by import.
    let other = Tf::new(&emu.base_url());
    other.write_config(&config(r#"integration_credential_name = "second""#));
    other.init();
    other.run(&[
        "import",
        "-no-color",
        ADDRESS,
        &format!("{client_id}:{}", second.id),
    ]);
    let imported = other.state_json();
    let v = values(&imported, ADDRESS);
    assert_eq!(v["integration_credential_id"], second.id.as_str());
    assert_eq!(v["integration_credential_name"], "second");
    let out = other.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Deleted outside Terraform: the refresh says so, naming it, and the id
    // stays (a sink keeping the credential makes a new one under its name;
    // none is ever adopted by its name); the plan stays empty.
    assert!(emu.delete_credential(&second.id));
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = flat(&text(&out));
    assert!(
        shown.contains("Integration credential deleted outside Terraform")
            && shown.contains(&format!("\"second\" ({})", second.id)),
        "{shown}"
    );
    tf.run(&["apply", "-no-color", "-auto-approve", "-refresh-only"]);
    assert_eq!(ids(&tf).1.as_deref(), Some(second.id.as_str()));

    // Replaced again to get a credential, then the name is removed: the
    // credential is deleted by its id.
    tf.apply(&[&format!("-replace={ADDRESS}")]);
    let third = only_credential(&emu);
    assert_eq!(ids(&tf).1.as_deref(), Some(third.id.as_str()));
    tf.write_config(&config(""));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, ADDRESS), ["update"]);
    tf.apply_plan();
    assert!(emu.credentials().is_empty(), "removing the name deletes it");
    assert_eq!(ids(&tf).1, None);
    tf.assert_no_changes();
    tf.destroy();
    assert!(emu.clients().is_empty());
}

#[test]
fn an_adopted_client_gets_no_credential_and_says_so() {
    let emu = emulator();
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/oauth/clients")
            .times(1),
    );
    let tf = Tf::new(&emu.base_url());
    tf.write_config(&config(r#"integration_credential_name = "lost""#));
    tf.init();
    let shown = text(&tf.apply(&[]));
    assert!(
        shown.contains("Integration credential not created") && shown.contains("adopted"),
        "{shown}"
    );
    assert!(emu.credentials().is_empty());
    assert_eq!(ids(&tf).1, None);
    tf.assert_no_changes();
    tf.destroy();
    assert!(emu.clients().is_empty());
}

#[test]
fn a_lost_create_finds_its_credential_among_more_than_a_page_of_them() {
    let emu = emulator();
    // 250 credentials of other tools: more than one page of the cursor
    // listing (200 at most).
    for n in 0..250 {
        emu.add_credential(
            &format!("other-{n}"),
            "pureCloudOAuthClient",
            [
                ("clientId".to_string(), format!("other-client-{n}")),
                ("clientSecret".to_string(), format!("other-secret-{n}")),
            ]
            .into(),
        );
    }
    // The credential create's answer is lost: what it made is found by
    // listing, on the second page, and adopted instead of made twice.
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/integrations/credentials")
            .times(1),
    );
    let tf = Tf::new(&emu.base_url());
    tf.write_config(&config(r#"integration_credential_name = "actions-cred""#));
    tf.init();
    tf.apply(&[]);
    let (client_id, credential_id) = ids(&tf);
    let ours: Vec<StoredCredential> = emu
        .credentials()
        .into_iter()
        .filter(|c| c.name == "actions-cred")
        .collect();
    assert_eq!(ours.len(), 1, "no duplicate: {ours:?}");
    assert_eq!(credential_id.as_deref(), Some(ours[0].id.as_str()));
    assert_holds_the_secret(&emu, &ours[0], &client_id);
    assert_eq!(
        emu.request_count("POST", "/api/v2/integrations/credentials"),
        1
    );
    // Two pages before the create, two after the lost answer; nothing
    // through the deprecated page-number listing.
    let listing = emu.request_count("GET", "/api/v2/integrations/credentials/listing");
    assert!(listing >= 4, "{listing} listing requests");
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(emu.credentials().len(), 250, "destroy deletes only its own");
}
