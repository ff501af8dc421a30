//! `standby_client_id`: rotation without downtime. Two OAuth clients are
//! used in turn; every rotation regenerates the one whose credentials are
//! not in Vault, so what consumers read before a rotation works until the
//! rotation after it. Against the emulator and a real OpenBao, under the
//! real CLI.

use genesys_emulator::Emulator;
use serde_json::{json, Value as Json};

use crate::consumer::Consumer;
use crate::harness::{
    actions, assert_absent, flat, text, validate_diagnostics, values, Tf, ADMIN_SECRET,
};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::setup;

pub(crate) const SINK: &str = "genesyscloud_oauth_client_vault_secret.ci";
pub(crate) const PATH: &str = "genesys/oauth/ci";

/// A client-credentials client named `name` with these `roles` blocks
/// (`grant` replaces the grant type line when not empty).
pub(crate) fn client(name: &str, grant: &str, roles: &str) -> String {
    let grant = if grant.is_empty() {
        "authorized_grant_type = \"CLIENT-CREDENTIALS\"".to_string()
    } else {
        grant.to_string()
    };
    format!(
        "resource \"genesyscloud_oauth_client\" \"{name}\" {{\n  name = \"ci-{name}\"\n  {grant}\n  {roles}\n}}\n"
    )
}

pub(crate) const ADMIN_ROLE: &str =
    "roles {\n    role_id     = \"role-admin\"\n    division_id = \"*\"\n  }";

/// Three equivalent clients (blue, green, spare) and the sink keeping blue,
/// with `sink` added to its block (e.g. the standby).
pub(crate) fn config(sink: &str) -> String {
    format!(
        "{}{}{}
resource \"genesyscloud_oauth_client_vault_secret\" \"ci\" {{
  client_id = genesyscloud_oauth_client.blue.client_id
  mount     = \"secret\"
  path      = \"{PATH}\"
  {sink}
}}
",
        client("blue", "", ADMIN_ROLE),
        client("green", "", ADMIN_ROLE),
        client("spare", "", ADMIN_ROLE),
    )
}

/// The sink with green as its standby, and these rotation triggers.
pub(crate) fn pair(trigger: u32, more: &str) -> String {
    config(&format!(
        "standby_client_id = genesyscloud_oauth_client.green.client_id\n  rotation_triggers = {{ n = \"{trigger}\" }}\n  {more}"
    ))
}

pub(crate) fn id_of(tf: &Tf, name: &str) -> String {
    values(
        &tf.state_json(),
        &format!("genesyscloud_oauth_client.{name}"),
    )["id"]
        .as_str()
        .expect("client id")
        .to_string()
}

/// What a consumer reads from Vault: (client id, secret).
pub(crate) fn read(bao: &Bao) -> (String, String) {
    let data = bao.kv_data("secret", PATH);
    let field = |k: &str| data[k].as_str().unwrap_or_default().to_string();
    (field("client_id"), field("client_secret"))
}

pub(crate) fn works(emu: &Emulator, (id, secret): &(String, String)) -> bool {
    token_works(&emu.base_url(), id, secret)
}

/// The client the entry's metadata and the state name as active.
pub(crate) fn active(tf: &Tf, bao: &Bao) -> (String, String) {
    let md = bao.kv_metadata("secret", PATH);
    let state = tf.state_json();
    let recorded = md["custom_metadata"]["genesys-active-client-id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let in_state = values(&state, SINK)["active_client_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (recorded, in_state)
}

/// Regenerates seen by the emulator (`POST …/{id}/secret`).
pub(crate) fn regenerates(emu: &Emulator) -> usize {
    emu.request_count("POST", "/api/v2/oauth/clients/")
}

/// Plans (saved), shows the plan as JSON and applies it; the output of all
/// three is appended to `logs`. Returns the plan.
fn plan_and_apply(tf: &Tf, logs: &mut String) -> Json {
    let plan = tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let show = tf.run(&["show", "-json", "tfplan"]);
    let apply = tf.apply_plan();
    for out in [&plan, &show, &apply] {
        logs.push_str(&text(out));
    }
    serde_json::from_slice(&show.stdout).expect("plan JSON")
}

#[test]
fn three_rotations_in_a_row_alternate_clients_and_keep_what_consumers_read_working() {
    let (emu, bao, mut tf) = setup();
    tf.env("TF_LOG", "trace");
    tf.write_config(&pair(1, ""));
    tf.init();
    let mut logs = String::new();
    plan_and_apply(&tf, &mut logs);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    let first = read(&bao);
    assert_eq!(first.0, blue, "a new entry starts with client_id");
    assert!(works(&emu, &first));
    assert_eq!(active(&tf, &bao), (blue.clone(), blue.clone()));
    let state = tf.state_json();
    assert_eq!(values(&state, SINK)["standby_client_id"], green.as_str());

    let mut before = first;
    let mut two_ago: Option<(String, String)> = None;
    let consumer = Consumer::start(&bao.addr, "secret", PATH, &emu.base_url());
    for (n, expected) in [(2, &green), (3, &blue), (4, &green)] {
        tf.write_config(&pair(n, ""));
        let plan = plan_and_apply(&tf, &mut logs);
        assert_eq!(actions(&plan, SINK), ["update"], "rotation {n}");
        let now = read(&bao);
        assert_eq!(&now.0, expected, "rotation {n} writes the other client");
        assert!(works(&emu, &now), "rotation {n}: the new credentials work");
        assert!(
            works(&emu, &before),
            "rotation {n}: the credentials read before it still work"
        );
        if let Some(old) = &two_ago {
            assert!(
                !works(&emu, old),
                "rotation {n}: the credentials from two rotations ago no longer work"
            );
        }
        assert_eq!(active(&tf, &bao), (expected.clone(), expected.clone()));
        assert_eq!(
            bao.kv_metadata("secret", PATH)["custom_metadata"]["genesys-client-id"],
            blue.as_str(),
            "the ownership mark stays the sink's client_id"
        );
        tf.unset("TF_LOG");
        tf.assert_no_changes();
        tf.env("TF_LOG", "trace");
        two_ago = Some(before);
        before = now;
    }
    let report = consumer.stop();
    report.assert_no_outage("three rotations");
    assert_eq!(report.recovered, 0, "no consumer needed its re-read");
    assert!(report.clients_seen.contains(&green), "{report:?}");

    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.into());
    needles.push(ROOT_TOKEN.into());
    assert!(needles.contains(&before.1));
    assert_absent("plan, plan JSON and TF_LOG=trace output", &logs, &needles);
    assert_absent("state", &tf.state_text(), &needles);

    tf.unset("TF_LOG");
    tf.destroy();
    assert!(bao.kv_metadata("secret", PATH).is_null());
}

#[test]
fn drift_repairs_import_and_standby_changes_never_regenerate_the_client_in_vault() {
    let (emu, bao, tf) = setup();
    tf.write_config(&pair(1, "verify_on_read = true"));
    tf.init();
    tf.apply(&[]);
    let (blue, green, spare) = (id_of(&tf, "blue"), id_of(&tf, "green"), id_of(&tf, "spare"));
    assert_eq!(read(&bao).0, blue);

    // Vault overwritten outside Terraform, naming the standby: the repair
    // rotates to the client that is not the one last written (by the
    // entry's record, not by what the overwrite says), so what consumers
    // read before the overwrite keeps working.
    let on_blue = read(&bao);
    bao.kv_put(
        "secret",
        PATH,
        json!({"client_id": green, "client_secret": "hand-written"}),
    );
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    let on_green = read(&bao);
    assert_eq!(on_green.0, green);
    assert!(works(&emu, &on_green));
    assert!(works(&emu, &on_blue), "read before the overwrite");
    tf.assert_no_changes();

    // The active client's secret is reset in Genesys: the repair rotates to
    // the standby.
    emu.regenerate_secret(&green)
        .expect("reset outside Terraform");
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    let on_blue = read(&bao);
    assert_eq!(on_blue.0, blue);
    assert!(works(&emu, &on_blue));
    tf.assert_no_changes();

    // Import of a sink with a standby: the active client comes from the
    // entry's metadata, and the next rotation writes the other one.
    tf.run(&["state", "rm", SINK]);
    tf.run(&[
        "import",
        "-no-color",
        SINK,
        &format!("{blue},{green}:secret/{PATH}"),
    ]);
    let imported = values(&tf.state_json(), SINK).clone();
    assert_eq!(imported["standby_client_id"], green.as_str());
    assert_eq!(imported["active_client_id"], blue.as_str());
    // Import adopts: the triggers the imported state lacks are taken as
    // they are, not as a change.
    let before = regenerates(&emu);
    tf.apply(&[]);
    assert_eq!(
        regenerates(&emu),
        before,
        "import adopts, it does not rotate"
    );
    assert_eq!(read(&bao), on_blue);
    tf.write_config(&pair(2, "verify_on_read = true"));
    tf.apply(&[]);
    assert_eq!(read(&bao).0, green);
    assert!(works(&emu, &on_blue));
    let on_green = read(&bao);
    tf.assert_no_changes();

    // The standby changes while it is the active client: the plan rotates
    // to client_id and leaves the old standby's secret alone.
    let spare_pair = |n: u32| {
        config(&format!(
            "standby_client_id = genesyscloud_oauth_client.spare.client_id\n  verify_on_read = true\n  rotation_triggers = {{ n = \"{n}\" }}"
        ))
    };
    tf.write_config(&spare_pair(1));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, SINK), ["update"]);
    tf.apply_plan();
    let on_blue = read(&bao);
    assert_eq!(on_blue.0, blue);
    assert!(
        works(&emu, &on_green),
        "the old standby's secret is left alone"
    );
    tf.assert_no_changes();

    // The next rotation writes the new standby.
    tf.write_config(&spare_pair(2));
    tf.apply(&[]);
    let on_spare = read(&bao);
    assert_eq!(on_spare.0, spare);
    assert!(works(&emu, &on_blue));
    tf.assert_no_changes();

    // The standby removed while it is active: rotates to client_id.
    tf.write_config(&config(
        "verify_on_read = true\n  rotation_triggers = { n = \"2\" }",
    ));
    tf.apply(&[]);
    let single = read(&bao);
    assert_eq!(single.0, blue);
    assert!(works(&emu, &on_spare));
    let state = tf.state_json();
    assert!(values(&state, SINK)["standby_client_id"].is_null());
    assert_eq!(values(&state, SINK)["active_client_id"], blue.as_str());
    tf.assert_no_changes();

    // A standby added while client_id is active: nothing is written now.
    let version = bao.kv_metadata("secret", PATH)["current_version"].clone();
    let before = regenerates(&emu);
    tf.write_config(&spare_pair(2));
    tf.apply(&[]);
    assert_eq!(regenerates(&emu), before, "no rotation");
    assert_eq!(bao.kv_metadata("secret", PATH)["current_version"], version);
    assert_eq!(read(&bao), single);
    tf.assert_no_changes();
}

#[test]
fn pair_mistakes_are_refused_before_any_regenerate_and_unequal_roles_warn() {
    let (emu, bao, tf) = setup();

    // The same client twice, and an empty client id key: refused by
    // validate on the attributes.
    let literal = Tf::new("http://127.0.0.1:9");
    literal.write_config(
        "resource \"genesyscloud_oauth_client_vault_secret\" \"x\" {\n  client_id = \"c1\"\n  standby_client_id = \"c1\"\n  client_id_key = \"\"\n  mount = \"secret\"\n  path = \"a\"\n}\n",
    );
    literal.init();
    let diags = validate_diagnostics(&literal);
    let on = |attribute: &str, summary: &str| {
        diags.iter().any(|d| {
            d["snippet"]["code"]
                .as_str()
                .is_some_and(|c| c.contains(attribute))
                && d["summary"].as_str().is_some_and(|s| s.contains(summary))
        })
    };
    assert!(
        on("standby_client_id", "same client as client_id")
            && on("client_id_key", "client_id_key is empty"),
        "{diags:?}"
    );

    // Ids known only at apply, then at plan: the sink is refused on the
    // attribute and nothing is regenerated.
    let same = config("standby_client_id = genesyscloud_oauth_client.blue.client_id");
    tf.write_config(&same);
    tf.init();
    let out = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    assert!(out.contains("same client as client_id"), "{out}");
    let out = flat(&text(&tf.run_failing(&["plan", "-no-color"])));
    assert!(out.contains("same client as client_id"), "{out}");
    assert_eq!(regenerates(&emu), 0);
    assert!(bao.kv_metadata("secret", PATH).is_null());

    // A standby that is not a client-credentials client: refused before
    // any regenerate, nothing in Vault.
    let token_grant = format!(
        "{}{}",
        config("standby_client_id = genesyscloud_oauth_client.implicit.client_id"),
        client(
            "implicit",
            "authorized_grant_type = \"TOKEN\"\n  registered_redirect_uris = [\"https://example.com/cb\"]",
            "",
        )
    );
    tf.write_config(&token_grant);
    let out = flat(&text(&tf.run_failing(&[
        "apply",
        "-no-color",
        "-auto-approve",
    ])));
    assert!(
        out.contains("uses grant type TOKEN") && out.contains("standby_client_id"),
        "{out}"
    );
    assert_eq!(regenerates(&emu), 0, "no regenerate may happen");
    assert!(bao.kv_metadata("secret", PATH).is_null());

    // A standby that another sink keeps: two sinks for one client.
    let twice = format!(
        "{}\nresource \"genesyscloud_oauth_client_vault_secret\" \"other\" {{\n  client_id = genesyscloud_oauth_client.green.client_id\n  mount = \"secret\"\n  path = \"genesys/oauth/other\"\n}}\n",
        config("standby_client_id = genesyscloud_oauth_client.green.client_id")
    );
    tf.write_config(&twice);
    let out = flat(&text(&tf.run_failing(&["plan", "-no-color"])));
    assert!(out.contains("kept by two sinks"), "{out}");
    assert_eq!(regenerates(&emu), 0);

    // Roles that differ: a warning naming the difference, and the sink works.
    let other_roles = format!(
        "{}{}",
        config("standby_client_id = genesyscloud_oauth_client.reader.client_id"),
        client(
            "reader",
            "",
            "roles {\n    role_id     = \"role-reader\"\n    division_id = \"*\"\n  }"
        )
    );
    tf.write_config(&other_roles);
    let out = flat(&text(&tf.apply(&[])));
    assert!(
        out.contains("different roles")
            && out.contains("role role-admin in division *")
            && out.contains("role role-reader in division *"),
        "{out}"
    );
    assert!(works(&emu, &read(&bao)));

    // Once both clients exist, the plan of a rotation says it too.
    let rotate = other_roles.replace(
        "standby_client_id = genesyscloud_oauth_client.reader.client_id",
        "standby_client_id = genesyscloud_oauth_client.reader.client_id\n  rotation_triggers = { n = \"2\" }",
    );
    tf.write_config(&rotate);
    let out = flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        out.contains("different roles") && out.contains("role role-reader in division *"),
        "{out}"
    );
}

#[test]
fn on_kv_v1_the_entrys_client_id_tells_a_new_sink_which_client_is_in_vault() {
    let (emu, bao, tf) = setup();
    bao.enable_kv1("kv1");
    let on_kv1 = |n: u32| pair(n, "").replace("mount     = \"secret\"", "mount     = \"kv1\"");
    let kv1_read = || {
        let (status, v) = bao.call("GET", &format!("kv1/{PATH}"), None);
        assert_eq!(status, 200);
        let field = |k: &str| v["data"][k].as_str().unwrap_or_default().to_string();
        (field("client_id"), field("client_secret"))
    };
    tf.write_config(&on_kv1(1));
    tf.init();
    tf.apply(&[]);
    let (blue, green) = (id_of(&tf, "blue"), id_of(&tf, "green"));
    assert_eq!(kv1_read().0, blue);
    tf.write_config(&on_kv1(2));
    tf.apply(&[]);
    let on_green = kv1_read();
    assert_eq!(on_green.0, green);
    tf.assert_no_changes();

    // State lost: a new sink takes the entry over (it holds the standby's
    // credentials, written by this provider) and writes the other client.
    tf.run(&["state", "rm", SINK]);
    tf.apply(&[]);
    let on_blue = kv1_read();
    assert_eq!(on_blue.0, blue);
    assert!(works(&emu, &on_blue));
    assert!(
        works(&emu, &on_green),
        "what consumers read before still works"
    );
    tf.assert_no_changes();
}
