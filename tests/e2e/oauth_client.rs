//! `genesyscloud_oauth_client` resource and data source under the real CLI.

use genesys_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};

use crate::harness::{
    actions, assert_absent, text, validate_diagnostics, values, Tf, ADMIN_ID, ADMIN_SECRET,
};

fn emulator() -> Emulator {
    Emulator::start_blocking(EmulatorConfig {
        admin_client_id: ADMIN_ID.into(),
        admin_client_secret: ADMIN_SECRET.into(),
        ..Default::default()
    })
    .expect("start emulator")
}

fn live_clients(emu: &Emulator) -> Vec<genesys_emulator::StoredClient> {
    emu.clients()
        .into_iter()
        .filter(|c| c.state != "deleted")
        .collect()
}

const CLIENT_CREDENTIALS: &str = r#"
resource "genesyscloud_oauth_client" "ci" {
  name                          = "ci-pipeline"
  description                   = "used by CI"
  authorized_grant_type         = "CLIENT-CREDENTIALS"
  access_token_validity_seconds = 3600
  roles {
    role_id     = "role-admin"
    division_id = "*"
  }
  roles {
    role_id = "role-viewer"
  }
}

resource "genesyscloud_oauth_client" "saml" {
  name                  = "sso"
  authorized_grant_type = "SAML2BEARER"
  scopes                = ["users:readonly"]
}
"#;

#[test]
fn create_update_replace_destroy() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    tf.write_config(CLIENT_CREDENTIALS);
    tf.init();

    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["create"]);
    tf.apply_plan();
    let state = tf.state_json();
    let ci = values(&state, "genesyscloud_oauth_client.ci");
    let id = ci["id"].as_str().expect("id").to_string();
    assert_eq!(ci["client_id"], ci["id"]);
    assert_eq!(ci["access_token_validity_seconds"], 3600);
    assert_eq!(ci["state"], "active");
    let roles = ci["roles"].as_array().expect("roles");
    assert_eq!(roles.len(), 2);
    assert!(
        roles
            .iter()
            .all(|r| r["division_id"].as_str().is_some_and(|d| !d.is_empty())),
        "{roles:?}"
    );
    let saml = values(&state, "genesyscloud_oauth_client.saml");
    assert_eq!(saml["authorized_grant_type"], "SAML2BEARER");
    assert_eq!(live_clients(&emu).len(), 2);
    tf.assert_no_changes();

    // In-place update: a full PUT, same id.
    tf.write_config(&CLIENT_CREDENTIALS.replace("used by CI", "used by CI and CD"));
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["update"]);
    tf.apply_plan();
    let stored = emu
        .clients()
        .into_iter()
        .find(|c| c.id == id)
        .expect("still there");
    assert_eq!(stored.description.as_deref(), Some("used by CI and CD"));
    tf.assert_no_changes();

    // Removing an optional+computed attribute returns it to its default.
    tf.write_config(
        &CLIENT_CREDENTIALS
            .replace("used by CI", "used by CI and CD")
            .replace("access_token_validity_seconds = 3600", ""),
    );
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["update"]);
    tf.apply_plan();
    assert_eq!(
        values(&tf.state_json(), "genesyscloud_oauth_client.ci")["access_token_validity_seconds"],
        86400
    );
    tf.assert_no_changes();

    // Forced replacement makes a new client and deletes the old one.
    let plan = tf.plan_json(&["-replace=genesyscloud_oauth_client.ci"]);
    assert_eq!(
        actions(&plan, "genesyscloud_oauth_client.ci"),
        ["delete", "create"]
    );
    tf.apply_plan();
    let new_id = values(&tf.state_json(), "genesyscloud_oauth_client.ci")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_ne!(new_id, id);
    assert!(live_clients(&emu).iter().all(|c| c.id != id));
    assert_eq!(live_clients(&emu).len(), 2);

    tf.destroy();
    assert!(live_clients(&emu).is_empty(), "destroy left clients behind");
}

#[test]
fn import_round_trips() {
    let emu = emulator();
    let first = Tf::new(&emu.base_url());
    first.write_config(CLIENT_CREDENTIALS);
    first.init();
    first.apply(&[]);
    let original = first.state_json();
    let id = values(&original, "genesyscloud_oauth_client.ci")["id"]
        .as_str()
        .expect("id")
        .to_string();

    // A second directory adopts the same client through an import block.
    let second = Tf::new(&emu.base_url());
    second.write_config(&format!(
        "{CLIENT_CREDENTIALS}\nimport {{\n  to = genesyscloud_oauth_client.ci\n  id = \"{id}\"\n}}\n"
    ).replace("resource \"genesyscloud_oauth_client\" \"saml\"", "resource \"genesyscloud_oauth_client\" \"saml_unused\"")
        .replace("name                  = \"sso\"", "name                  = \"sso-2\""));
    second.init();
    let plan = second.plan_json(&[]);
    assert_eq!(
        actions(&plan, "genesyscloud_oauth_client.ci"),
        ["no-op"],
        "import of an identical client plans no change"
    );
    second.apply_plan();
    let imported = second.state_json();
    let a = values(&original, "genesyscloud_oauth_client.ci");
    let b = values(&imported, "genesyscloud_oauth_client.ci");
    for key in [
        "id",
        "name",
        "description",
        "authorized_grant_type",
        "access_token_validity_seconds",
        "roles",
        "state",
        "client_id",
        "date_created",
        "registered_redirect_uris",
        "scopes",
    ] {
        assert_eq!(a[key], b[key], "attribute {key} differs after import");
    }

    // The CLI's import command works too, in a fresh directory.
    let third = Tf::new(&emu.base_url());
    third.write_config(CLIENT_CREDENTIALS);
    third.init();
    third.run(&["import", "-no-color", "genesyscloud_oauth_client.ci", &id]);
    assert_eq!(
        values(&third.state_json(), "genesyscloud_oauth_client.ci")["roles"],
        a["roles"]
    );

    // Importing a missing client must fail.
    third.run_failing(&[
        "import",
        "-no-color",
        "genesyscloud_oauth_client.saml",
        "no-such-client",
    ]);
    first.destroy();
}

#[test]
fn data_source_finds_by_name_and_reports_ambiguity() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    tf.write_config(&format!(
        "{CLIENT_CREDENTIALS}\ndata \"genesyscloud_oauth_client\" \"by_name\" {{\n  name = genesyscloud_oauth_client.ci.name\n}}\noutput \"found\" {{ value = data.genesyscloud_oauth_client.by_name.id }}\n"
    ));
    tf.init();
    tf.apply(&[]);
    let state = tf.state_json();
    assert_eq!(
        state["values"]["outputs"]["found"]["value"],
        values(&state, "genesyscloud_oauth_client.ci")["id"]
    );
    tf.assert_no_changes();

    let missing = Tf::new(&emu.base_url());
    missing.write_config("data \"genesyscloud_oauth_client\" \"x\" {\n  name = \"nobody\"\n}\n");
    missing.init();
    let out = missing.run_failing(&["plan", "-no-color"]);
    let shown = text(&out);
    assert!(
        shown.contains("OAuth client not found") && shown.contains("name = \"nobody\""),
        "{shown}"
    );

    // Two clients of the same name (Genesys allows it) make the lookup ambiguous.
    let twin = Tf::new(&emu.base_url());
    twin.write_config("resource \"genesyscloud_oauth_client\" \"twin\" {\n  name = \"ci-pipeline\"\n  authorized_grant_type = \"CODE\"\n}\n");
    twin.init();
    twin.apply(&[]);
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(
        text(&out).contains("Ambiguous OAuth client name"),
        "{}",
        text(&out)
    );
}

#[test]
fn client_deleted_outside_terraform_is_planned_again() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    // Deleted seconds after its creation, the client's 404 is first taken
    // for propagation: a short window keeps the test short.
    tf.write_config_with_provider("consistency_timeout_seconds = 3", CLIENT_CREDENTIALS);
    tf.init();
    tf.apply(&[]);
    let id = values(&tf.state_json(), "genesyscloud_oauth_client.ci")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(emu.delete_client(&id), "emulator deletes the client");
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["create"]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.saml"), ["no-op"]);
    tf.apply_plan();
    tf.assert_no_changes();
}

#[test]
fn bad_input_is_reported_on_the_attribute() {
    let tf = Tf::new("http://127.0.0.1:9");
    tf.write_config(
        "resource \"genesyscloud_oauth_client\" \"bad\" {\n  name = \"x\"\n  authorized_grant_type = \"IMPLICIT\"\n  access_token_validity_seconds = 10\n}\n",
    );
    tf.init();
    let diags = validate_diagnostics(&tf);
    let find = |summary: &str| {
        diags
            .iter()
            .find(|d| d["summary"].as_str().is_some_and(|s| s.contains(summary)))
            .unwrap_or_else(|| panic!("no diagnostic {summary:?} in {diags:?}"))
    };
    let grant = find("Unsupported grant type");
    assert!(
        grant["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("authorized_grant_type")),
        "{grant}"
    );
    let validity = find("out of range");
    assert!(
        validity["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("access_token_validity_seconds")),
        "{validity}"
    );
    for d in &diags {
        assert!(
            !d.to_string().contains("stack backtrace")
                && !d.to_string().contains("rust_begin_unwind"),
            "backtrace in {d}"
        );
    }

    let region = Tf::new("http://127.0.0.1:9");
    region.write_config_with_provider(
        "  aws_region = \"mars-north-1\"",
        "resource \"genesyscloud_oauth_client\" \"c\" {\n  name = \"c\"\n  authorized_grant_type = \"CODE\"\n}\n",
    );
    region.init();
    let diags = validate_diagnostics(&region);
    let d = diags
        .iter()
        .find(|d| {
            d["summary"]
                .as_str()
                .is_some_and(|s| s.contains("Unknown Genesys Cloud region"))
        })
        .unwrap_or_else(|| panic!("no region diagnostic in {diags:?}"));
    assert!(
        d["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("aws_region")),
        "{d}"
    );
    assert!(d["detail"]
        .as_str()
        .is_some_and(|s| s.contains("ap-northeast-3")));

    // Missing credentials: configure names the attribute and the variables.
    let mut creds = Tf::new("http://127.0.0.1:9");
    creds
        .unset("GENESYSCLOUD_OAUTHCLIENT_ID")
        .unset("GENESYSCLOUD_OAUTHCLIENT_SECRET");
    creds.env("RUST_BACKTRACE", "1");
    creds.write_config("resource \"genesyscloud_oauth_client\" \"c\" {\n  name = \"c\"\n  authorized_grant_type = \"CODE\"\n}\n");
    creds.init();
    let shown = text(&creds.run_failing(&["plan", "-no-color"]));
    assert!(
        shown.contains("Missing oauthclient_id") && shown.contains("GENESYS_ADMIN_CLIENT_ID"),
        "{shown}"
    );
    assert!(
        !shown.contains("stack backtrace") && !shown.contains("backtrace::"),
        "a backtrace reached the user:\n{shown}"
    );
}

#[test]
fn throttling_and_server_errors_converge_without_duplicates() {
    let emu = emulator();
    for _ in 0..2 {
        emu.inject(
            FaultRule::new(FaultKind::Status429 {
                retry_after_secs: 1,
            })
            .path("/api/v2/oauth/clients")
            .times(4),
        );
    }
    emu.inject(
        FaultRule::new(FaultKind::Status503)
            .path("/api/v2/oauth/clients")
            .times(4),
    );
    emu.inject(
        FaultRule::new(FaultKind::TokenThrottle)
            .path("/oauth/token")
            .times(2),
    );
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/oauth/clients")
            .times(2),
    );

    let tf = Tf::new(&emu.base_url());
    let mut config = String::new();
    for i in 0..6 {
        config.push_str(&format!(
            "resource \"genesyscloud_oauth_client\" \"c{i}\" {{\n  name = \"storm-{i}\"\n  authorized_grant_type = \"CLIENT-CREDENTIALS\"\n}}\n"
        ));
    }
    tf.write_config(&config);
    tf.init();
    let out = tf.apply(&[]);
    let created = live_clients(&emu);
    assert_eq!(
        created.len(),
        6,
        "expected exactly 6 clients, got {:?}",
        created.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    let mut names: Vec<_> = created.iter().map(|c| c.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 6, "duplicate names: {names:?}");
    assert!(
        text(&out).contains("adopted"),
        "a dropped create answer should be reported as an adoption:\n{}",
        text(&out)
    );
    tf.assert_no_changes();
    tf.destroy();
    assert!(live_clients(&emu).is_empty());
}

#[test]
fn secrets_and_tokens_appear_nowhere() {
    let emu = emulator();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("TF_LOG", "trace");
    tf.write_config(CLIENT_CREDENTIALS);
    tf.init();
    let plan_out = tf.run(&["plan", "-out=tfplan"]);
    let plan_json = tf.run(&["show", "-json", "tfplan"]);
    let apply_out = tf.apply_plan();
    let refresh_out = tf.run(&["plan", "-refresh-only"]);
    let destroy_out = tf.run(&["destroy", "-auto-approve"]);

    let mut needles = emu.issued_secrets();
    let tokens = emu.issued_tokens();
    // plan, apply, refresh-only plan and destroy each start one provider
    // process: one token exchange each, however many resources run at once.
    assert!(
        tokens.len() <= 4,
        "{} token exchanges for 4 provider processes",
        tokens.len()
    );
    needles.extend(tokens);
    needles.push(ADMIN_SECRET.to_string());
    assert!(
        needles.len() >= 4,
        "expected the emulator to have issued secrets and tokens"
    );
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
        logs.contains("provider configured"),
        "TF_LOG=trace should carry the provider's own log lines"
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
fn a_description_removed_from_the_config_is_cleared_in_genesys() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    tf.write_config(CLIENT_CREDENTIALS);
    tf.init();
    tf.apply(&[]);
    let described = |emu: &Emulator| {
        live_clients(emu)
            .into_iter()
            .find(|c| c.name == "ci-pipeline")
            .and_then(|c| c.description)
    };
    assert_eq!(described(&emu).as_deref(), Some("used by CI"));

    // The emulator keeps a description a full-replace PUT leaves out (what
    // the real API does is not documented): the provider sends "".
    tf.write_config(
        &CLIENT_CREDENTIALS.replace("  description                   = \"used by CI\"\n", ""),
    );
    let plan = tf.plan_json(&[]);
    assert_eq!(actions(&plan, "genesyscloud_oauth_client.ci"), ["update"]);
    tf.apply_plan();
    assert_eq!(
        described(&emu),
        None,
        "the description is cleared in Genesys"
    );
    tf.assert_no_changes();
    tf.destroy();
}

#[test]
fn a_new_client_with_the_implicit_grant_is_warned_about_not_refused() {
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    tf.write_config(
        "resource \"genesyscloud_oauth_client\" \"spa\" {\n  name = \"spa\"\n  authorized_grant_type = \"TOKEN\"\n  registered_redirect_uris = [\"https://app.example/cb\"]\n}\n",
    );
    tf.init();
    let shown = crate::harness::flat(&text(&tf.run(&["plan", "-no-color"])));
    assert!(
        shown.contains("Warning: The implicit grant (TOKEN) is being withdrawn")
            && shown.contains("March 2026")
            && shown.contains("March 2027")
            && shown.contains("authorized_grant_type"),
        "{shown}"
    );
    assert!(live_clients(&emu).is_empty(), "a plan makes nothing");
}

#[test]
fn the_eu_sovereign_cloud_region_is_accepted_and_its_host_reached_for() {
    // No base URL: the region decides the hosts, which this machine cannot
    // reach. The data source reads at plan, so the plan reaches for them.
    let mut tf = Tf::new("http://127.0.0.1:9");
    tf.unset("GENESYS_BASE_URL").env("TF_LOG", "trace");
    tf.write_config_with_provider(
        "  aws_region = \"eusc-de-east-1\"\n  max_retries = 1\n  retry_deadline_seconds = 2",
        "data \"genesyscloud_oauth_client\" \"c\" {\n  name = \"c\"\n}\n",
    );
    tf.init();
    let diags = validate_diagnostics(&tf);
    assert!(
        !diags
            .iter()
            .any(|d| d["summary"].as_str().is_some_and(|s| s.contains("region"))),
        "{diags:?}"
    );
    let shown = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        shown.contains("login_host=login.edee1.eusc-pure.cloud")
            || shown.contains("login_host=\"login.edee1.eusc-pure.cloud\""),
        "the provider's log should name the region's login host"
    );
    assert!(shown.contains("could not reach Genesys Cloud"), "{shown}");
    assert!(!shown.contains("Unknown Genesys Cloud region"), "{shown}");
}
