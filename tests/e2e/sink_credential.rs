//! `integration_credential_id` of `genesyscloud_oauth_client_vault_secret`
//! under the real CLI, against the emulator and a real OpenBao: every
//! rotation writes the new secret into the client's integration credential
//! as well as into Vault, and nothing else sees it; a credential deleted
//! outside Terraform is made again and the plans converge (the client
//! records the new one where the credential's GET shows whose it is; where
//! it does not, the plan says what to do and destroy still deletes it); a
//! failed write
//! into the credential is an error that the next plan repairs without a
//! regenerate; a credential no sink keeps current is warned about.

use genesys_emulator::{Emulator, FaultKind, FaultRule, StoredCredential};

use crate::harness::{actions, assert_absent, flat, text, values, Tf, ADMIN_SECRET};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::setup;

const CLIENT: &str = "genesyscloud_oauth_client.actions";
const SINK: &str = "genesyscloud_oauth_client_vault_secret.actions";
const PATH: &str = "genesys/oauth/data-actions";
const CREDENTIALS: &str = "/api/v2/integrations/credentials/";
/// Few and short retries, so that an injected fault outlasts them.
const SHORT_RETRIES: &str = "max_retries = 1\nretry_deadline_seconds = 2";

/// A data-actions style client with a credential, and its sink; `wired`
/// links the sink to the credential, `n` is the rotation trigger.
fn config(wired: bool, n: u32) -> String {
    let link = if wired {
        "integration_credential_id = genesyscloud_oauth_client.actions.integration_credential_id"
    } else {
        ""
    };
    format!(
        r#"
resource "genesyscloud_oauth_client" "actions" {{
  name                        = "data-actions"
  authorized_grant_type       = "CLIENT-CREDENTIALS"
  integration_credential_name = "actions-cred"
  roles {{
    role_id     = "role-integrations"
    division_id = "*"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "actions" {{
  client_id         = genesyscloud_oauth_client.actions.client_id
  mount             = "secret"
  path              = "{PATH}"
  rotation_triggers = {{ n = "{n}" }}
  {link}
}}
"#
    )
}

/// The client id, and the credential ids of the client and of the sink.
fn ids(tf: &Tf) -> (String, Option<String>, Option<String>) {
    let state = tf.state_json();
    let client = values(&state, CLIENT);
    let sink = values(&state, SINK);
    let id = |v: &serde_json::Value| v["integration_credential_id"].as_str().map(str::to_string);
    (
        client["id"].as_str().expect("client id").to_string(),
        id(client),
        id(sink),
    )
}

fn only_credential(emu: &Emulator) -> StoredCredential {
    let all = emu.credentials();
    assert_eq!(all.len(), 1, "expected one credential: {all:?}");
    all.into_iter().next().expect("one")
}

fn vault_secret(bao: &Bao) -> String {
    bao.kv_data("secret", PATH)["client_secret"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The one credential holds exactly the secret Vault holds, which is the
/// client's current secret and works at the token endpoint; state names it.
fn assert_in_step(emu: &Emulator, bao: &Bao, tf: &Tf) -> StoredCredential {
    let (client_id, client_credential, sink_credential) = ids(tf);
    let credential = only_credential(emu);
    assert_eq!(credential.name, "actions-cred");
    assert_eq!(credential.fields.len(), 2, "{:?}", credential.fields.keys());
    assert_eq!(credential.fields["clientId"], client_id);
    let secret = vault_secret(bao);
    assert_eq!(
        credential.fields["clientSecret"], secret,
        "credential = Vault"
    );
    let current = emu
        .clients()
        .into_iter()
        .find(|c| c.id == client_id)
        .expect("client")
        .secret;
    assert_eq!(secret, current);
    assert!(token_works(&emu.base_url(), &client_id, &secret));
    assert_eq!(client_credential.as_deref(), Some(credential.id.as_str()));
    assert_eq!(sink_credential.as_deref(), Some(credential.id.as_str()));
    credential
}

#[test]
fn every_rotation_writes_the_credential_and_nothing_else_sees_it() {
    let (emu, bao, mut tf) = setup();
    tf.env("TF_LOG", "trace");
    tf.write_config(&config(true, 1));
    tf.init();
    let mut outputs = vec![
        tf.run(&["plan", "-out=tfplan"]),
        tf.run(&["show", "-json", "tfplan"]),
        tf.apply_plan(),
    ];
    let first = assert_in_step(&emu, &bao, &tf);
    for n in [2, 3] {
        tf.write_config(&config(true, n));
        outputs.push(tf.run(&["plan", "-out=tfplan"]));
        let plan_json = tf.run(&["show", "-json", "tfplan"]);
        let plan: serde_json::Value = serde_json::from_slice(&plan_json.stdout).expect("plan");
        assert_eq!(actions(&plan, SINK), ["update"]);
        outputs.push(plan_json);
        outputs.push(tf.apply_plan());
        let credential = assert_in_step(&emu, &bao, &tf);
        assert_eq!(credential.id, first.id, "the same credential, updated");
    }
    // The client's create, the sink's create and two rotations.
    assert_eq!(emu.issued_secrets().len(), 4);
    outputs.push(tf.run(&["plan", "-refresh-only"]));
    let logs = outputs.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(
        logs.contains("integration credential holds the new secret"),
        "TF_LOG=trace should carry the provider's log lines"
    );
    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.extend([ADMIN_SECRET.to_string(), ROOT_TOKEN.to_string()]);
    assert_absent("TF_LOG=trace output and plan JSON", &logs, &needles);
    assert_absent("state", &tf.state_text(), &needles);
    tf.unset("TF_LOG");
    tf.assert_no_changes();
    destroy_leaves_nothing(&emu, &tf);
}

/// Deletes the credential of an applied client and sink behind Terraform's
/// back and applies the plan that makes it again; returns the deleted one
/// and the one made in its place, which holds the secret in Vault.
fn delete_and_remake(emu: &Emulator, bao: &Bao, tf: &Tf) -> (StoredCredential, StoredCredential) {
    tf.write_config(&config(true, 1));
    tf.init();
    tf.apply(&[]);
    let deleted = assert_in_step(emu, bao, tf);
    assert!(emu.delete_credential(&deleted.id));

    // The plan rotates and says why, naming the credential.
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    assert_eq!(actions(&plan, CLIENT), ["no-op"]);
    let shown = flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        shown.contains("The integration credential will be made again")
            && shown.contains(&format!("\"actions-cred\" ({})", deleted.id)),
        "{shown}"
    );
    tf.apply_plan();
    let remade = only_credential(emu);
    assert_ne!(remade.id, deleted.id);
    assert_eq!(remade.name, "actions-cred");
    assert_eq!(remade.fields["clientSecret"], vault_secret(bao));
    assert!(token_works(
        &emu.base_url(),
        &remade.fields["clientId"],
        &remade.fields["clientSecret"]
    ));
    (deleted, remade)
}

/// Destroys everything and checks that no credential or client is left.
fn destroy_leaves_nothing(emu: &Emulator, tf: &Tf) {
    tf.destroy();
    assert!(emu.credentials().is_empty(), "destroy left the credential");
    assert!(emu.clients().is_empty(), "destroy left the client");
}

#[test]
fn a_credential_deleted_outside_terraform_heals_where_genesys_shows_whose_it_is() {
    let (emu, bao, tf) = setup();
    let (_, remade) = delete_and_remake(&emu, &bao, &tf);

    // The credential's GET shows the client id it holds: the client's
    // refresh records the new credential, and the sink, wired to the
    // client's attribute, follows it without a regenerate.
    let issued = emu.issued_secrets().len();
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    let change = plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|rc| rc["address"] == SINK)
        .expect("sink change");
    assert_eq!(
        change["change"]["after"]["integration_credential_id"],
        remade.id.as_str()
    );
    assert_eq!(
        change["change"]["after_unknown"]["secret_hash"],
        serde_json::Value::Null
    );
    tf.apply_plan();
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_eq!(assert_in_step(&emu, &bao, &tf).id, remade.id);

    // Healed: an empty plan without a warning, and destroy deletes it.
    let shown = text(&tf.run(&["plan", "-no-color"]));
    assert!(
        shown.contains("No changes") && !shown.contains("Warning"),
        "{shown}"
    );
    tf.assert_no_changes();
    destroy_leaves_nothing(&emu, &tf);
}

#[test]
fn where_genesys_hides_whose_a_credential_is_the_plan_says_what_to_do_and_destroy_deletes_it() {
    let (emu, bao, tf) = setup();
    emu.set_credential_client_id_hidden(true);
    let (deleted, remade) = delete_and_remake(&emu, &bao, &tf);

    // The client never takes a credential for its own by its name: it keeps
    // the id it recorded, and the sink, which made the new one, keeps it
    // current and says how to record it on the client. The plan is empty.
    let shown = flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        shown.contains(&format!("{} was replaced by {}", deleted.id, remade.id))
            && shown.contains(&format!("<client id>:{}", remade.id))
            && shown.contains("answered no clientId"),
        "{shown}"
    );
    tf.assert_no_changes();
    let (_, client_credential, _) = ids(&tf);
    assert_eq!(client_credential.as_deref(), Some(deleted.id.as_str()));

    // Destroy deletes the credential the provider made, which the client's
    // state does not name: the sink hands it to the client's destroy.
    destroy_leaves_nothing(&emu, &tf);
}

#[test]
fn a_credential_remade_where_genesys_hides_its_holder_is_recorded_by_an_import() {
    let (emu, bao, tf) = setup();
    emu.set_credential_client_id_hidden(true);
    let (_, remade) = delete_and_remake(&emu, &bao, &tf);
    let (client_id, _, _) = ids(&tf);

    // Recorded by an import: the sink records the new id in place, without
    // a rotation.
    tf.run(&["state", "rm", CLIENT]);
    tf.run(&["import", CLIENT, &format!("{client_id}:{}", remade.id)]);
    let issued = emu.issued_secrets().len();
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_eq!(assert_in_step(&emu, &bao, &tf).id, remade.id);
    tf.assert_no_changes();
    tf.destroy();
    assert!(emu.credentials().is_empty(), "destroy left the credential");
}

#[test]
fn a_failed_credential_write_is_an_error_and_the_next_plan_repairs_it() {
    let (emu, bao, tf) = setup();
    tf.write_config_with_provider(SHORT_RETRIES, &config(true, 1));
    tf.init();
    tf.apply(&[]);
    let credential = assert_in_step(&emu, &bao, &tf);

    // Both attempts max_retries = 1 allows fail.
    emu.inject(
        FaultRule::new(FaultKind::Status500)
            .method("PUT")
            .path(CREDENTIALS)
            .times(2),
    );
    tf.write_config_with_provider(SHORT_RETRIES, &config(true, 2));
    let failed = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    assert!(
        failed.contains("The integration credential does not hold the new secret")
            && failed.contains(&credential.id)
            && failed.contains(&format!("is in Vault at secret/{PATH}"))
            && failed.contains("still holds the previous secret, which no longer works"),
        "{failed}"
    );
    let stale = only_credential(&emu);
    let secret = vault_secret(&bao);
    assert_ne!(
        stale.fields["clientSecret"], secret,
        "the credential is stale"
    );
    assert!(token_works(
        &emu.base_url(),
        &stale.fields["clientId"],
        &secret
    ));

    // The next plan shows it and writes the secret held in Vault into the
    // credential: no regenerate.
    let issued = emu.issued_secrets().len();
    let shown = flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        shown.contains(&format!(
            "\"actions-cred\" ({}) holds a secret that no longer works",
            credential.id
        )),
        "{shown}"
    );
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_eq!(assert_in_step(&emu, &bao, &tf).id, credential.id);
    tf.assert_no_changes();
}

#[test]
fn a_credential_no_sink_keeps_is_warned_about_until_wired() {
    let (emu, bao, tf) = setup();
    tf.write_config(&config(false, 1));
    tf.init();
    let applied = flat(&text(&tf.apply(&[])));
    let warning = "of OAuth client";
    assert!(
        applied.contains("is not kept current") && applied.contains(warning),
        "{applied}"
    );
    // The sink's create regenerated the secret: the credential's is dead.
    let stale = only_credential(&emu);
    assert!(!token_works(
        &emu.base_url(),
        &stale.fields["clientId"],
        &stale.fields["clientSecret"]
    ));
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = flat(&text(&out));
    assert!(
        shown.contains(&format!("Integration credential {} of OAuth client", stale.id))
            && shown.contains("integration_credential_id = genesyscloud_oauth_client.<name>.integration_credential_id"),
        "{shown}"
    );

    // Wired: the secret held in Vault goes into the credential, no regenerate.
    let issued = emu.issued_secrets().len();
    tf.write_config(&config(true, 1));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    let applied = flat(&text(&tf.apply_plan()));
    assert!(!applied.contains("is not kept current"), "{applied}");
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_in_step(&emu, &bao, &tf);
    tf.assert_no_changes();
}
