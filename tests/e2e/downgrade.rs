//! A downgrade round trip: this release applies a pair sink, a release from
//! before `standby_client_id` and the integration credential (commit
//! 2bc4506, built from this repository's history) refreshes and applies the
//! same resources, and this release takes them back. The older release
//! drops what its schema does not know (`standby_client_id`,
//! `active_client_id`, `integration_credential_id`): coming back, the
//! entry's own record says which client it holds and which integration
//! credential the sink keeps current (its custom metadata), nothing
//! consumers hold is regenerated, the next rotation keeps the credential
//! current and destroy deletes it. A consumer reads the entry throughout.
//!
//! Also here: imports that adopt without rotating.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use genesys_emulator::Emulator;
use serde_json::Value as Json;

use crate::consumer::Consumer;
use crate::harness::{actions, flat, package, text, values, Tf};
use crate::standby::{id_of, read, regenerates, works, PATH, SINK};
use crate::vault_secret::setup;

/// The last commit before `standby_client_id` and
/// `integration_credential_name`.
const OLD_RELEASE: &str = "2bc4506";
const CREDENTIAL: &str = "ci-data-actions";

/// The older release's provider binary, built once (and kept between runs)
/// by `scripts/old-release.sh` from `git archive` of [`OLD_RELEASE`] under
/// `target/old-release`; `scripts/test.sh` runs it before the tests.
fn old_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/old-release.sh");
        let out = Command::new("bash")
            .arg(&script)
            .output()
            .expect("run scripts/old-release.sh");
        assert!(
            out.status.success(),
            "building {OLD_RELEASE} with scripts/old-release.sh:\n{}",
            text(&out)
        );
        let binary = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(
            binary.is_file(),
            "scripts/old-release.sh printed {binary:?}"
        );
        binary
    })
}

/// A filesystem mirror holding the older release under the same version
/// number, and the CLI configuration that installs from it.
fn old_cli_config() -> &'static Path {
    static CONFIG: OnceLock<PathBuf> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("e2e-old-release-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        package(old_binary(), &root).cli_config
    })
}

/// Installs the provider again, from the older release's mirror (`old`)
/// or from this release's.
fn switch(tf: &mut Tf, old: bool) {
    for stale in [".terraform", ".terraform.lock.hcl"] {
        let path = tf.path().join(stale);
        let _ = std::fs::remove_dir_all(&path);
        let _ = std::fs::remove_file(&path);
    }
    if old {
        let config = old_cli_config().to_string_lossy().to_string();
        tf.env("TF_CLI_CONFIG_FILE", &config);
    } else {
        tf.unset("TF_CLI_CONFIG_FILE");
    }
    tf.init();
}

/// Two equivalent clients, blue with an integration credential, and the
/// sink keeping them as a pair, wired to the credential. `old`: the same
/// resources as the older release knows them.
fn config(n: u32, old: bool) -> String {
    let (credential, pair) = if old {
        (String::new(), String::new())
    } else {
        (
            format!("integration_credential_name = \"{CREDENTIAL}\""),
            "standby_client_id = genesyscloud_oauth_client.green.client_id\n  integration_credential_id = genesyscloud_oauth_client.blue.integration_credential_id".to_string(),
        )
    };
    let client = |name: &str, more: &str| {
        format!(
            "resource \"genesyscloud_oauth_client\" \"{name}\" {{\n  name = \"ci-{name}\"\n  authorized_grant_type = \"CLIENT-CREDENTIALS\"\n  {more}\n  roles {{\n    role_id     = \"role-admin\"\n    division_id = \"*\"\n  }}\n}}\n"
        )
    };
    format!(
        "{}{}
resource \"genesyscloud_oauth_client_vault_secret\" \"ci\" {{
  client_id         = genesyscloud_oauth_client.blue.client_id
  mount             = \"secret\"
  path              = \"{PATH}\"
  rotation_triggers = {{ n = \"{n}\" }}
  {pair}
}}
",
        client("blue", &credential),
        client("green", ""),
    )
}

fn state_value(tf: &Tf, address: &str, key: &str) -> Json {
    values(&tf.state_json(), address)[key].clone()
}

/// The credential as the emulator holds it: (client id, secret).
fn credential_holds(emu: &Emulator) -> (String, String) {
    let held = emu.credentials();
    assert_eq!(held.len(), 1, "{held:?}");
    let field = |k: &str| held[0].fields[k].clone();
    (field("clientId"), field("clientSecret"))
}

/// The sink took the credential back (`credential`, holding what Vault
/// holds, `in_vault`), and the plan and apply (`logs`) warned truthfully.
fn assert_taken_back(
    tf: &Tf,
    emu: &Emulator,
    credential: Option<&str>,
    logs: &str,
    in_vault: &(String, String),
) {
    let credential = credential.expect("credential id");
    assert_eq!(
        state_value(tf, SINK, "integration_credential_id"),
        credential
    );
    let warning = format!("No integration credential \"{CREDENTIAL}\" is recorded for this client");
    assert!(
        logs.contains(&warning) && logs.contains("finds it again from its Vault entry's record"),
        "{logs}"
    );
    assert!(!logs.contains("deleted outside Terraform"), "{logs}");
    assert!(!logs.contains("is not kept current"), "{logs}");
    assert_eq!(
        &credential_holds(emu),
        in_vault,
        "the credential holds what Vault holds"
    );
}

#[test]
fn a_downgrade_round_trip_keeps_the_active_client_and_the_credential() {
    let (emu, bao, mut tf) = setup();
    tf.write_config(&config(1, false));
    tf.init();
    tf.apply(&[]);
    tf.write_config(&config(2, false));
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let on_green = read(&bao);
    assert_eq!(on_green.0, green, "one rotation: the standby is active");
    let credential = state_value(
        &tf,
        "genesyscloud_oauth_client.blue",
        "integration_credential_id",
    );
    assert!(credential.is_string(), "{credential}");
    assert_eq!(
        bao.kv_metadata("secret", PATH)["custom_metadata"]["genesys-integration-credential-id"],
        credential,
        "the entry names the credential its sink keeps"
    );
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    let before = regenerates(&emu);

    // The older release: refresh, plan, apply with what it knows.
    switch(&mut tf, true);
    tf.write_config(&config(2, true));
    tf.run(&["apply", "-no-color", "-auto-approve", "-refresh-only"]);
    tf.apply(&[]);
    assert_eq!(
        regenerates(&emu),
        before,
        "the older release rotated nothing"
    );
    assert!(state_value(&tf, SINK, "active_client_id").is_null());

    // Back on this release: the entry's record says green is active (not
    // client_id), and nothing is rotated.
    switch(&mut tf, false);
    tf.write_config(&config(2, false));
    tf.run(&["apply", "-no-color", "-auto-approve", "-refresh-only"]);
    assert_eq!(state_value(&tf, SINK, "active_client_id"), green.as_str());
    let plan = tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let apply = tf.apply_plan();
    assert_eq!(regenerates(&emu), before, "coming back rotated nothing");
    assert_eq!(read(&bao), on_green);
    assert_eq!(state_value(&tf, SINK, "active_client_id"), green.as_str());

    // The older release's refresh dropped the credential's id from both
    // states; the sink's Vault entry still names it, so the sink took it
    // back at refresh, and nothing was synced or regenerated. The client's
    // warning says so truthfully (none is taken by its name).
    let logs = flat(&format!("{}{}", text(&plan), text(&apply)));
    assert_taken_back(&tf, &emu, credential.as_str(), &logs, &on_green);
    tf.assert_no_changes();

    // The next rotation regenerates blue, the client not in Vault.
    tf.write_config(&config(3, false));
    tf.apply(&[]);
    let on_blue = read(&bao);
    assert_eq!(on_blue.0, blue);
    assert!(works(&emu, &on_blue) && works(&emu, &on_green));
    assert_eq!(
        credential_holds(&emu),
        on_blue,
        "the rotation kept the credential current"
    );
    let report = consumer.stop();
    report.assert_no_outage("downgrade round trip");

    tf.destroy();
    assert!(
        emu.credentials().is_empty(),
        "destroy deletes the credential the sink found again"
    );
}

/// Blue and green, and a sink keeping blue, with `more` in the sink's block.
fn single(more: &str) -> String {
    let client = |name: &str| {
        format!(
            "resource \"genesyscloud_oauth_client\" \"{name}\" {{\n  name = \"ci-{name}\"\n  authorized_grant_type = \"CLIENT-CREDENTIALS\"\n  roles {{\n    role_id     = \"role-admin\"\n    division_id = \"*\"\n  }}\n}}\n"
        )
    };
    format!(
        "{}{}resource \"genesyscloud_oauth_client_vault_secret\" \"ci\" {{\n  client_id = genesyscloud_oauth_client.blue.client_id\n  mount     = \"secret\"\n  path      = \"{PATH}\"\n  {more}\n}}\n",
        client("blue"),
        client("green")
    )
}

#[test]
fn an_import_adopts_its_triggers_and_a_standby_added_later_rotates_nothing() {
    let (emu, bao, tf) = setup();
    tf.write_config(&single(""));
    tf.init();
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let written = read(&bao);
    let created = bao.kv_metadata("secret", PATH)["versions"]["1"]["created_time"].clone();
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    let before = regenerates(&emu);

    // Import with rotation_triggers and a rotation_period in the config:
    // the plan adopts both as they are.
    tf.run(&["state", "rm", SINK]);
    tf.write_config(&single(
        "rotation_triggers = { n = \"1\" }\n  rotation_period = \"90d\"",
    ));
    tf.run(&[
        "import",
        "-no-color",
        SINK,
        &format!("{blue}:secret/{PATH}"),
    ]);
    let rotated_at = state_value(&tf, SINK, "rotated_at");
    let created_at = created.as_str().expect("created_time");
    assert_eq!(
        rotated_at.as_str().map(|t| &t[..19]),
        Some(&created_at[..19]),
        "the rotation clock starts when the entry was written"
    );
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    let change = plan["resource_changes"]
        .as_array()
        .and_then(|a| a.iter().find(|rc| rc["address"] == SINK))
        .expect("sink change")["change"]
        .clone();
    assert_eq!(
        change["after_unknown"]["secret_hash"],
        Json::Null,
        "{change}"
    );
    assert!(change["after"]["rotate_after"].is_string(), "{change}");
    tf.apply_plan();
    assert_eq!(
        regenerates(&emu),
        before,
        "an import adopts, it does not rotate"
    );
    assert_eq!(read(&bao), written);
    tf.assert_no_changes();

    // A standby added to the imported entry: nothing is regenerated.
    tf.write_config(&single(
        "rotation_triggers = { n = \"1\" }\n  rotation_period = \"90d\"\n  standby_client_id = genesyscloud_oauth_client.green.client_id",
    ));
    tf.apply(&[]);
    assert_eq!(
        regenerates(&emu),
        before,
        "adding a standby rotates nothing"
    );
    assert_eq!(read(&bao), written);
    tf.assert_no_changes();

    // The triggers recorded since the import count: a change rotates, to
    // the standby, and what consumers read before keeps working.
    tf.write_config(&single(
        "rotation_triggers = { n = \"2\" }\n  rotation_period = \"90d\"\n  standby_client_id = genesyscloud_oauth_client.green.client_id",
    ));
    tf.apply(&[]);
    let rotated = read(&bao);
    assert_eq!(rotated.0, green);
    assert!(works(&emu, &written) && works(&emu, &rotated));
    consumer
        .stop()
        .assert_no_outage("import then standby added");
}

#[test]
fn a_pair_entry_imported_by_its_client_id_alone_keeps_the_standby_active() {
    let (emu, bao, tf) = setup();
    let pair = |n: u32| {
        single(&format!(
            "rotation_triggers = {{ n = \"{n}\" }}\n  standby_client_id = genesyscloud_oauth_client.green.client_id"
        ))
    };
    tf.write_config(&pair(1));
    tf.init();
    tf.apply(&[]);
    tf.write_config(&pair(2));
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let on_green = read(&bao);
    assert_eq!(on_green.0, green);
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    let before = regenerates(&emu);

    // Imported with the single-id form; the configuration names the
    // standby: the entry's record makes green the active client, and
    // adding the standby to state regenerates nothing.
    tf.run(&["state", "rm", SINK]);
    tf.run(&[
        "import",
        "-no-color",
        SINK,
        &format!("{blue}:secret/{PATH}"),
    ]);
    assert_eq!(state_value(&tf, SINK, "active_client_id"), green.as_str());
    assert!(state_value(&tf, SINK, "standby_client_id").is_null());
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    assert_eq!(
        regenerates(&emu),
        before,
        "adopting the pair rotates nothing"
    );
    assert_eq!(read(&bao), on_green);
    tf.assert_no_changes();

    // The next rotation regenerates blue, leaving green alone.
    tf.write_config(&pair(3));
    tf.apply(&[]);
    let on_blue = read(&bao);
    assert_eq!(on_blue.0, blue);
    assert!(works(&emu, &on_blue) && works(&emu, &on_green));
    consumer
        .stop()
        .assert_no_outage("a pair entry imported by its client id");
}

/// The state file with the sink's attributes an older release does not
/// know removed, as its refresh leaves them.
fn drop_from_state(tf: &Tf, keys: &[&str]) {
    let file = tf.path().join("terraform.tfstate");
    let mut state: Json =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("state")).expect("state JSON");
    for resource in state["resources"].as_array_mut().expect("resources") {
        if resource["type"] != "genesyscloud_oauth_client_vault_secret" {
            continue;
        }
        for instance in resource["instances"].as_array_mut().expect("instances") {
            let attributes = instance["attributes"].as_object_mut().expect("attributes");
            for key in keys {
                attributes.remove(*key);
            }
        }
    }
    state["serial"] = Json::from(state["serial"].as_u64().unwrap_or(0) + 1);
    std::fs::write(&file, state.to_string()).expect("write state");
}

#[test]
fn on_kv1_a_state_without_the_active_client_takes_it_from_the_entry() {
    let (emu, bao, tf) = setup();
    bao.enable_kv1("kv1");
    let pair = |n: u32| {
        single(&format!(
            "rotation_triggers = {{ n = \"{n}\" }}\n  standby_client_id = genesyscloud_oauth_client.green.client_id"
        ))
        .replace("mount     = \"secret\"", "mount     = \"kv1\"")
    };
    let kv1_read = || {
        let (status, v) = bao.call("GET", &format!("kv1/{PATH}"), None);
        assert_eq!(status, 200, "{v}");
        let field = |k: &str| v["data"][k].as_str().unwrap_or_default().to_string();
        (field("client_id"), field("client_secret"))
    };
    tf.write_config(&pair(1));
    tf.init();
    tf.apply(&[]);
    tf.write_config(&pair(2));
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let on_green = kv1_read();
    assert_eq!(on_green.0, green);
    let consumer = Consumer::start_kv1(&bao.addr, "kv1", PATH, &emu.base_url());
    let before = regenerates(&emu);

    drop_from_state(&tf, &["active_client_id", "standby_client_id"]);
    tf.run(&["apply", "-no-color", "-auto-approve", "-refresh-only"]);
    assert_eq!(state_value(&tf, SINK, "active_client_id"), green.as_str());
    tf.apply(&[]);
    assert_eq!(regenerates(&emu), before, "nothing is regenerated");
    assert_eq!(kv1_read(), on_green);
    tf.assert_no_changes();

    tf.write_config(&pair(3));
    tf.apply(&[]);
    let on_blue = kv1_read();
    assert_eq!(on_blue.0, blue, "the client not in Vault");
    assert!(works(&emu, &on_blue) && works(&emu, &on_green));
    consumer
        .stop()
        .assert_no_outage("KV v1, state without the active client");
}
