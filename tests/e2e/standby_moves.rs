//! Operator moves on a sink with a standby that must never cost consumers
//! their working credentials (issue 20): a standby set inactive outside
//! Terraform or in the configuration, a new secret that Genesys Cloud
//! refuses before or after it is written, and the two ids swapped. Each runs a consumer that follows
//! the contract in the background. Against the emulator and a real
//! OpenBao, under the real CLI.

use genesys_emulator::Emulator;

use crate::consumer::{Consumer, Report};
use crate::harness::{actions, flat, text, values, Tf};
use crate::standby::{client, id_of, pair, read, regenerates, works, ADMIN_ROLE, PATH, SINK};
use crate::vault::Bao;
use crate::vault_secret::setup;

/// The CLI's output as one line.
fn flat_text(out: &std::process::Output) -> String {
    flat(&text(out))
}

/// The pair applied with blue in Vault and a consumer reading it; the
/// provider gives up on a refused new secret at once (no propagation wait).
fn applied_pair() -> (Emulator, Bao, Tf, String, String, Consumer) {
    let (emu, bao, tf) = setup();
    write(&tf, &pair(1, ""));
    tf.init();
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    assert_eq!(read(&bao).0, blue);
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    (emu, bao, tf, blue, green, consumer)
}

fn write(tf: &Tf, body: &str) {
    tf.write_config_with_provider("  consistency_timeout_seconds = 0", body);
}

/// The version of the entry (KV v2).
fn version(bao: &Bao) -> u64 {
    bao.kv_metadata("secret", PATH)["current_version"]
        .as_u64()
        .expect("current_version")
}

/// The pair with green managed outside this configuration (its id
/// written as is).
fn green_outside(n: u32, green: &str) -> String {
    pair(n, "")
        .replace(&client("green", "", ADMIN_ROLE), "")
        .replace(
            "genesyscloud_oauth_client.green.client_id",
            &format!("\"{green}\""),
        )
}

#[test]
fn an_inactive_standby_stops_the_rotation_before_anything_is_regenerated() {
    let (emu, bao, tf, _blue, green, consumer) = applied_pair();
    let before = read(&bao);
    // Green leaves the configuration (an operator manages it elsewhere)
    // and is set inactive there.
    tf.run(&["state", "rm", "genesyscloud_oauth_client.green"]);
    write(&tf, &green_outside(1, &green));
    tf.assert_no_changes();
    assert!(emu.set_client_state(&green, "inactive"));
    write(&tf, &green_outside(2, &green));

    let plan = flat_text(&tf.run(&["plan", "-no-color"]));
    assert!(
        plan.contains("The rotation's client cannot be used now") && plan.contains(&green),
        "the plan warns: {plan}"
    );
    let regenerated = regenerates(&emu);
    let apply = flat_text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(
        apply.contains(&format!("OAuth client {green} (standby_client_id)"))
            && apply.contains("Nothing was regenerated or written")
            && apply.contains("remove standby_client_id"),
        "{apply}"
    );
    assert_eq!(regenerates(&emu), regenerated, "nothing regenerated");
    assert_eq!(read(&bao), before, "Vault unchanged");
    assert!(works(&emu, &before));

    // Activated again, the rotation goes through.
    assert!(emu.set_client_state(&green, "active"));
    tf.apply(&[]);
    let now = read(&bao);
    assert_eq!(now.0, green);
    assert!(works(&emu, &now) && works(&emu, &before));
    tf.assert_no_changes();
    consumer.stop().assert_no_outage("inactive standby");
}

#[test]
fn a_standby_made_inactive_by_the_configuration_is_refused_at_plan() {
    let (emu, bao, tf, _blue, green, consumer) = applied_pair();
    let before = read(&bao);
    let inactive = |n: u32| {
        pair(n, "").replace(
            "name = \"ci-green\"",
            "name = \"ci-green\"\n  state = \"inactive\"",
        )
    };
    // No rotation planned: the standby may be inactive.
    write(&tf, &inactive(1));
    tf.apply(&[]);
    assert_eq!(read(&bao), before);

    write(&tf, &inactive(2));
    let regenerated = regenerates(&emu);
    let plan = flat_text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        plan.contains("The rotation would write credentials that cannot work")
            && plan.contains(&format!("OAuth client {green}"))
            && plan.contains("standby_client_id"),
        "{plan}"
    );
    assert_eq!(regenerates(&emu), regenerated);
    assert_eq!(read(&bao), before);
    assert!(works(&emu, &before));
    consumer
        .stop()
        .assert_no_outage("standby inactive in config");
}

#[test]
fn a_new_secret_refused_before_the_write_is_never_written() {
    let (emu, bao, tf, _blue, green, consumer) = applied_pair();
    let before = read(&bao);
    let written = version(&bao);
    emu.refuse_tokens(&green, 0);
    write(&tf, &pair(2, ""));
    let apply = flat_text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(
        apply.contains(&format!(
            "the new secret of OAuth client {green} was refused"
        )) && apply.contains("so it was not written"),
        "{apply}"
    );
    assert_eq!(read(&bao), before, "Vault unchanged");
    assert_eq!(version(&bao), written);
    assert!(works(&emu, &before));

    emu.accept_tokens(&green);
    tf.apply(&[]);
    let now = read(&bao);
    assert_eq!(now.0, green);
    assert!(works(&emu, &now) && works(&emu, &before));
    tf.assert_no_changes();
    consumer
        .stop()
        .assert_no_outage("new secret refused before the write");
}

#[test]
fn a_read_back_that_fails_puts_the_previous_credentials_back() {
    let (emu, bao, tf, blue, green, consumer) = applied_pair();
    let before = read(&bao);
    let written = version(&bao);
    // The exchange before the write passes; the read-back after it fails.
    emu.refuse_tokens(&green, 1);
    write(&tf, &pair(2, ""));
    let apply = flat_text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(
        apply.contains("the previous credentials are back in Vault")
            && apply.contains(&format!("The credentials of OAuth client {blue}")),
        "{apply}"
    );
    assert_eq!(read(&bao), before, "blue's credentials, written again");
    assert_eq!(version(&bao), written + 2, "the write, then the restore");
    assert_eq!(
        bao.kv_metadata("secret", PATH)["custom_metadata"]["genesys-active-client-id"],
        blue.as_str()
    );
    assert!(works(&emu, &before));
    let during = consumer.stop();
    only_while_green_was_in_vault(&during, &green);

    // The rotation is still to be done; once green works it goes through.
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    emu.accept_tokens(&green);
    tf.apply(&[]);
    let now = read(&bao);
    assert_eq!(now.0, green);
    assert!(works(&emu, &now) && works(&emu, &before));
    tf.assert_no_changes();
    consumer
        .stop()
        .assert_no_outage("the rotation after the restore");
}

/// Between the write of credentials that fail and the restore (a few
/// milliseconds), a consumer may read them: the only outage allowed.
fn only_while_green_was_in_vault(report: &Report, green: &str) {
    assert!(report.rounds > 0);
    eprintln!(
        "restore window: {} rounds, {} recovered by the re-read, {} outages",
        report.rounds,
        report.recovered,
        report.outages.len()
    );
    assert!(
        report.outages.iter().all(|(_, id)| id == green) && report.outages.len() <= 3,
        "outages beyond the restore window: {report:?}"
    );
}

/// The pair with its two ids swapped: green is client_id, blue the standby.
fn swapped(n: u32) -> String {
    pair(n, "")
        .replace("blue.client_id", "BLUE")
        .replace("green.client_id", "blue.client_id")
        .replace("BLUE", "green.client_id")
}

#[test]
fn swapping_client_id_and_standby_is_the_same_pair() {
    let (emu, bao, tf, blue, green, consumer) = applied_pair();
    let before = read(&bao);
    let written = version(&bao);
    let (regenerated, issued) = (regenerates(&emu), emu.issued_secrets().len());

    write(&tf, &swapped(1));
    let shown = flat_text(&tf.run(&["plan", "-no-color"]));
    assert!(!shown.contains("will regenerate"), "{shown}");
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"], "no replacement");
    tf.apply_plan();
    assert_eq!(regenerates(&emu), regenerated, "nothing regenerated");
    assert_eq!(emu.issued_secrets().len(), issued);
    assert_eq!(read(&bao), before);
    assert_eq!(version(&bao), written, "the entry's data untouched");
    let md = bao.kv_metadata("secret", PATH);
    assert_eq!(md["custom_metadata"]["genesys-client-id"], green.as_str());
    assert_eq!(
        md["custom_metadata"]["genesys-active-client-id"],
        blue.as_str()
    );
    assert_eq!(
        values(&tf.state_json(), SINK)["active_client_id"],
        blue.as_str()
    );
    tf.assert_no_changes();

    // The next rotation writes the client that is not in Vault: green;
    // the plan says so, and why.
    write(&tf, &swapped(2));
    let shown = flat_text(&tf.run(&["plan", "-no-color"]));
    assert!(
        shown.contains("The apply will regenerate a client secret")
            && shown.contains(&format!("regenerates the secret of OAuth client {green}"))
            && shown.contains("because rotation_triggers changed")
            && shown.contains(&format!(
                "OAuth client {blue}, which the entry holds now, are left alone"
            )),
        "{shown}"
    );
    tf.apply(&[]);
    let now = read(&bao);
    assert_eq!(now.0, green);
    assert!(works(&emu, &now) && works(&emu, &before));
    tf.assert_no_changes();
    consumer.stop().assert_no_outage("ids swapped");

    // The mark names the new client_id: destroy removes the entry.
    tf.destroy();
    assert!(bao.kv_metadata("secret", PATH).is_null());
}

/// The pair writing blue's integration credential too.
fn pair_with_credential(n: u32) -> String {
    pair(
        n,
        "integration_credential_id = genesyscloud_oauth_client.blue.integration_credential_id",
    )
    .replace(
        "name = \"ci-blue\"",
        "name = \"ci-blue\"\n  integration_credential_name = \"pair-cred\"",
    )
}

#[test]
fn a_restore_gives_the_integration_credential_the_working_secret_back() {
    let (emu, bao, tf) = setup();
    write(&tf, &pair_with_credential(1));
    tf.init();
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let before = read(&bao);
    assert_eq!(before.0, blue);
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    let credential = || {
        let all = emu.credentials();
        assert_eq!(all.len(), 1, "{all:?}");
        let fields = &all[0].fields;
        (fields["clientId"].clone(), fields["clientSecret"].clone())
    };
    assert_eq!(
        credential(),
        before,
        "the credential holds what Vault holds"
    );

    emu.refuse_tokens(&green, 1);
    write(&tf, &pair_with_credential(2));
    let apply = flat_text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(
        apply.contains("the previous credentials are back in Vault"),
        "{apply}"
    );
    assert!(
        !apply.contains("integration credential was not put back"),
        "{apply}"
    );
    assert_eq!(read(&bao), before);
    assert_eq!(
        credential(),
        before,
        "the credential has blue's secret again"
    );
    assert!(works(&emu, &before));
    only_while_green_was_in_vault(&consumer.stop(), &green);

    emu.accept_tokens(&green);
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    tf.apply(&[]);
    let now = read(&bao);
    assert_eq!(now.0, green);
    assert_eq!(credential(), now);
    tf.assert_no_changes();
    consumer
        .stop()
        .assert_no_outage("the rotation after the restore");
}
