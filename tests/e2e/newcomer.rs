//! What a first-time user runs into, under the real CLI: the provider
//! block's login wins over another one in the environment (with a warning
//! naming both), and a Vault or Genesys Cloud that cannot be reached is
//! named with the address tried and the connection failure.

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
fn the_blocks_client_credentials_win_over_a_garbage_access_token_in_the_environment() {
    let emu = emulator();
    let bao = Bao::start();
    let garbage = "garbage-access-token-from-the-environment";
    let mut tf = Tf::new(&emu.base_url());
    tf.unset("GENESYSCLOUD_OAUTHCLIENT_ID")
        .unset("GENESYSCLOUD_OAUTHCLIENT_SECRET")
        .env("GENESYSCLOUD_ACCESS_TOKEN", garbage)
        .env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    tf.write_config_with_provider(
        &format!(
            "  oauthclient_id     = \"{ADMIN_ID}\"\n  oauthclient_secret = \"{ADMIN_SECRET}\""
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
    let apply = tf.apply_plan();
    assert!(text(&apply).contains("2 added"), "{}", text(&apply));
    for out in [&plan, &apply] {
        assert!(!text(out).contains(garbage), "the token was printed");
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
        "data \"genesyscloud_oauth_client\" \"x\" {\n  name = \"x\"\n}\n",
    );
    from_vault.init();
    let plan = from_vault.run_failing(&["plan", "-no-color"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains(&format!("could not reach Vault at {vault}/"))
            && said.to_lowercase().contains("connection refused"),
        "{said}"
    );
    assert!(!said.contains("current token"), "{said}");
    let _ = tf.run_raw(&["destroy", "-no-color", "-auto-approve"]);
    drop(emu);
}

#[test]
fn a_closed_genesys_port_is_named_with_its_host() {
    let genesys = closed_port();
    let tf = Tf::new(&genesys);
    tf.write_config_with_provider(
        "  max_retries = 0",
        "data \"genesyscloud_oauth_client\" \"x\" {\n  name = \"x\"\n}\n",
    );
    tf.init();
    let plan = tf.run_failing(&["plan", "-no-color"]);
    let said = flat(&text(&plan));
    assert!(
        said.contains(&format!("could not reach Genesys Cloud at {genesys}:"))
            && said.to_lowercase().contains("connection refused"),
        "{said}"
    );
}
