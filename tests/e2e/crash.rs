//! A provider killed (SIGKILL) in the middle of an apply, then applied
//! again: state converges, every Vault entry holds a working secret, the
//! plan is empty, and a client left behind by the kill is named in a
//! warning and never taken over.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use genesys_emulator::{Emulator, FaultKind, FaultRule};

use crate::harness::{flat, text, values, Tf};
use crate::proxy::{Lose, Proxy};
use crate::vault::{token_works, Bao, ROOT_TOKEN};

/// Clients (each with a sink) in the configuration.
const N: usize = 3;
const CLIENTS: &str = "/api/v2/oauth/clients";

fn config(trigger: u32) -> String {
    (0..N)
        .map(|i| {
            format!(
                r#"
resource "genesyscloud_oauth_client" "c{i}" {{
  name                  = "crash-{i}"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id = "role-admin"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "c{i}" {{
  client_id         = genesyscloud_oauth_client.c{i}.client_id
  mount             = "secret"
  path              = "genesys/oauth/crash-{i}"
  rotation_triggers = {{ n = "{trigger}" }}
}}
"#
            )
        })
        .collect()
}

/// Waits until `done` holds, or fails after `limit`.
fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The provider processes terraform (`parent`) started.
fn providers_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // "pid (comm) state ppid …"; comm is cut to 15 characters.
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                return false;
            };
            let comm = &stat[open + 1..close];
            let ppid = stat[close + 1..].split_whitespace().nth(1);
            comm.starts_with("terraform-provi") && ppid == Some(parent.to_string().as_str())
        })
        .collect()
}

/// Starts `terraform apply`, waits until `ready`, kills the provider with
/// SIGKILL, and returns the apply's output (a failure).
fn apply_and_kill_provider(tf: &Tf, ready: impl Fn() -> bool) -> String {
    let child = tf.spawn(&["apply", "-no-color", "-auto-approve"]);
    wait_for("the calls to be in flight", Duration::from_secs(60), ready);
    let providers = providers_of(child.id());
    assert!(!providers.is_empty(), "no provider process under terraform");
    for pid in providers {
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success(), "kill -KILL {pid}");
    }
    let out = child.wait_with_output().expect("terraform ends");
    assert!(!out.status.success(), "the apply survived the kill");
    text(&out)
}

/// State holds N clients and N sinks, each sink's Vault entry names its
/// client and holds a secret that works; returns the clients' ids, in the
/// order of the configuration.
fn assert_converged(tf: &Tf, bao: &Bao, emu: &Emulator) -> Vec<String> {
    let state = tf.state_json();
    (0..N)
        .map(|i| {
            let id = values(&state, &format!("genesyscloud_oauth_client.c{i}"))["id"]
                .as_str()
                .expect("client id")
                .to_string();
            let sink = values(
                &state,
                &format!("genesyscloud_oauth_client_vault_secret.c{i}"),
            );
            assert_eq!(sink["client_id"], id.as_str());
            let data = bao.kv_data("secret", &format!("genesys/oauth/crash-{i}"));
            assert_eq!(data["client_id"], id.as_str());
            let secret = data["client_secret"].as_str().unwrap_or_default();
            assert!(
                token_works(&emu.base_url(), &id, secret),
                "the secret in Vault for crash-{i} does not work"
            );
            id
        })
        .collect()
}

#[test]
fn a_provider_killed_mid_apply_converges_and_names_what_it_left_behind() {
    let emu = crate::harness::emulator();
    let bao = Bao::start();
    // Genesys Cloud is reached through a proxy that can hold answers back:
    // the kill then lands after a call was carried out, before its answer.
    let genesys = Proxy::start(&emu.base_url());
    let mut tf = Tf::new(&genesys.addr);
    tf.env("VAULT_ADDR", &bao.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    tf.write_config(&config(1));
    tf.init();

    // Killed once every create was carried out, before any answer came:
    // Genesys has the clients, nobody recorded them.
    for _ in 0..N {
        genesys.lose_next_post(CLIENTS, Lose::Answer);
    }
    apply_and_kill_provider(&tf, || emu.clients().len() >= N);
    let left_behind: BTreeSet<String> = emu.clients().into_iter().map(|c| c.id).collect();
    assert_eq!(left_behind.len(), N);

    // The next apply creates the clients again and names each one left
    // behind, with how to import it instead. One create fails with a 503
    // (not carried out): looking for what it may have made must not take
    // a left-behind client of the same name for it.
    emu.inject(
        FaultRule::new(FaultKind::Status503)
            .method("POST")
            .path(CLIENTS)
            .times(1),
    );
    let out = flat(&text(&tf.apply(&[])));
    let ids = assert_converged(&tf, &bao, &emu);
    assert!(
        ids.iter().all(|id| !left_behind.contains(id)),
        "a left-behind client was taken over"
    );
    for id in &left_behind {
        assert!(
            out.contains("Warning: An OAuth client named \"crash-")
                && out.contains(&format!("terraform import <address> {id}")),
            "no warning names {id}:\n{out}"
        );
    }

    // Killed once every sink's secret was regenerated, before any answer
    // came: the secrets in Vault no longer work, and state does not know.
    tf.write_config(&config(2));
    for id in &ids {
        genesys.lose_next_post(&format!("{CLIENTS}/{id}/secret"), Lose::Answer);
    }
    let stored: Vec<String> = (0..N)
        .map(|i| {
            bao.kv_data("secret", &format!("genesys/oauth/crash-{i}"))["client_secret"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    apply_and_kill_provider(&tf, || {
        emu.clients()
            .iter()
            .filter(|c| ids.contains(&c.id) && !stored.contains(&c.secret))
            .count()
            >= N
    });
    let still_working = ids
        .iter()
        .zip(&stored)
        .filter(|(id, secret)| token_works(&emu.base_url(), id, secret))
        .count();
    assert_eq!(still_working, 0, "the kill should have left dead secrets");

    // The next apply rotates them again; everything works and stays put.
    tf.apply(&[]);
    assert_eq!(assert_converged(&tf, &bao, &emu), ids);
    tf.assert_no_changes();
}
