//! One client, one sink across Terraform states: each test keeps the OAuth
//! client in a state of its own and its sinks in two others (two working
//! directories, as two HCP Terraform workspaces), all on one OpenBao. The
//! claim in Vault (`genesyscloud-claims/oauth-clients/<id>` on the sink's
//! mount) is what the second state's plan sees.

use genesys_emulator::Emulator;
use serde_json::Value;

use crate::consumer::Consumer;
use crate::harness::{flat, text, Tf};
use crate::standby::{client as named_client, id_of, ADMIN_ROLE};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::{client_id, setup};

/// The client, alone in its state.
const CLIENT: &str = r#"
resource "genesyscloud_oauth_client" "ci" {
  name                  = "ci-pipeline"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {
    role_id = "role-admin"
  }
}
"#;

/// The first state's entry, and the second's.
const FIRST: &str = "crm/app";
const SECOND: &str = "reporting/app";

/// A state holding one sink for client `id` at `secret/{path}`.
fn sink_state(emu: &Emulator, bao: &Bao, id: &str, path: &str) -> Tf {
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    tf.write_config(&sink(id, path, ""));
    tf.init();
    tf
}

/// A sink for client `id` at `secret/{path}`, with `more` in its block.
fn sink(id: &str, path: &str, more: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client_vault_secret" "app" {{
  client_id = "{id}"
  mount     = "secret"
  path      = "{path}"
  {more}
}}
"#
    )
}

/// The client made in a state of its own; its id.
fn client(tf: &Tf) -> String {
    tf.write_config(CLIENT);
    tf.init();
    tf.apply(&[]);
    client_id(tf)
}

/// Regenerates seen by the emulator (`POST …/{id}/secret`).
fn regenerates(emu: &Emulator) -> usize {
    emu.request_count("POST", "/api/v2/oauth/clients/")
}

/// The claim of client `id`, as Vault holds it (`Null`: none live).
fn claim(bao: &Bao, id: &str) -> Value {
    bao.kv_data("secret", &format!("genesyscloud-claims/oauth-clients/{id}"))
}

/// Fails unless the claim of client `id` names `secret/{path}` and the
/// credentials there get a token.
fn assert_kept_by(emu: &Emulator, bao: &Bao, id: &str, path: &str) {
    assert_eq!(claim(bao, id)["entry"], format!("secret/{path}").as_str());
    assert!(entry_works(emu, bao, path), "secret/{path} works");
}

/// Whether the credentials at `secret/{path}` get a token.
fn entry_works(emu: &Emulator, bao: &Bao, path: &str) -> bool {
    let data = bao.kv_data("secret", path);
    token_works(
        &emu.base_url(),
        data["client_id"].as_str().unwrap_or_default(),
        data["client_secret"].as_str().unwrap_or_default(),
    )
}

#[test]
fn a_second_state_is_refused_until_the_first_lets_the_client_go() {
    let (emu, bao, clients) = setup();
    let id = client(&clients);
    let first = sink_state(&emu, &bao, &id, FIRST);
    first.apply(&[]);
    assert_eq!(
        claim(&bao, &id)["entry"],
        format!("secret/{FIRST}").as_str()
    );
    assert_eq!(claim(&bao, &id)["sink-client-id"], id.as_str());

    let consumer = Consumer::start(&bao.addr, "secret", FIRST, &emu.base_url());
    let before = regenerates(&emu);
    let second = sink_state(&emu, &bao, &id, SECOND);
    let out = second.run_failing(&["plan", "-no-color"]);
    let shown = flat(&text(&out));
    assert!(
        shown.contains("kept by a sink in another Terraform state")
            && shown.contains(&format!("kept by the sink at secret/{FIRST}"))
            && shown.contains("removed")
            && shown.contains("client_id"),
        "{shown}"
    );
    second.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert_eq!(regenerates(&emu), before, "nothing regenerated");
    assert!(
        bao.kv_metadata("secret", SECOND).is_null(),
        "nothing written"
    );
    consumer
        .stop()
        .assert_no_outage("a second state's refused plan");

    // The first state lets the client go: its destroy releases the claim,
    // and the second state applies.
    first.destroy();
    assert!(claim(&bao, &id).is_null(), "released");
    second.apply(&[]);
    assert_kept_by(&emu, &bao, &id, SECOND);
    second.assert_no_changes();
}

#[test]
fn a_claim_left_by_a_lost_state_is_taken_over_with_a_warning() {
    let (emu, bao, clients) = setup();
    let id = client(&clients);
    let first = sink_state(&emu, &bao, &id, FIRST);
    first.apply(&[]);
    // The first state is lost, and its entry deleted with it: the claim
    // names an entry that no longer holds the client.
    drop(first);
    let (status, _) = bao.call("DELETE", &format!("secret/metadata/{FIRST}"), None);
    assert_eq!(status, 204);

    let second = sink_state(&emu, &bao, &id, SECOND);
    let out = flat(&text(&second.apply(&[])));
    assert!(
        out.contains("Warning: A stale claim on the OAuth client is taken over")
            && out.contains(&format!("secret/{FIRST}")),
        "{out}"
    );
    assert_kept_by(&emu, &bao, &id, SECOND);
}

#[test]
fn of_two_applies_at_once_for_one_client_one_wins_and_the_other_regenerates_nothing() {
    let (emu, bao, clients) = setup();
    let id = client(&clients);
    // Both plans see the client unclaimed; then both applies start.
    let states = [
        sink_state(&emu, &bao, &id, FIRST),
        sink_state(&emu, &bao, &id, SECOND),
    ];
    for tf in &states {
        tf.run(&["plan", "-no-color", "-out=tfplan"]);
    }
    // Terraform plans each sink again at apply, reading its claim while
    // it reads the client: held up 1.5 s there, both applies read the
    // claim unclaimed before either writes it, so the claim's
    // check-and-set is what decides.
    emu.inject(
        genesys_emulator::FaultRule::new(genesys_emulator::FaultKind::Latency { millis: 1500 })
            .method("GET")
            .path("/api/v2/oauth/clients/")
            .times(2),
    );
    let before = regenerates(&emu);
    let running: Vec<_> = states
        .iter()
        .map(|tf| tf.spawn(&["apply", "-no-color", "tfplan"]))
        .collect();
    let outs: Vec<_> = running
        .into_iter()
        .map(|child| child.wait_with_output().expect("apply"))
        .collect();
    let won: Vec<bool> = outs.iter().map(|o| o.status.success()).collect();
    assert_eq!(
        won.iter().filter(|w| **w).count(),
        1,
        "exactly one apply wins:\n{}\n{}",
        text(&outs[0]),
        text(&outs[1])
    );
    assert_eq!(
        regenerates(&emu),
        before + 1,
        "the loser regenerated nothing"
    );
    let (winner, loser) = if won[0] { (FIRST, 1) } else { (SECOND, 0) };
    let lost = flat(&text(&outs[loser]));
    assert!(
        lost.contains("could not be written")
            && lost.contains("Nothing was regenerated")
            && lost.contains(&format!("secret/{winner}")),
        "{lost}"
    );
    assert_kept_by(&emu, &bao, &id, winner);
}

#[test]
fn a_token_without_rights_on_the_claims_gets_a_warning_and_the_sink_works() {
    let (emu, bao, clients) = setup();
    let id = client(&clients);
    let sink_only = bao.kv_token(
        "sink-only",
        SECOND,
        &["create", "read", "update", "delete"],
        &["create", "read", "update", "delete"],
    );
    let mut tf = sink_state(&emu, &bao, &id, SECOND);
    tf.env("VAULT_TOKEN", &sink_only);
    let planned = flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        planned.contains("Warning: One client, one sink: not checked across Terraform states")
            && planned.contains("path \"secret/data/genesyscloud-claims/oauth-clients/*\""),
        "{planned}"
    );
    tf.apply(&[]);
    assert!(entry_works(&emu, &bao, SECOND));
    assert!(claim(&bao, &id).is_null(), "no claim could be written");
    tf.assert_no_changes();
    tf.destroy();
    assert!(bao.kv_metadata("secret", SECOND).is_null());
}

#[test]
fn a_pair_claims_both_its_clients_and_a_standby_that_leaves_is_released() {
    let (emu, bao, clients) = setup();
    let names = ["blue", "green", "spare"];
    let config: String = names.map(|n| named_client(n, "", ADMIN_ROLE)).concat();
    clients.write_config(&config);
    clients.init();
    clients.apply(&[]);
    let [blue, green, spare] = names.map(|n| id_of(&clients, n));
    let standby = |id: &str| format!("standby_client_id = \"{id}\"");
    let first = sink_state(&emu, &bao, &blue, FIRST);
    first.write_config(&sink(&blue, FIRST, &standby(&green)));
    first.apply(&[]);
    for id in [&blue, &green] {
        assert_eq!(claim(&bao, id)["entry"], format!("secret/{FIRST}").as_str());
        assert_eq!(claim(&bao, id)["sink-client-id"], blue.as_str());
    }

    // Another state's sink for the standby is refused.
    let second = sink_state(&emu, &bao, &green, SECOND);
    let out = flat(&text(&second.run_failing(&["plan", "-no-color"])));
    assert!(
        out.contains("kept by a sink in another Terraform state")
            && out.contains(&format!("secret/{FIRST}")),
        "{out}"
    );

    // The first sink changes its standby: the new one is claimed, the one
    // that left is released, and nothing is regenerated.
    let before = regenerates(&emu);
    first.write_config(&sink(&blue, FIRST, &standby(&spare)));
    first.apply(&[]);
    assert_eq!(regenerates(&emu), before);
    assert_eq!(
        claim(&bao, &spare)["entry"],
        format!("secret/{FIRST}").as_str()
    );
    assert!(claim(&bao, &green).is_null(), "released");
    second.apply(&[]);
    assert_kept_by(&emu, &bao, &green, SECOND);
    assert!(entry_works(&emu, &bao, FIRST), "the first sink's consumers");

    // A swap of the pair's ids moves the entry's mark to spare: the claims
    // follow it, so blue is still found kept by the first sink.
    first.write_config(&sink(&spare, FIRST, &standby(&blue)));
    first.apply(&[]);
    assert_eq!(
        regenerates(&emu),
        before + 1,
        "the second sink's create only"
    );
    for id in [&blue, &spare] {
        assert_eq!(claim(&bao, id)["sink-client-id"], spare.as_str());
    }
    let third = sink_state(&emu, &bao, &blue, "third/app");
    let out = flat(&text(&third.run_failing(&["plan", "-no-color"])));
    assert!(
        out.contains(&format!("kept by the sink at secret/{FIRST}")),
        "{out}"
    );
}
