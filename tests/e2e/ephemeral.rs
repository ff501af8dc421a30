//! `ephemeral "genesyscloud_oauth_client_credentials"` under the real CLI,
//! against the emulator and a real OpenBao: other provider configurations
//! log in with the credentials a sink keeps (an alias of this provider,
//! with the client's id and secret, or with the access token the ephemeral
//! resource answers), in the apply that writes them and after a rotation of
//! a pair; the secret and the token reach no state, saved plan or log; the
//! token is revoked at close; an entry that cannot be used fails the open
//! on the right attribute and changes nothing; one open costs one Vault
//! read and one token exchange.

use genesys_emulator::Emulator;

use crate::harness::{assert_absent, flat, text, Tf, ADMIN_SECRET};
use crate::proxy::Proxy;
use crate::standby::{self, SINK as PAIR_SINK};
use crate::vault::ROOT_TOKEN;
use crate::vault_secret::{client_id, seed, setup, PATH, SINK};

const EPHEMERAL: &str = "ephemeral.genesyscloud_oauth_client_credentials.ci";

/// The ephemeral resource reading the sink `sink` writes (the version
/// pinned to the sink's, so an apply that writes the entry opens it after
/// the write), with `extra` in its block; an alias of this provider logging
/// in with its client id and secret, and one with its access token; a data
/// source read through each, and their answers as outputs.
fn readers(sink: &str, name: &str, extra: &str) -> String {
    format!(
        r#"
ephemeral "genesyscloud_oauth_client_credentials" "ci" {{
  mount        = "secret"
  path         = {sink}.path
  version      = {sink}.vault_version
  access_token = true
  {extra}
}}

provider "genesyscloud" {{
  alias              = "rotated"
  oauthclient_id     = {EPHEMERAL}.client_id
  oauthclient_secret = {EPHEMERAL}.client_secret
}}

provider "genesyscloud" {{
  alias        = "bearer"
  access_token = {EPHEMERAL}.bearer_token
}}

data "genesyscloud_oauth_client" "with_secret" {{
  provider   = genesyscloud.rotated
  name       = "{name}"
  depends_on = [{sink}]
}}

data "genesyscloud_oauth_client" "with_token" {{
  provider   = genesyscloud.bearer
  name       = "{name}"
  depends_on = [{sink}]
}}

output "seen" {{
  value = [data.genesyscloud_oauth_client.with_secret.id, data.genesyscloud_oauth_client.with_token.id]
}}
"#
    )
}

/// The outputs' `seen` list.
fn seen(tf: &Tf) -> Vec<String> {
    let out = tf.run(&["output", "-json", "seen"]);
    serde_json::from_slice(&out.stdout).expect("seen")
}

/// Everything the emulator issued and the credentials the test gave.
fn needles(emu: &Emulator) -> Vec<String> {
    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.into());
    needles.push(ROOT_TOKEN.into());
    needles
}

#[test]
fn one_apply_creates_a_client_and_its_sink_and_logs_in_with_them_ephemerally() {
    let (emu, bao, mut tf) = setup();
    tf.env("TF_LOG", "trace");
    let config = format!("{}{}", seed(""), readers(SINK, "ci-pipeline", ""));
    tf.write_config(&config);
    tf.init();
    let plan = tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let show = tf.run(&["show", "-json", "tfplan"]);
    assert!(
        emu.revoked_tokens().is_empty(),
        "nothing is opened at plan while the entry is not written"
    );
    let apply = tf.apply_plan();

    let id = client_id(&tf);
    assert_eq!(
        seen(&tf),
        [id.clone(), id.clone()],
        "both aliases logged in"
    );
    let revoked = emu.revoked_tokens();
    assert_eq!(revoked.len(), 1, "the open's token is revoked at close");
    assert!(emu.issued_tokens().contains(&revoked[0]));

    // Once the entry exists, a plan opens the resource (and closes it).
    let again = tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let again_show = tf.run(&["show", "-json", "tfplan"]);
    assert_eq!(emu.revoked_tokens().len(), 2);

    let needles = needles(&emu);
    let secret = crate::vault_secret::stored_secret(&bao);
    assert!(needles.contains(&secret) && needles.contains(&revoked[0]));
    let logs = [&plan, &show, &apply, &again, &again_show]
        .map(text)
        .join("\n");
    assert!(
        logs.contains("OpenEphemeralResource"),
        "the trace covers the open"
    );
    assert_absent("TF_LOG=trace output and saved plans", &logs, &needles);
    assert_absent("state", &tf.state_text(), &needles);
    assert!(!tf
        .state_text()
        .contains("genesyscloud_oauth_client_credentials"));
}

/// An attribute of a managed resource, read from the state file itself:
/// Terraform 1.11's `show -json` crashes on a state whose configuration has
/// a postcondition on an ephemeral resource (its check results name an
/// ephemeral resource, which 1.11's JSON renderer does not know; fixed in
/// 1.15, hashicorp/terraform#37893).
fn in_state(tf: &Tf, kind: &str, name: &str, attribute: &str) -> String {
    let state: serde_json::Value = serde_json::from_str(&tf.state_text()).expect("state");
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["mode"] == "managed" && r["type"] == kind && r["name"] == name)
        .and_then(|r| r["instances"][0]["attributes"][attribute].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn after_a_rotation_of_a_pair_the_answer_is_the_new_active_client() {
    let (emu, bao, tf) = setup();
    // Terraform itself checks, at every open, that the answer is the client
    // the sink just wrote.
    let check = format!(
        "lifecycle {{\n    postcondition {{\n      condition     = self.client_id == {PAIR_SINK}.active_client_id\n      error_message = \"not the active client\"\n    }}\n  }}"
    );
    let config = |trigger| {
        format!(
            "{}{}",
            standby::pair(trigger, ""),
            readers(PAIR_SINK, "ci-blue", &check)
        )
    };
    let client = |name| in_state(&tf, "genesyscloud_oauth_client", name, "id");
    let active = || {
        in_state(
            &tf,
            "genesyscloud_oauth_client_vault_secret",
            "ci",
            "active_client_id",
        )
    };
    tf.write_config(&config(1));
    tf.init();
    tf.apply(&[]);
    let (blue, green) = (client("blue"), client("green"));
    assert_eq!(active(), blue);
    assert_eq!(seen(&tf), [blue.clone(), blue.clone()]);

    // The rotation writes green; the open follows it in the same apply, and
    // both aliases log in with green's credentials.
    tf.write_config(&config(2));
    tf.apply(&[]);
    assert_eq!(active(), green);
    let entry = standby::read(&bao);
    assert_eq!(entry.0, green);
    assert!(standby::works(&emu, &entry));
    assert_eq!(
        seen(&tf),
        [blue.clone(), blue],
        "read through green's login"
    );
    assert_eq!(
        emu.revoked_tokens().len(),
        2,
        "one open per apply, after the write, its token revoked"
    );
}

/// Only the ephemeral resource (`count` of them), reading the entry of the
/// seed's sink, with `extra` in its block.
fn reader_only(count: u32, extra: &str) -> String {
    format!(
        r#"
ephemeral "genesyscloud_oauth_client_credentials" "ci" {{
  count = {count}
  mount = "secret"
  path  = "{PATH}"
  {extra}
}}
"#
    )
}

/// `plan` in `tf`, which must fail; its output as one line.
fn refused(tf: &Tf, body: &str) -> String {
    tf.write_config_with_provider("  consistency_timeout_seconds = 1", body);
    flat(&text(&tf.run_failing(&["plan", "-no-color"])))
}

#[test]
fn an_entry_that_cannot_be_used_fails_the_open_and_one_open_costs_one_read_and_one_exchange() {
    let (emu, bao, tf) = setup();
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let version = || bao.kv_metadata("secret", PATH)["current_version"].clone();
    let written = version();

    let proxy = Proxy::start(&bao.addr);
    let mut reader = Tf::new(&emu.base_url());
    reader
        .env("VAULT_ADDR", &proxy.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    reader.write_config(&reader_only(3, ""));
    reader.init();
    let schema = reader.run(&["providers", "schema", "-json"]);
    let schema: serde_json::Value = serde_json::from_slice(&schema.stdout).expect("schema");
    let listed = &schema["provider_schemas"][format!(
        "registry.terraform.io/{}/genesyscloud",
        crate::harness::NAMESPACE
    )]["ephemeral_resource_schemas"]["genesyscloud_oauth_client_credentials"];
    assert!(listed["block"]["attributes"]["client_secret"]["sensitive"] == true);

    // Three opens in one plan: three reads of the entry, three exchanges;
    // the token lookup and the mount lookup once for the process.
    proxy.take_requests();
    let exchanges = || emu.request_count("POST", "/oauth/token");
    let before = exchanges();
    reader.run(&["plan", "-no-color"]);
    let requests = proxy.take_requests();
    eprintln!("Vault requests for 3 opens: {requests:#?}");
    let count = |r: &str| requests.get(r).copied().unwrap_or(0);
    assert_eq!(count(&format!("GET /v1/secret/data/{PATH}")), 3);
    assert_eq!(count("GET /v1/sys/internal/ui/mounts/secret"), 1);
    assert_eq!(requests.values().sum::<usize>(), 3 + 2, "{requests:#?}");
    assert_eq!(exchanges() - before, 3, "one exchange per open, no login");
    let regenerates = || emu.request_count("POST", "/api/v2/oauth/clients/");
    let regenerated = regenerates();

    // Each refusal is on its attribute, and nothing changes anywhere.
    let missing = refused(
        &reader,
        &reader_only(1, "").replace(PATH, "genesys/oauth/none"),
    );
    assert!(
        missing.contains("No entry at secret/genesys/oauth/none"),
        "{missing}"
    );
    assert!(
        missing.contains("path = \"genesys/oauth/none\""),
        "{missing}"
    );
    let no_key = refused(&reader, &reader_only(1, "client_secret_key = \"nope\""));
    assert!(
        no_key.contains(&format!("No key \"nope\" in secret/{PATH}")),
        "{no_key}"
    );
    assert!(no_key.contains("client_secret_key = \"nope\""), "{no_key}");

    assert!(emu.regenerate_secret(&id).is_some());
    let reset = refused(&reader, &reader_only(1, ""));
    assert!(
        reset.contains(&format!(
            "Genesys Cloud refuses the credentials of OAuth client {id}"
        )) && reset.contains(&format!("read from secret/{PATH} (version 1")),
        "{reset}"
    );

    let stored = crate::vault_secret::stored_secret(&bao);
    bao.kv_put(
        "secret",
        PATH,
        serde_json::json!({"client_id": "intruder-client", "client_secret": stored}),
    );
    let intruder = refused(&reader, &reader_only(1, "verify = false"));
    assert!(
        intruder.contains(&format!(
            "secret/{PATH} does not hold the client its sink wrote"
        )) && intruder.contains("intruder-client")
            && intruder.contains(&id),
        "{intruder}"
    );
    assert_eq!(regenerates(), regenerated, "nothing regenerated");
    assert_eq!(version().as_u64(), written.as_u64().map(|v| v + 1));
    assert_absent(
        "refusals",
        &[missing, no_key, reset, intruder].join("\n"),
        &needles(&emu),
    );
}
