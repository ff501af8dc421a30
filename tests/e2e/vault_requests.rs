//! How many requests Vault receives: counted at a proxy in front of
//! OpenBao while ten sinks are created with their clients (a saved plan,
//! then its apply), planned again with no change, rotated, and moved to
//! new paths (a replacement: each client's claim read at plan, released
//! by the old sink and written by the new one at apply). The counts on
//! the sinks' entries and claims and the paths the capability checks ask
//! about are deterministic, so the test asserts them; how many capability requests
//! carry those paths depends on how close together Terraform core calls
//! the sinks (the sharing itself is unit-tested in
//! `src/vault/capability_batch.rs`), so it is bounded, not fixed. The
//! per-path counts are printed.

use std::collections::BTreeMap;

use crate::harness::{emulator, text, Tf};
use crate::proxy::Proxy;
use crate::vault::{Bao, ROOT_TOKEN};

/// Sinks in the configuration.
const N: usize = 10;

/// Requests a provider process makes on top of the per-sink ones: the
/// token's lookup and the mount lookup.
const PER_PROCESS: usize = 2;

/// Plugin processes that talk to Vault in a `terraform apply` (plan,
/// apply) and in a `terraform plan` (plan).
const APPLY_PROCESSES: usize = 2;

/// Ten clients and their sinks; `n` is the sinks' rotation trigger.
fn config(n: u32) -> String {
    config_at(n, "")
}

/// The same, the sinks' paths ending in `suffix`.
fn config_at(n: u32, suffix: &str) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "a" {{
  count                 = {N}
  name                  = "requests-${{count.index}}"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id = "role-admin"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "b" {{
  count     = {N}
  client_id = genesyscloud_oauth_client.a[count.index].client_id
  mount     = "secret"
  path      = "requests/${{count.index}}{suffix}"
  rotation_triggers = {{ n = "{n}" }}
}}
"#
    )
}

/// Prints the counts of one phase, the sinks' paths taken together
/// (`requests/*`), and returns their total.
fn report(phase: &str, counts: &BTreeMap<String, usize>) -> usize {
    let mut by_path = BTreeMap::<String, usize>::new();
    for (request, count) in counts {
        let path = match request.split_once("/requests/") {
            Some((head, _)) => format!("{head}/requests/*"),
            None => match request.split_once(CLAIMS) {
                Some((head, _)) => format!("{head}{CLAIMS}*"),
                None => request.clone(),
            },
        };
        *by_path.entry(path).or_default() += count;
    }
    let total = counts.values().sum();
    eprintln!("Vault requests, {phase}: {total} for {N} sinks");
    for (request, count) in by_path {
        eprintln!("  {count:>4}  {request}");
    }
    total
}

#[test]
fn vault_requests_per_sink_stay_within_the_budget() {
    let emu = emulator();
    let bao = Bao::start();
    let proxy = Proxy::start(&bao.addr);
    let mut tf = Tf::new(&emu.base_url());
    tf.env("VAULT_ADDR", &proxy.addr)
        .env("VAULT_TOKEN", ROOT_TOKEN);
    tf.write_config(&config(1));
    tf.init();

    proxy.take_requests();
    tf.plan_json(&["-parallelism=10"]);
    let planned = proxy.take_requests();
    let planned_asks = proxy.take_capability_paths();
    let client_reads = || emu.request_count("GET", "/api/v2/oauth/clients/");
    let reads_before = client_reads();
    tf.run(&["apply", "-no-color", "-parallelism=10", "tfplan"]);
    let applied = proxy.take_requests();
    // In Genesys too: the create's answer is the client as made, so the
    // sinks that write the new clients' secrets do not read them again.
    assert_eq!(client_reads(), reads_before, "no client read at apply");
    let out = tf.run_raw(&["plan", "-no-color", "-detailed-exitcode", "-parallelism=10"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "plan not empty:\n{}",
        text(&out)
    );
    let plan = proxy.take_requests();

    let create_total = report("create: plan", &planned) + report("create: apply", &applied);
    let plan_total = report("no-change plan", &plan);
    // Per sink, to create: the metadata read, the metadata write (the
    // entry's mark), the client's claim (one write: the plan cannot read
    // it, as the client's id is not known yet), the data write and the
    // verify's read-back; then the plan's capability requests, at most one
    // per sink.
    assert_eq!(claims(&planned), (0, 0, 0), "no claim at plan: ids unknown");
    assert_eq!(claims(&applied), (0, N, 0), "one claim write per sink");
    let create_checks = count(&planned, CAPABILITIES);
    assert!(
        create_total - create_checks <= 5 * N + APPLY_PROCESSES * PER_PROCESS,
        "{create_total} Vault requests to create {N} sinks: {planned:#?} {applied:#?}"
    );
    // The plan asked once per entry whether the token may write it; the
    // apply does not ask again for clients created in the same apply:
    // nobody holds their secret, so a refused write would cut nobody off.
    assert_each_entry_asked_once("create: plan", &planned_asks);
    assert!((1..=N).contains(&create_checks), "{planned:#?}");
    assert_eq!(count(&applied, CAPABILITIES), 0, "no check ahead at apply");
    // Per sink, to plan: the metadata read; no claim.
    assert_eq!(claims(&plan), (0, 0, 0), "no claim in a no-change plan");
    assert!(
        plan_total <= N + PER_PROCESS,
        "{plan_total} Vault requests to plan {N} sinks: {plan:#?}"
    );
    // The work itself is all there.
    let sinks = |request: &str| {
        (0..N)
            .map(|i| count(&applied, &format!("{request}/requests/{i}")))
            .sum::<usize>()
    };
    assert_eq!(sinks("POST /v1/secret/data"), N, "one data write per sink");
    assert_eq!(sinks("GET /v1/secret/data"), N, "one read-back per sink");

    // A rotation regenerates secrets consumers hold: the apply asks again,
    // once per entry, before it regenerates (the sinks starting together
    // share a request).
    tf.write_config(&config(2));
    tf.plan_json(&["-parallelism=10"]);
    proxy.take_requests();
    proxy.take_capability_paths();
    tf.run(&["apply", "-no-color", "-parallelism=10", "tfplan"]);
    let rotated = proxy.take_requests();
    report("rotation: apply", &rotated);
    assert_each_entry_asked_once("rotation: apply", &proxy.take_capability_paths());
    assert!(
        (1..=N).contains(&count(&rotated, CAPABILITIES)),
        "{rotated:#?}"
    );
    assert_eq!(claims(&rotated), (0, 0, 0), "a rotation keeps its claim");

    // The sinks move to new paths: each is replaced, for a client whose id
    // the plan knows. The plan reads each claim once (it names the entry
    // this plan replaces: no other read). At apply, Terraform plans each
    // sink again just before it applies it (one read each: that plan's
    // view is what the write's check-and-set carries); the destroy
    // releases the claim (a read, a delete of that version) and the create
    // writes it.
    tf.write_config(&config_at(2, "-moved"));
    tf.plan_json(&["-parallelism=10"]);
    let moved_plan = proxy.take_requests();
    report("move: plan", &moved_plan);
    assert_eq!(claims(&moved_plan), (N, 0, 0), "one claim read per sink");
    tf.run(&["apply", "-no-color", "-parallelism=10", "tfplan"]);
    let moved = proxy.take_requests();
    report("move: apply", &moved);
    assert_eq!(
        claims(&moved),
        (2 * N, N, N),
        "released, then claimed again"
    );
}

/// Where the claims are, inside a request's path.
const CLAIMS: &str = "/genesyscloud-claims/oauth-clients/";

/// The claim requests of a phase: reads, writes and releases (a delete of
/// one version).
fn claims(counts: &BTreeMap<String, usize>) -> (usize, usize, usize) {
    let sum = |prefix: &str| {
        counts
            .iter()
            .filter(|(request, _)| request.starts_with(prefix) && request.contains(CLAIMS))
            .map(|(_, count)| count)
            .sum::<usize>()
    };
    (
        sum("GET /v1/secret/data/"),
        sum("POST /v1/secret/data/"),
        sum("POST /v1/secret/delete/"),
    )
}

/// Asserts that the capability requests of a phase asked about each sink's
/// data and metadata paths exactly once, and about nothing else.
fn assert_each_entry_asked_once(phase: &str, asked: &[String]) {
    let mut asked = asked.to_vec();
    asked.sort();
    let mut expected: Vec<String> = (0..N)
        .flat_map(|i| {
            [
                format!("secret/data/requests/{i}"),
                format!("secret/metadata/requests/{i}"),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(
        asked, expected,
        "{phase}: the paths the token's rights were asked on"
    );
}

/// The capability check's request.
const CAPABILITIES: &str = "POST /v1/sys/capabilities-self";

/// How many of `request` a phase made.
fn count(counts: &BTreeMap<String, usize>, request: &str) -> usize {
    counts.get(request).copied().unwrap_or(0)
}
