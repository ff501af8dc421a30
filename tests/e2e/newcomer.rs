//! What a first-time user runs into, under the real CLI: the provider
//! block's login wins over another one in the environment (with a warning
//! naming both), and a Vault or Genesys Cloud that cannot be reached is
//! named with the address tried and the connection failure, and a run
//! goes through a proxy the way users set one (`HTTPS_PROXY`, or the
//! official provider's `GENESYSCLOUD_PROXY_*`).

use std::collections::BTreeSet;

use crate::forward_proxy::{ForwardProxy, Relayed};
use crate::harness::{emulator, flat, text, Tf, ADMIN_ID, ADMIN_SECRET};
use crate::vault::{Bao, ROOT_TOKEN};
use crate::vault_secret::seed;

/// `http://127.0.0.1:PORT` where nothing listens (bound, then let go).
pub(crate) fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

#[test]
fn the_blocks_logins_win_over_garbage_tokens_in_the_environment() {
    let emu = emulator();
    let bao = Bao::start();
    let garbage = "garbage-access-token-from-the-environment";
    let garbage_vault = "garbage-vault-token-from-the-environment";
    let mut tf = Tf::new(&emu.base_url());
    tf.unset("GENESYSCLOUD_OAUTHCLIENT_ID")
        .unset("GENESYSCLOUD_OAUTHCLIENT_SECRET")
        .env("GENESYSCLOUD_ACCESS_TOKEN", garbage)
        .env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", garbage_vault);
    tf.write_config_with_provider(
        &format!(
            "  oauthclient_id     = \"{ADMIN_ID}\"\n  oauthclient_secret = \"{ADMIN_SECRET}\"\n  vault {{\n    token = \"{ROOT_TOKEN}\"\n  }}"
        ),
        &seed(""),
    );
    tf.init();
    let plan = tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains("The environment's Genesys Cloud login is not used")
            && said.contains("oauthclient_id/oauthclient_secret")
            && said.contains("GENESYSCLOUD_ACCESS_TOKEN"),
        "no warning naming both logins:\n{said}"
    );
    assert!(
        said.contains("The environment's Vault login is not used") && said.contains("VAULT_TOKEN"),
        "no warning naming both Vault logins:\n{said}"
    );
    let apply = tf.apply_plan();
    assert!(text(&apply).contains("2 added"), "{}", text(&apply));
    for out in [&plan, &apply] {
        assert!(!text(out).contains(garbage), "the token was printed");
        assert!(
            !text(out).contains(garbage_vault),
            "the Vault token was printed"
        );
        assert!(!text(out).contains(ADMIN_SECRET), "the secret was printed");
    }
    assert!(bao.kv_data("secret", "genesys/oauth/ci-pipeline")["client_secret"].is_string());
    tf.destroy();
}

#[test]
fn an_unreachable_vault_is_named_with_its_address_and_the_connection_failure() {
    let emu = emulator();
    let vault = closed_port();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &vault).env("VAULT_TOKEN", ROOT_TOKEN);
    let attempts = "  max_retries = 0";

    // A sink planned while Vault is down: a warning, the apply checks again.
    tf.write_config_with_provider(attempts, &seed(""));
    tf.init();
    let plan = tf.run(&["plan", "-no-color"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains("Vault could not be checked at plan")
            && said.contains(&format!("could not reach Vault at {vault}/"))
            && said.to_lowercase().contains("connection refused"),
        "{said}"
    );
    assert!(!said.contains("current token"), "{said}");
    let apply = tf.run_failing(&["apply", "-no-color", "-auto-approve"]);
    let said = flat(&text(&apply));
    assert!(
        said.contains(&format!("could not reach Vault at {vault}/")),
        "{said}"
    );
    assert!(!said.contains("current token"), "{said}");

    // The provider's own login read from Vault: configure stops, saying why.
    let mut from_vault = Tf::new(&emu.base_url());
    from_vault
        .unset("GENESYSCLOUD_OAUTHCLIENT_ID")
        .unset("GENESYSCLOUD_OAUTHCLIENT_SECRET")
        .env("VAULT_ADDR", &vault)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    from_vault.write_config_with_provider(
        &format!("{attempts}\n  oauthclient_from_vault {{\n    path = \"genesys/admin\"\n  }}"),
        DATA_SOURCE,
    );
    from_vault.init();
    plan_fails_naming(&from_vault, &format!("could not reach Vault at {vault}/"));
    let _ = tf.run_raw(&["destroy", "-no-color", "-auto-approve"]);
    drop(emu);
}

#[test]
fn a_closed_genesys_port_is_named_with_its_host() {
    let genesys = closed_port();
    let tf = Tf::new(&genesys);
    tf.write_config_with_provider("  max_retries = 0", DATA_SOURCE);
    tf.init();
    plan_fails_naming(&tf, &format!("could not reach Genesys Cloud at {genesys}:"));
}

/// A configuration that reads one client: the plan calls Genesys Cloud.
const DATA_SOURCE: &str = "data \"genesyscloud_oauth_client\" \"x\" {\n  name = \"x\"\n}\n";

/// The plan fails, saying `reached` and that the connection was refused,
/// and calls it no token problem.
fn plan_fails_naming(tf: &Tf, reached: &str) {
    let plan = tf.run_failing(&["plan", "-no-color"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains(reached) && said.to_lowercase().contains("connection refused"),
        "{said}"
    );
    assert!(!said.contains("current token"), "{said}");
}

/// The relayed requests' authorities, each once.
fn authorities(relayed: &[Relayed]) -> BTreeSet<String> {
    relayed.iter().map(|r| r.authority.clone()).collect()
}

/// `host:port` of an address.
fn authority(address: &str) -> String {
    let url = url::Url::parse(address).expect("address");
    format!(
        "{}:{}",
        url.host_str().expect("host"),
        url.port_or_known_default().expect("port")
    )
}

/// Applies the seed configuration (a client and its sink) against the
/// emulator and `bao`, with `env` naming the proxy the test started, then
/// destroys it; returns what the proxy relayed and the Genesys Cloud and
/// Vault authorities. Nothing is exempt from a proxy (`NO_PROXY` empty),
/// loopback included. The output never holds `secret`.
fn proxied_run(
    bao: &Bao,
    proxy: &ForwardProxy,
    env: &[(&str, String)],
    secret: &str,
) -> (Vec<Relayed>, String, String) {
    let emu = emulator();
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN)
        .env("NO_PROXY", "")
        .env("no_proxy", "");
    if let Some(ca) = &bao.ca_file {
        tf.env("VAULT_CACERT", &ca.display().to_string());
    }
    for (k, v) in env {
        tf.env(k, v);
    }
    tf.write_config(&seed(""));
    tf.init();
    let out = tf.apply(&[]);
    assert!(!text(&out).contains(secret));
    assert!(bao.kv_data("secret", "genesys/oauth/ci-pipeline")["client_secret"].is_string());
    let relayed = proxy.relayed();
    tf.destroy();
    (relayed, authority(&emu.base_url()), authority(&bao.addr))
}

#[test]
fn a_run_through_the_standard_proxy_variables_reaches_genesys_and_vault_through_the_proxy() {
    let bao = Bao::start_tls();
    let proxy = ForwardProxy::start();
    // Vault is https (a CONNECT tunnel), the emulator http (absolute-form
    // requests).
    let (relayed, genesys, vault) = proxied_run(
        &bao,
        &proxy,
        &[
            ("HTTPS_PROXY", proxy.url.clone()),
            ("HTTP_PROXY", proxy.url.clone()),
        ],
        ROOT_TOKEN,
    );
    let seen = authorities(&relayed);
    assert!(
        seen.contains(&genesys) && seen.contains(&vault),
        "the proxy did not see both {genesys} and {vault}: {relayed:?}"
    );
    assert!(relayed
        .iter()
        .any(|r| r.authority == vault && r.method == "CONNECT"));
    assert!(
        relayed
            .iter()
            .filter(|r| r.authority == genesys && r.method == "POST")
            .count()
            >= 2,
        "the token exchange and the create went elsewhere: {relayed:?}"
    );
}

#[test]
fn the_official_providers_proxy_variables_carry_the_genesys_calls() {
    let bao = Bao::start();
    let proxy = ForwardProxy::start();
    let password = "proxy-password-e2e-1";
    let (relayed, genesys, vault) = proxied_run(
        &bao,
        &proxy,
        &[
            ("GENESYSCLOUD_PROXY_HOST", "127.0.0.1".into()),
            ("GENESYSCLOUD_PROXY_PORT", proxy.port.to_string()),
            ("GENESYSCLOUD_PROXY_AUTH_USERNAME", "john".into()),
            ("GENESYSCLOUD_PROXY_AUTH_PASSWORD", password.into()),
        ],
        password,
    );
    assert!(
        relayed.iter().any(|r| r.authority == genesys),
        "{relayed:?}"
    );
    assert!(
        relayed
            .iter()
            .all(|r| r.authority == genesys && r.authorized),
        "only Genesys Cloud calls go through it, each with the proxy's credentials: {relayed:?}"
    );
    assert!(!authorities(&relayed).contains(&vault));
}

#[test]
fn a_login_known_only_at_apply_is_never_replaced_by_the_environments() {
    // The environment holds a working login (the harness's admin client);
    // the aliased block's login comes from a resource not created yet.
    let emu = emulator();
    let tf = Tf::new(&emu.base_url());
    let later = format!(
        "resource \"terraform_data\" \"login\" {{\n  input = \"{ADMIN_ID}\"\n}}\nprovider \"genesyscloud\" {{\n  alias              = \"later\"\n  oauthclient_id     = terraform_data.login.output\n  oauthclient_secret = \"{ADMIN_SECRET}\"\n}}\nresource \"genesyscloud_oauth_client\" \"c\" {{\n  name                  = \"read-later\"\n  authorized_grant_type = \"CLIENT-CREDENTIALS\"\n  roles {{\n    role_id = \"role-viewer\"\n  }}\n}}\n"
    );
    let read = |depends_on: &str| {
        format!("{later}data \"genesyscloud_oauth_client\" \"c\" {{\n  provider = genesyscloud.later\n  name     = \"read-later\"\n{depends_on}}}\noutput \"found\" {{\n  value = data.genesyscloud_oauth_client.c.id\n}}\n")
    };

    // Read at plan: refused, naming the attribute, and no login with the
    // environment's client (no token issued).
    tf.write_config(&read(""));
    tf.init();
    let tokens = emu.issued_tokens().len();
    let plan = tf.run_failing(&["plan", "-no-color"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains("The provider's configuration is known only at apply")
            && said.contains("`oauthclient_id`")
            && said.contains("depends_on"),
        "{said}"
    );
    assert_eq!(emu.issued_tokens().len(), tokens, "the plan logged in");

    // Read at apply (depends_on): the block's login, known by then, is used.
    tf.write_config(&read(
        "  depends_on = [terraform_data.login, genesyscloud_oauth_client.c]\n",
    ));
    let apply = tf.run(&["apply", "-no-color", "-auto-approve"]);
    assert!(text(&apply).contains("Apply complete"), "{}", text(&apply));
    assert!(
        !text(&apply).contains(ADMIN_SECRET),
        "the secret was printed"
    );
    let found = tf.state_json()["values"]["outputs"]["found"]["value"].clone();
    assert!(
        found.as_str().is_some_and(|id| !id.is_empty()),
        "the data source read nothing: {found}"
    );
    tf.destroy();
}
