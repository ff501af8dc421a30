//! A credential belongs to one client, under the real CLI against the
//! emulator and a real OpenBao: two clients planned with one credential
//! name are refused before anything is made; with two clients of separate
//! states whose credentials share a name, a credential deleted outside
//! Terraform is never replaced by the other client's (each credential only
//! ever holds its own client's id and secret, and destroying one client
//! leaves the other's credential); a state that lost
//! `integration_credential_id` gets it back only from the provider's own
//! record, without a false warning; and a create under repeated 503s lists
//! once per attempt and counts its attempts.

use genesys_emulator::{Emulator, FaultKind, FaultRule, StoredCredential};

use crate::harness::{actions, emulator, flat, text, values, Tf};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::setup;

const CLIENTS: &str = "/api/v2/oauth/clients";
const NAME: &str = "shared-actions";

/// Client `key` with credential `NAME`, and its sink at `oauth/<key>`;
/// `n` is the sink's rotation trigger.
fn config(key: &str, n: u32) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "{key}" {{
  name                        = "actions-{key}"
  authorized_grant_type       = "CLIENT-CREDENTIALS"
  integration_credential_name = "{NAME}"
  roles {{
    role_id     = "role-integrations"
    division_id = "*"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "{key}" {{
  client_id                 = genesyscloud_oauth_client.{key}.client_id
  mount                     = "secret"
  path                      = "oauth/{key}"
  rotation_triggers         = {{ n = "{n}" }}
  integration_credential_id = genesyscloud_oauth_client.{key}.integration_credential_id
}}
"#
    )
}

/// A second working directory on the same emulator and OpenBao.
fn beside(emu: &Emulator, bao: &Bao) -> Tf {
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    tf
}

/// Two working directories (states) on one emulator and OpenBao, client `a`
/// in the first and `b` in the second, each with a credential of the same
/// name, both applied.
fn two_states_applied() -> (Emulator, Bao, Tf, Tf) {
    let (emu, bao, a) = setup();
    let b = beside(&emu, &bao);
    a.write_config(&config("a", 1));
    b.write_config(&config("b", 1));
    for tf in [&a, &b] {
        tf.init();
        tf.apply(&[]);
    }
    (emu, bao, a, b)
}

fn client(key: &str) -> String {
    format!("genesyscloud_oauth_client.{key}")
}

/// The client id and the credential id state records for client `key`.
fn recorded(tf: &Tf, key: &str) -> (String, Option<String>) {
    let state = tf.state_json();
    let v = values(&state, &client(key));
    (
        v["id"].as_str().expect("client id").to_string(),
        v["integration_credential_id"].as_str().map(str::to_string),
    )
}

fn credential(emu: &Emulator, id: &str) -> Option<StoredCredential> {
    emu.credentials().into_iter().find(|c| c.id == id)
}

/// Credential `id` holds exactly client `client_id` and the secret in
/// Vault at `oauth/<key>`, which works.
fn holds_its_own(emu: &Emulator, bao: &Bao, id: &str, client_id: &str, key: &str) {
    let c = credential(emu, id).unwrap_or_else(|| panic!("credential {id} is gone"));
    assert_eq!(c.name, NAME);
    assert_eq!(c.fields["clientId"], client_id, "credential {id}");
    let secret = bao.kv_data("secret", &format!("oauth/{key}"))["client_secret"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(c.fields["clientSecret"], secret, "credential {id} = Vault");
    assert!(token_works(&emu.base_url(), client_id, &secret));
}

#[test]
fn two_clients_with_one_credential_name_are_refused_before_anything_is_made() {
    let (emu, _bao, tf) = setup();
    tf.write_config(&format!("{}\n{}", config("a", 1), config("b", 1)));
    tf.init();
    for args in [
        &["plan", "-no-color"][..],
        &["apply", "-no-color", "-auto-approve"],
    ] {
        let refused = flat(&text(&tf.run_failing(args)));
        assert!(
            refused.contains(&format!(
                "Integration credential name \"{NAME}\" is given to two clients"
            )) && refused.contains("integration_credential_name")
                && refused.contains("give each client its own name"),
            "{refused}"
        );
    }
    assert!(emu.clients().is_empty(), "no client made");
    assert!(emu.credentials().is_empty(), "no credential made");
    assert_eq!(emu.request_count("POST", "/api/v2/"), 0);
}

/// The one credential that is not `b_credential`.
fn the_other(emu: &Emulator, b_credential: &str) -> String {
    let others: Vec<_> = emu
        .credentials()
        .into_iter()
        .filter(|c| c.id != b_credential)
        .collect();
    assert_eq!(others.len(), 1, "{others:?}");
    others[0].id.clone()
}

/// Destroying a deletes its own credential (`a_new`), never b's; then b's
/// destroy deletes b's.
fn destroy_a_then_b(emu: &Emulator, bao: &Bao, a: (&Tf, &str), b: (&Tf, &str, &str)) {
    let ((a, a_new), (b, b_credential, b_client)) = (a, b);
    a.destroy();
    assert_eq!(credential(emu, a_new), None);
    holds_its_own(emu, bao, b_credential, b_client, "b");
    b.destroy();
    assert!(emu.credentials().is_empty());
}

#[test]
fn a_credential_deleted_beside_another_of_its_name_is_replaced_by_the_one_holding_its_client() {
    let (emu, bao, a, b) = two_states_applied();
    let (a_client, a_first) = recorded(&a, "a");
    let (b_client, b_credential) = recorded(&b, "b");
    let (a_first, b_credential) = (a_first.expect("a's"), b_credential.expect("b's"));

    // a's credential is deleted outside Terraform: b's, of the same name,
    // holds b's client id (its GET shows it), so it is not taken for a's,
    // and a's sink makes a new one.
    assert!(emu.delete_credential(&a_first));
    let shown = flat(&text(&a.run(&["plan", "-no-color"])));
    assert!(
        shown.contains("Integration credential deleted outside Terraform")
            && shown.contains("The integration credential will be made again"),
        "{shown}"
    );
    a.apply(&[]);
    let a_new = the_other(&emu, &b_credential);

    // The next refresh records the one holding a's client id, never b's;
    // the sink follows it without a regenerate, and both plans are empty.
    let issued = emu.issued_secrets().len();
    a.apply(&[]);
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_eq!(recorded(&a, "a").1.as_deref(), Some(a_new.as_str()));
    assert_eq!(recorded(&b, "b").1.as_deref(), Some(b_credential.as_str()));
    holds_its_own(&emu, &bao, &a_new, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");
    a.assert_no_changes();
    b.assert_no_changes();

    destroy_a_then_b(&emu, &bao, (&a, &a_new), (&b, &b_credential, &b_client));
}

#[test]
fn a_credential_deleted_beside_another_of_its_name_is_never_replaced_by_that_one_where_genesys_hides_whose_it_is(
) {
    let (emu, bao, a, b) = two_states_applied();
    emu.set_credential_client_id_hidden(true);
    let (a_client, a_first) = recorded(&a, "a");
    let (b_client, b_credential) = recorded(&b, "b");
    let (a_first, b_credential) = (a_first.expect("a's"), b_credential.expect("b's"));
    holds_its_own(&emu, &bao, &a_first, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");

    // a's credential is deleted outside Terraform: b's, of the same name,
    // is not taken for a's, and a's sink makes a new one.
    assert!(emu.delete_credential(&a_first));
    let shown = flat(&text(&a.run(&["plan", "-no-color"])));
    assert!(
        shown.contains("Integration credential deleted outside Terraform")
            && shown.contains("it is not taken for this client's")
            && shown.contains("The integration credential will be made again"),
        "{shown}"
    );
    a.apply(&[]);
    assert_eq!(recorded(&a, "a").1.as_deref(), Some(a_first.as_str()));
    let a_new = the_other(&emu, &b_credential);
    holds_its_own(&emu, &bao, &a_new, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");

    // Rotations of either write only its own credential.
    b.write_config(&config("b", 2));
    b.apply(&[]);
    a.write_config(&config("a", 2));
    let applied = flat(&text(&a.apply(&[])));
    assert!(
        applied.contains(&format!("{a_first} was replaced by {a_new}")),
        "{applied}"
    );
    holds_its_own(&emu, &bao, &a_new, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");
    a.assert_no_changes();
    b.assert_no_changes();

    // The new credential is recorded on a's client by an import; the sink
    // takes the id without a regenerate.
    a.run(&["state", "rm", &client("a")]);
    a.run(&["import", &client("a"), &format!("{a_client}:{a_new}")]);
    let issued = emu.issued_secrets().len();
    let plan = a.plan_json(&[]);
    assert_eq!(
        actions(&plan, "genesyscloud_oauth_client_vault_secret.a"),
        ["update"]
    );
    a.apply_plan();
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    assert_eq!(recorded(&a, "a").1.as_deref(), Some(a_new.as_str()));
    a.assert_no_changes();

    destroy_a_then_b(&emu, &bao, (&a, &a_new), (&b, &b_credential, &b_client));
}

/// Sets `integration_credential_id` and `integration_credential_name` of
/// client `key` to null, as an older release's refresh leaves them, and
/// with `keep_private` false drops the private record too.
fn lose_credential_id(tf: &Tf, key: &str, keep_private: bool) {
    let pulled = tf.run(&["state", "pull"]);
    let mut state: serde_json::Value = serde_json::from_slice(&pulled.stdout).expect("state");
    state["serial"] = (state["serial"].as_u64().unwrap_or(0) + 1).into();
    let resources = state["resources"].as_array_mut().expect("resources");
    let resource = resources
        .iter_mut()
        .find(|r| r["type"] == "genesyscloud_oauth_client" && r["name"] == key)
        .expect("client in state");
    let instance = &mut resource["instances"][0];
    instance["attributes"]["integration_credential_id"] = serde_json::Value::Null;
    instance["attributes"]["integration_credential_name"] = serde_json::Value::Null;
    if !keep_private {
        instance
            .as_object_mut()
            .expect("instance")
            .remove("private");
    }
    let path = tf.path().join("edited.tfstate");
    std::fs::write(&path, serde_json::to_vec(&state).expect("json")).expect("write");
    tf.run(&["state", "push", "edited.tfstate"]);
}

#[test]
fn a_lost_credential_id_comes_back_from_the_providers_record_or_the_holder_genesys_shows() {
    let (emu, bao, a, b) = two_states_applied();
    let (a_client, a_credential) = recorded(&a, "a");
    let (b_client, b_credential) = recorded(&b, "b");

    // The private record names a's credential for a's client: found again,
    // no warning, no change.
    lose_credential_id(&a, "a", true);
    let out = a.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    let shown = flat(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(!shown.contains("Warning"), "{shown}");
    a.run(&["apply", "-auto-approve", "-refresh-only"]);
    assert_eq!(recorded(&a, "a").1, a_credential);

    // Without the record and without the name in state, nothing is looked
    // up: none is taken, and the warning says so truthfully.
    lose_credential_id(&a, "a", false);
    let shown = flat(&text(&a.run(&["plan", "-no-color"])));
    assert!(
        shown.contains(&format!(
            "No integration credential \"{NAME}\" is recorded for this client"
        )) && !shown.contains("holds this client's secret"),
        "{shown}"
    );
    a.run(&["apply", "-auto-approve", "-refresh-only"]);
    assert_eq!(recorded(&a, "a").1, None);
    let (a_credential, b_credential) = (a_credential.expect("a's"), b_credential.expect("b's"));
    holds_its_own(&emu, &bao, &a_credential, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");

    // Where the credentials' GETs show whose they are, the apply that puts
    // the configured name back in state lets the refresh after it take the
    // one holding a's client id, never b's, with no regenerate.
    let issued = emu.issued_secrets().len();
    a.apply(&[]);
    a.apply(&[]);
    assert_eq!(recorded(&a, "a").1.as_deref(), Some(a_credential.as_str()));
    assert_eq!(emu.issued_secrets().len(), issued, "no regenerate");
    a.assert_no_changes();
    holds_its_own(&emu, &bao, &a_credential, &a_client, "a");
    holds_its_own(&emu, &bao, &b_credential, &b_client, "b");
}

#[test]
fn a_create_under_repeated_503s_lists_once_per_attempt_and_counts_its_attempts() {
    let emu = emulator();
    // Every attempt max_retries = 3 allows is answered 503.
    emu.inject(
        FaultRule::new(FaultKind::Status503)
            .method("POST")
            .path(CLIENTS)
            .times(4),
    );
    let tf = Tf::new(&emu.base_url());
    let provider = "max_retries = 3\nconsistency_timeout_seconds = 2";
    tf.write_config_with_provider(
        provider,
        r#"
resource "genesyscloud_oauth_client" "flaky" {
  name                  = "flaky"
  authorized_grant_type = "CLIENT-CREDENTIALS"
}
"#,
    );
    tf.init();
    let failed = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    let posts = emu.request_count("POST", CLIENTS);
    let lists = emu.request_count("GET", CLIENTS);
    eprintln!("uncertain create under 503s: {posts} POSTs, {lists} listings");
    assert_eq!(posts, 4, "{failed}");
    assert!(
        failed.contains("gave up after 4 attempts: retry limit reached"),
        "{failed}"
    );
    // One listing of the names at the first create, one look per attempt.
    assert_eq!(lists, 1 + posts, "{failed}");
    assert!(emu.clients().is_empty());

    // Genesys answers again: one client, no duplicate.
    tf.apply(&[]);
    assert_eq!(emu.clients().len(), 1);
    tf.assert_no_changes();
}
