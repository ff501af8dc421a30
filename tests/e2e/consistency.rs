//! Against an emulator that behaves as the real Genesys Cloud may: eventual
//! consistency (for a few seconds a new client answers 404, is not listed,
//! and its new secret is refused), roles answered without their division,
//! answers that leave optional fields out, and 409 conflicts.

use std::path::Path;
use std::time::Duration;

use genesys_emulator::{DivisionEcho, Emulator, EmulatorConfig, FaultKind, FaultRule};

use crate::harness::{copy_tree, emulator_config, text, values, Tf};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::{client_id, seed, stored_secret};

/// The emulated propagation delay: a few seconds, as the real service has.
const WINDOW: Duration = Duration::from_secs(3);

fn emulator(window: Duration) -> Emulator {
    Emulator::start_blocking(EmulatorConfig {
        consistency_window: window,
        ..emulator_config()
    })
    .expect("start emulator")
}

fn with_vault(emu: &Emulator) -> (Bao, Tf) {
    let bao = Bao::start();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    (bao, tf)
}

fn live_clients(emu: &Emulator) -> usize {
    emu.clients()
        .iter()
        .filter(|c| c.state != "deleted")
        .count()
}

/// Waits until the emulator accepts `secret` (its window refuses new
/// secrets for a while), then says whether it works.
fn works_after_the_window(emu: &Emulator, id: &str, secret: &str) -> bool {
    std::thread::sleep(WINDOW);
    token_works(&emu.base_url(), id, secret)
}

#[test]
fn seed_scenario_succeeds_while_genesys_propagates() {
    let emu = emulator(WINDOW);
    let (bao, tf) = with_vault(&emu);
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    assert!(
        works_after_the_window(&emu, &id, &stored_secret(&bao)),
        "the secret in Vault must work"
    );
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(live_clients(&emu), 0);
}

#[test]
fn module_example_succeeds_while_genesys_propagates() {
    let emu = emulator(WINDOW);
    let (bao, tf) = with_vault(&emu);
    let module =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/modules/oauth-client-in-vault");
    copy_tree(&module, &tf.path().join("modules/oauth-client-in-vault"));
    tf.write_config(
        r#"
module "ci" {
  source = "./modules/oauth-client-in-vault"
  name   = "ci-pipeline"
  owner  = "platform-team"
  roles  = [{ role_id = "role-admin" }]
}

module "reporting" {
  source = "./modules/oauth-client-in-vault"
  name   = "reporting-export"
  owner  = "data-team"
  roles  = [{ role_id = "role-viewer", division_id = "*" }]
}
"#,
    );
    tf.init();
    tf.apply(&[]);
    std::thread::sleep(WINDOW);
    for name in ["ci-pipeline", "reporting-export"] {
        let data = bao.kv_data("secret", &format!("genesys/oauth/{name}"));
        let (id, secret) = (
            data["client_id"].as_str().unwrap_or_default(),
            data["client_secret"].as_str().unwrap_or_default(),
        );
        assert!(
            token_works(&emu.base_url(), id, secret),
            "{name}: the secret in Vault must work"
        );
    }
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(live_clients(&emu), 0);
}

#[test]
fn lost_answers_and_conflicts_converge_without_duplicates_while_genesys_propagates() {
    let emu = emulator(Duration::from_secs(2));
    // The create happens, its answer is lost, and the new client is not
    // listed yet: only a patient look finds it instead of making another.
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/oauth/clients")
            .times(2),
    );
    emu.inject(
        FaultRule::new(FaultKind::Status429 {
            retry_after_secs: 1,
        })
        .path("/api/v2/oauth/clients")
        .times(3),
    );
    let tf = Tf::new(&emu.base_url());
    let config = |description: &str| {
        (0..4)
            .map(|i| {
                format!(
                    "resource \"genesyscloud_oauth_client\" \"c{i}\" {{\n  name = \"storm-{i}\"\n  description = \"{description}\"\n  authorized_grant_type = \"CLIENT-CREDENTIALS\"\n}}\n"
                )
            })
            .collect::<String>()
    };
    let provider = "consistency_timeout_seconds = 6";
    tf.write_config_with_provider(provider, &config("first"));
    tf.init();
    let out = tf.apply(&[]);
    assert_eq!(
        live_clients(&emu),
        4,
        "no duplicate after a lost answer:\n{}",
        text(&out)
    );
    assert!(text(&out).contains("adopted"), "{}", text(&out));
    tf.assert_no_changes();

    // A concurrent change in Genesys answers 409: replaced again, then done.
    emu.inject(FaultRule::new(FaultKind::Status409).method("PUT").times(3));
    tf.write_config_with_provider(provider, &config("second"));
    tf.apply(&[]);
    assert!(emu
        .clients()
        .iter()
        .all(|c| c.description.as_deref() == Some("second")));
    tf.assert_no_changes();
    emu.inject(
        FaultRule::new(FaultKind::Status409)
            .method("DELETE")
            .times(2),
    );
    tf.destroy();
    assert_eq!(live_clients(&emu), 0);
}

#[test]
fn a_refresh_right_after_apply_keeps_clients_that_are_still_propagating() {
    let emu = emulator(Duration::from_secs(4));
    let tf = Tf::new(&emu.base_url());
    tf.write_config(
        r#"
resource "genesyscloud_oauth_client" "fresh" {
  name                  = "fresh"
  authorized_grant_type = "CLIENT-CREDENTIALS"
}
"#,
    );
    tf.init();
    tf.apply(&[]);
    // The next plan runs at once, while GET still answers 404.
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a propagating client must not be planned again:\n{}",
        text(&out)
    );
    assert_eq!(
        values(&tf.state_json(), "genesyscloud_oauth_client.fresh")["name"],
        "fresh"
    );
    assert_eq!(live_clients(&emu), 1);
    tf.destroy();
}

#[test]
fn a_client_that_does_not_exist_is_still_reported_clearly() {
    let emu = emulator(WINDOW);
    let (_bao, tf) = with_vault(&emu);
    tf.write_config_with_provider(
        "consistency_timeout_seconds = 2",
        r#"
resource "genesyscloud_oauth_client_vault_secret" "ghost" {
  client_id = "00000000-0000-4000-8000-000000000000"
  mount     = "secret"
  path      = "genesys/oauth/ghost"
}
"#,
    );
    tf.init();
    let out = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    assert!(
        text(&out).contains("does not exist in Genesys"),
        "{}",
        text(&out)
    );
    assert_eq!(emu.request_count("POST", "/api/v2/oauth/clients/"), 0);
}

#[test]
fn roles_without_division_are_granted_in_the_home_division_whatever_the_echo() {
    let emu = emulator(Duration::ZERO);
    let home = EmulatorConfig::default().home_division;
    // The harshest echo first: every division answered as null.
    emu.set_division_echo(DivisionEcho::Null);
    let tf = Tf::new(&emu.base_url());
    tf.write_config(
        r#"
resource "genesyscloud_oauth_client" "ci" {
  name                  = "ci"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {
    role_id = "role-home"
  }
  roles {
    role_id     = "role-all"
    division_id = "*"
  }
}
"#,
    );
    tf.init();
    tf.apply(&[]);
    let state = tf.state_json();
    let roles = values(&state, "genesyscloud_oauth_client.ci")["roles"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let division = |role: &str| {
        roles
            .iter()
            .find(|r| r["role_id"] == role)
            .map(|r| r["division_id"].clone())
    };
    assert_eq!(division("role-home"), Some(home.as_str().into()));
    assert_eq!(division("role-all"), Some("*".into()));
    let granted = &emu.clients()[0].role_divisions;
    assert!(granted.contains(&("role-home".to_string(), home.clone())));
    assert_eq!(
        emu.request_count("GET", "/api/v2/authorization/divisions/home"),
        1,
        "the home division is looked up once per provider process"
    );
    tf.assert_no_changes();
    for echo in [
        DivisionEcho::AsSent,
        DivisionEcho::Omitted,
        DivisionEcho::HomeFilledIn,
    ] {
        emu.set_division_echo(echo);
        let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "division echo {echo:?} changed the plan:\n{}",
            text(&out)
        );
    }
    tf.destroy();
}

/// Every optional field of a client answer that the API may leave out.
const OPTIONAL_FIELDS: &[&str] = &[
    "description",
    "accessTokenValiditySeconds",
    "registeredRedirectUri",
    "scope",
    "roleDivisions",
    "state",
    "dateCreated",
    "authorizedGrantType",
];

fn every_kind_of_client(suffix: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "cc" {{
  name                          = "cc-{suffix}"
  description                   = "client credentials"
  authorized_grant_type         = "CLIENT-CREDENTIALS"
  access_token_validity_seconds = 3600
  state                         = "active"
  roles {{
    role_id = "role-home"
  }}
}}

resource "genesyscloud_oauth_client" "code" {{
  name                     = "code-{suffix}"
  authorized_grant_type    = "CODE"
  registered_redirect_uris = ["https://app.example.com/callback"]
  scopes                   = ["users:readonly"]
}}

resource "genesyscloud_oauth_client_vault_secret" "cc" {{
  client_id = genesyscloud_oauth_client.cc.client_id
  mount     = "secret"
  path      = "genesys/oauth/cc-{suffix}"
}}

data "genesyscloud_oauth_client" "cc" {{
  name       = genesyscloud_oauth_client.cc.name
  depends_on = [genesyscloud_oauth_client.cc]
}}
"#
    )
}

#[test]
fn answers_without_optional_fields_change_no_plan() {
    let emu = emulator(Duration::ZERO);
    let (_bao, tf) = with_vault(&emu);
    tf.write_config(&every_kind_of_client("a"));
    tf.init();
    tf.apply(&[]);
    tf.assert_no_changes();
    for field in OPTIONAL_FIELDS {
        emu.set_omitted_fields(&[field]);
        let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "an answer without {field} changed the plan:\n{}",
            text(&out)
        );
    }

    // Created while every optional field is left out of every answer.
    emu.set_omitted_fields(OPTIONAL_FIELDS);
    emu.set_division_echo(DivisionEcho::Omitted);
    let (_bao2, tf2) = with_vault(&emu);
    tf2.write_config(&every_kind_of_client("b"));
    tf2.init();
    tf2.apply(&[]);
    tf2.assert_no_changes();
    tf2.destroy();
    emu.set_omitted_fields(&[]);
    tf.destroy();
}
