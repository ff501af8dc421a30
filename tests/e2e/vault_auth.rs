//! Getting to Vault the way Terraform Cloud runs do: JWT (workload identity)
//! and AppRole logins, token files, expired and renewable tokens, short
//! token TTLs under a slow Genesys, TLS with a private CA, namespaces, and the
//! provider's own credentials read from Vault. Every scenario runs against a
//! real OpenBao.
//!
//! Short-TTL scenarios keep wall time small by scaling the usual numbers
//! down: with [`SHORT`] a rotation may need 18 s of Vault access, as it may
//! need 616 s with the default settings; a role's 3-second tokens stand for
//! 5-minute ones, its 60-second max TTL for an hour.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use genesys_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};
use serde_json::json;

use crate::harness::{
    assert_absent, text, validate_diagnostics, values, Tf, ADMIN_ID, ADMIN_SECRET,
};
use crate::vault::{token_works, Bao, ROOT_TOKEN};
use crate::vault_secret::{client_id, seed, stored_secret, PATH};

/// The least a sink needs on a KV v2 mount `secret/` under `genesys/oauth/`.
const SINK_POLICY: &str = r#"
path "secret/data/genesys/oauth/*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "secret/metadata/genesys/oauth/*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "secret/data/genesys/admin" {
  capabilities = ["read"]
}
"#;

/// An emulator, an OpenBao (plain or TLS) with the sink policy, and a
/// working directory whose environment holds no Vault token at all (HOME is
/// the directory itself, so no `~/.vault-token` either).
fn setup(bao: Bao) -> (Emulator, Bao, Tf) {
    let emu = Emulator::start_blocking(EmulatorConfig {
        admin_client_id: ADMIN_ID.into(),
        admin_client_secret: ADMIN_SECRET.into(),
        ..Default::default()
    })
    .expect("start emulator");
    bao.policy("genesys-sink", SINK_POLICY);
    let mut tf = Tf::new(&emu.base_url());
    let home = tf.path().to_string_lossy().to_string();
    tf.env("HOME", &home).env("VAULT_ADDR", &bao.addr);
    (emu, bao, tf)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A key pair of the test's own, standing in for HCP Terraform's signer.
struct Issuer {
    key: SigningKey,
}

impl Issuer {
    fn new() -> Issuer {
        Issuer {
            key: SigningKey::from_bytes(&rand::random::<[u8; 32]>()),
        }
    }

    /// The public key as PEM (SubjectPublicKeyInfo of an Ed25519 key).
    fn public_pem(&self) -> String {
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&self.key.verifying_key().to_bytes());
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(der)
        )
    }

    /// A workload identity token shaped like HCP Terraform's, valid for
    /// ten minutes.
    fn token(&self, workspace: &str) -> String {
        self.token_for(workspace, 600)
    }

    /// A workload identity token that expires `lifetime_s` seconds from now.
    fn token_for(&self, workspace: &str, lifetime_s: u64) -> String {
        let header = json!({"alg": "EdDSA", "typ": "JWT"});
        let t = now();
        let claims = json!({
            "iss": "https://app.terraform.io",
            "aud": "vault.workload.identity",
            "sub": format!("organization:acme:project:genesys:workspace:{workspace}:run_phase:apply"),
            "terraform_organization_name": "acme",
            "terraform_workspace_name": workspace,
            "terraform_run_phase": "apply",
            "iat": t,
            "nbf": t - 5,
            "exp": t + lifetime_s,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

/// Provider settings under which a rotation may need 2 × 6 + 6 = 18 s of
/// Vault access (requests to the slowed-down emulator take 4 s, less than
/// the 6-s timeout).
const SHORT: &str = "retry_deadline_seconds = 6\nrequest_timeout_seconds = 6";

/// JWT auth at `auth/jwt` trusting `issuer` (an expired JWT gets no
/// leeway), with roles for one workspace: `tfc-genesys`, whose tokens live
/// 20 minutes; `tfc-short`, whose tokens end after 20 seconds whatever is
/// done (max TTL); and `tfc-renewable`, whose 3-second tokens can be renewed
/// up to 60 seconds (the 5-minute tokens of a 1-hour role, scaled down).
fn enable_jwt(bao: &Bao, issuer: &Issuer) {
    bao.enable_auth("jwt", "jwt");
    bao.write(
        None,
        "auth/jwt/config",
        json!({
            "jwt_validation_pubkeys": [issuer.public_pem()],
            "jwt_supported_algs": ["EdDSA"],
            "bound_issuer": "https://app.terraform.io",
        }),
    );
    for (role, ttl, max_ttl) in [
        ("tfc-genesys", "20m", None),
        ("tfc-short", "20s", Some("20s")),
        ("tfc-renewable", "3s", Some("60s")),
    ] {
        let mut body = json!({
            "role_type": "jwt",
            "bound_audiences": ["vault.workload.identity"],
            "user_claim": "sub",
            "bound_claims": {"terraform_workspace_name": "genesys-prod"},
            "token_policies": ["genesys-sink"],
            "token_ttl": ttl,
            "expiration_leeway": -1,
            "clock_skew_leeway": -1,
        });
        if let Some(max) = max_ttl {
            body["token_max_ttl"] = json!(max);
        }
        bao.write(None, &format!("auth/jwt/role/{role}"), body);
    }
}

#[test]
fn a_sink_applies_with_only_a_workload_identity_token() {
    let (emu, bao, mut tf) = setup(Bao::start());
    let issuer = Issuer::new();
    enable_jwt(&bao, &issuer);
    let jwt = issuer.token("genesys-prod");
    tf.env("TFC_WORKLOAD_IDENTITY_TOKEN", &jwt)
        .env("TF_LOG", "trace");
    let vault = "vault {\n  auth_login_jwt {\n    role = \"tfc-genesys\"\n  }\n}";
    tf.write_config_with_provider(vault, &seed(""));
    tf.init();
    let out = tf.apply(&[]);
    let id = client_id(&tf);
    assert!(
        token_works(&emu.base_url(), &id, &stored_secret(&bao)),
        "the secret written after a JWT login works"
    );
    let mut needles = emu.issued_secrets();
    needles.push(jwt.clone());
    needles.push(ADMIN_SECRET.into());
    assert_absent("TF_LOG=trace output", &text(&out), &needles);
    assert_absent("state", &tf.state_text(), &needles);

    // A JWT for another workspace: refused, and the error names the
    // method, the mount, the role and what to check.
    tf.unset("TF_LOG")
        .env("TFC_WORKLOAD_IDENTITY_TOKEN", &issuer.token("someone-else"));
    // A foreign workspace must not log in.
    let msg = text(&tf.run_failing(&["plan", "-no-color", "-refresh=true"]));
    assert!(
        msg.contains("auth_login_jwt (mount \"jwt\", role \"tfc-genesys\")")
            && msg.contains("bound_claims"),
        "{msg}"
    );
    assert_absent("the refusal", &msg, &[issuer.token("someone-else")]);
}

/// `n` clients (`ci-0`, `ci-1`, …) and their sinks: the seed's shape, with
/// `count`.
fn many(n: usize) -> String {
    format!(
        r#"
resource "genesyscloud_oauth_client" "ci" {{
  count                 = {n}
  name                  = "ci-${{count.index}}"
  authorized_grant_type = "CLIENT-CREDENTIALS"
  roles {{
    role_id = "role-admin"
  }}
}}

resource "genesyscloud_oauth_client_vault_secret" "ci" {{
  count     = {n}
  client_id = genesyscloud_oauth_client.ci[count.index].client_id
  mount     = "secret"
  path      = "genesys/oauth/${{genesyscloud_oauth_client.ci[count.index].name}}"
}}
"#
    )
}

/// Every sink of [`many`] holds a secret that works.
fn all_secrets_work(emu: &Emulator, bao: &Bao, tf: &Tf, n: usize) {
    let state = tf.state_json();
    for i in 0..n {
        let id = values(&state, &format!("genesyscloud_oauth_client.ci[{i}]"))["id"]
            .as_str()
            .expect("id")
            .to_string();
        let secret = bao.kv_data("secret", &format!("genesys/oauth/ci-{i}"))["client_secret"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(token_works(&emu.base_url(), &id, &secret), "sink {i}");
    }
}

/// The next `n` regenerates take `millis` each.
fn slow_regenerates(emu: &Emulator, n: u32, millis: u64) {
    emu.inject(
        FaultRule::new(FaultKind::Latency { millis })
            .method("POST")
            .path("/api/v2/oauth/clients/")
            .times(n),
    );
}

/// Fails unless every provider process in `log` (a debug log) logged in to
/// Vault at most once, and one did.
fn one_login_per_process(log: &str) {
    let logins = log.matches("logged in to Vault").count();
    let processes = log.matches("provider configured").count();
    assert!(
        logins >= 1 && logins <= processes,
        "{logins} logins in {processes} provider processes"
    );
}

/// A JWT-authenticated configuration, initialised, with the provider
/// `settings`: the seed for one sink, else [`many`]. Its next `sinks`
/// regenerates take `regenerate_ms` each (debug logs on, to see the logins).
fn slow_rotations_with_jwt(
    role: &str,
    settings: &str,
    sinks: usize,
    regenerate_ms: u64,
) -> (Emulator, Bao, Tf, Issuer) {
    let (emu, bao, mut tf) = setup(Bao::start());
    let issuer = Issuer::new();
    enable_jwt(&bao, &issuer);
    tf.env("TFC_WORKLOAD_IDENTITY_TOKEN", &issuer.token("genesys-prod"))
        .env("TF_LOG", "debug");
    slow_regenerates(&emu, sinks as u32, regenerate_ms);
    let provider =
        format!("{settings}\nvault {{\n  auth_login_jwt {{\n    role = \"{role}\"\n  }}\n}}");
    let body = if sinks == 1 { seed("") } else { many(sinks) };
    tf.write_config_with_provider(&provider, &body);
    tf.init();
    (emu, bao, tf, issuer)
}

#[test]
fn a_login_token_that_expires_mid_apply_is_obtained_again_and_revoked() {
    // A rotation may need 15 s of Vault access; the role's tokens end 20 s
    // after login, renewal or not. The first regenerate takes 4 s: the
    // second rotation cannot start with the first token, and needs a login.
    let settings = "retry_deadline_seconds = 4\nrequest_timeout_seconds = 7";
    let (emu, bao, tf, _) = slow_rotations_with_jwt("tfc-short", settings, 2, 4_000);
    let out = tf.apply(&["-parallelism=1"]);
    all_secrets_work(&emu, &bao, &tf, 2);
    let log = text(&out);
    assert!(
        log.contains("logging in again"),
        "the provider must have logged in again"
    );
    assert!(
        log.contains("revoked the Vault token a new login replaced"),
        "the replaced token must have been revoked"
    );
    assert_eq!(
        bao.live_tokens("auth/jwt/login"),
        0,
        "every token the provider logged in for is revoked by the end"
    );
}

#[test]
fn ten_rotations_need_one_jwt_login_whose_jwt_expires_mid_apply() {
    let (emu, bao, mut tf, issuer) = slow_rotations_with_jwt("tfc-renewable", SHORT, 10, 4_000);
    tf.run(&["plan", "-no-color", "-out=tfplan"]);
    // The apply's JWT expires 8 s after it is issued; three rotations at a
    // time, 4 s each, take longer than that.
    let jwt_life = Duration::from_secs(8);
    let jwt = issuer.token_for("genesys-prod", jwt_life.as_secs());
    tf.env("TFC_WORKLOAD_IDENTITY_TOKEN", &jwt);
    let started = Instant::now();
    let out = tf.run(&["apply", "-no-color", "-parallelism=3", "tfplan"]);
    assert!(started.elapsed() > jwt_life, "the JWT outlived the apply");
    all_secrets_work(&emu, &bao, &tf, 10);
    let log = text(&out);
    one_login_per_process(&log);
    assert!(log.contains("Vault token renewed"), "renewed, not replaced");
    assert_eq!(
        bao.live_tokens("auth/jwt/login"),
        0,
        "the login token is revoked when the provider exits"
    );
    // The JWT had expired: a second login would have been refused.
    let (status, _) = bao.call(
        "POST",
        "auth/jwt/login",
        Some(json!({"role": "tfc-renewable", "jwt": jwt})),
    );
    assert_eq!(status, 400);
}

#[test]
fn a_revoked_login_token_is_replaced_by_a_new_login() {
    let (emu, bao, tf, _) =
        slow_rotations_with_jwt("tfc-genesys", "request_timeout_seconds = 60", 1, 8_000);
    // The apply logs in before the regenerate, which takes 8 s; an operator
    // revokes every token in the middle of it.
    let out = std::thread::scope(|scope| {
        let revoker = scope.spawn(|| {
            std::thread::sleep(Duration::from_secs(6));
            bao.revoke_all_but_root()
        });
        let out = tf.apply(&[]);
        assert!(revoker.join().expect("revoker") > 0, "a token was revoked");
        out
    });
    let id = client_id(&tf);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    assert!(
        text(&out).contains("Vault refused the login token; logging in again"),
        "the write must have been retried with a new login"
    );
}

#[test]
fn approle_login_and_its_refusal() {
    let (emu, bao, mut tf) = setup(Bao::start());
    bao.enable_auth("approle", "approle");
    bao.write(
        None,
        "auth/approle/role/genesys",
        json!({"token_policies": ["genesys-sink"], "token_ttl": "10m"}),
    );
    let (_, v) = bao.call("GET", "auth/approle/role/genesys/role-id", None);
    let role_id = v["data"]["role_id"].as_str().expect("role id").to_string();
    let (_, v) = bao.call("POST", "auth/approle/role/genesys/secret-id", None);
    let secret_id = v["data"]["secret_id"]
        .as_str()
        .expect("secret id")
        .to_string();

    tf.env("GENESYSCLOUD_VAULT_ROLE_ID", &role_id)
        .env("GENESYSCLOUD_VAULT_SECRET_ID", &secret_id);
    tf.write_config_with_provider("vault {\n  auth_login_approle {}\n}", &seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));

    tf.env(
        "GENESYSCLOUD_VAULT_SECRET_ID",
        "00000000-0000-0000-0000-000000000000",
    );
    let msg = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        msg.contains("auth_login_approle (mount \"approle\")") && msg.contains("secret_id"),
        "{msg}"
    );
    assert_absent("the refusal", &msg, &[secret_id]);
}

#[test]
fn ten_rotations_need_one_login_with_a_single_use_approle_secret_id() {
    let (emu, bao, mut tf) = setup(Bao::start());
    bao.enable_auth("approle", "approle");
    bao.write(
        None,
        "auth/approle/role/genesys",
        json!({
            "token_policies": ["genesys-sink"], "token_ttl": "3s", "token_max_ttl": "60s",
            "secret_id_num_uses": 1,
        }),
    );
    let (_, v) = bao.call("GET", "auth/approle/role/genesys/role-id", None);
    let role_id = v["data"]["role_id"].as_str().expect("role id").to_string();
    let secret_id = || {
        let (_, v) = bao.call("POST", "auth/approle/role/genesys/secret-id", None);
        v["data"]["secret_id"]
            .as_str()
            .expect("secret id")
            .to_string()
    };
    // One single-use secret ID per provider process, as a pipeline hands
    // them out.
    tf.env("GENESYSCLOUD_VAULT_ROLE_ID", &role_id)
        .env("GENESYSCLOUD_VAULT_SECRET_ID", &secret_id())
        .env("TF_LOG", "debug");
    slow_regenerates(&emu, 10, 4_000);
    let provider = format!("{SHORT}\nvault {{\n  auth_login_approle {{}}\n}}");
    tf.write_config_with_provider(&provider, &many(10));
    tf.init();
    tf.run(&["plan", "-no-color", "-out=tfplan"]);
    let apply_secret_id = secret_id();
    tf.env("GENESYSCLOUD_VAULT_SECRET_ID", &apply_secret_id);
    let out = tf.run(&["apply", "-no-color", "-parallelism=3", "tfplan"]);
    all_secrets_work(&emu, &bao, &tf, 10);
    one_login_per_process(&text(&out));
    assert_eq!(bao.live_tokens("auth/approle/login"), 0);
    let (status, _) = bao.call(
        "POST",
        "auth/approle/login",
        Some(json!({"role_id": role_id, "secret_id": apply_secret_id})),
    );
    assert_eq!(status, 400, "the secret ID was used once, and is used up");
}

#[test]
fn a_token_file_and_credentials_from_vault_need_no_other_secret() {
    let (emu, bao, mut tf) = setup(Bao::start());
    bao.kv_put(
        "secret",
        "genesys/admin",
        json!({"client_id": ADMIN_ID, "client_secret": ADMIN_SECRET}),
    );
    let token = bao.token(None, json!({"policies": ["genesys-sink"], "ttl": "10m"}));
    let file = tf.path().join("vault-token");
    std::fs::write(&file, format!("{token}\n")).expect("write token file");
    tf.unset("GENESYSCLOUD_OAUTHCLIENT_ID")
        .unset("GENESYSCLOUD_OAUTHCLIENT_SECRET")
        .env("TF_LOG", "trace");
    let provider = format!(
        "oauthclient_from_vault {{\n  path = \"genesys/admin\"\n}}\nvault {{\n  token_file = \"{}\"\n}}",
        file.display()
    );
    tf.write_config_with_provider(&provider, &seed(""));
    tf.init();
    let out = tf.apply(&[]);
    let id = client_id(&tf);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    let mut needles = emu.issued_secrets();
    needles.extend(emu.issued_tokens());
    needles.push(ADMIN_SECRET.into());
    needles.push(token.clone());
    assert_absent("TF_LOG=trace output", &text(&out), &needles);
    tf.unset("TF_LOG");
    tf.assert_no_changes();

    // The admin secret in Vault plus the one in the block: a configuration
    // error on the direct attribute, caught by validate.
    let both = format!("oauthclient_id = \"x\"\n{provider}");
    tf.write_config_with_provider(&both, &seed(""));
    let diags = validate_diagnostics(&tf);
    let hit = diags.iter().any(|d| {
        d["summary"]
            .as_str()
            .is_some_and(|s| s.contains("oauthclient_id conflicts with oauthclient_from_vault"))
    });
    assert!(hit, "{diags:?}");

    // A path with no entry: the error points at oauthclient_from_vault.path.
    let missing = provider.replace("genesys/admin", "genesys/oauth/nobody");
    tf.write_config_with_provider(&missing, &seed(""));
    let out = tf.run_failing(&["plan", "-no-color"]);
    assert!(
        text(&out).contains("No Vault entry at secret/genesys/oauth/nobody"),
        "{}",
        text(&out)
    );

    // A deleted, then a destroyed latest version: each said as it is.
    tf.write_config_with_provider(&provider, &seed(""));
    let (status, _) = bao.call("DELETE", "secret/data/genesys/admin", None);
    assert_eq!(status, 204);
    let out = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        out.contains("latest version of Vault entry secret/genesys/admin is deleted")
            && out.contains("vault kv undelete -versions=1"),
        "{out}"
    );
    bao.write(
        None,
        "secret/destroy/genesys/admin",
        json!({"versions": [1]}),
    );
    let out = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        out.contains("latest version of Vault entry secret/genesys/admin is destroyed"),
        "{out}"
    );

    // A mount that is not there: the error names the mount, not a policy.
    let no_mount = provider.replace("path = ", "mount = \"secrets\"\n  path = ");
    tf.write_config_with_provider(&no_mount, &seed(""));
    let msg = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        msg.contains("No Vault mount \"secrets\"") && !msg.contains("must grant"),
        "{msg}"
    );

    // Credentials the token endpoint refuses: the error says where they
    // were read.
    tf.write_config_with_provider(&provider, &seed(""));
    bao.kv_put(
        "secret",
        "genesys/admin",
        json!({"client_id": ADMIN_ID, "client_secret": "not-the-admin-secret"}),
    );
    let msg = text(&tf.run_failing(&["plan", "-no-color"]));
    assert!(
        msg.contains("oauthclient_from_vault (Vault entry secret/genesys/admin)")
            && msg.contains("invalid_client"),
        "{msg}"
    );
}

#[test]
fn an_expired_token_is_reported_and_a_renewable_one_outlives_a_slow_apply() {
    let (emu, bao, mut tf) = setup(Bao::start());
    tf.write_config_with_provider("request_timeout_seconds = 60", &seed(""));
    tf.init();

    let expired = bao.token(None, json!({"policies": ["genesys-sink"], "ttl": "1s"}));
    std::thread::sleep(Duration::from_secs(3));
    tf.env("VAULT_TOKEN", &expired);
    let msg = text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(
        msg.contains("Vault token from VAULT_TOKEN") && msg.contains("expired"),
        "{msg}"
    );
    assert_absent("the refusal", &msg, &[expired]);
    // Nothing half-done: the client may exist, but no secret was
    // regenerated for a sink that could not reach Vault.
    assert!(emu.issued_secrets().len() <= emu.clients().len());

    // A token that ends in 20 s and cannot be renewed: the rotation does not
    // start (the old secret keeps working), and the error says why.
    let regenerates = emu.request_count("POST", "/api/v2/oauth/clients/");
    let fixed = bao.token(
        None,
        json!({"policies": ["genesys-sink"], "ttl": "20s", "renewable": false}),
    );
    tf.env("VAULT_TOKEN", &fixed);
    let msg = text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(msg.contains("cannot be renewed, too soon"), "{msg}");
    assert_eq!(
        emu.request_count("POST", "/api/v2/oauth/clients/"),
        regenerates,
        "no secret may be regenerated with a Vault token about to end"
    );

    // A renewable token whose explicit max TTL ends in 40 s: renewal cannot
    // take it through a rotation, which may need 660 s here; nothing is
    // regenerated, and the error says why.
    let capped = bao.token(
        None,
        json!({
            "policies": ["genesys-sink"], "ttl": "30s", "explicit_max_ttl": "40s", "renewable": true
        }),
    );
    tf.env("VAULT_TOKEN", &capped);
    let msg = text(&tf.run_failing(&["apply", "-no-color", "-auto-approve"]));
    assert!(msg.contains("its max TTL"), "{msg}");
    assert_eq!(
        emu.request_count("POST", "/api/v2/oauth/clients/"),
        regenerates,
        "no secret may be regenerated with a Vault token that cannot outlast it"
    );

    // A token that lives 8 s unless renewed (up to an hour), and a
    // regenerate that takes 12 s: the write after it succeeds only if the
    // token was renewed.
    emu.inject(
        FaultRule::new(FaultKind::Latency { millis: 12_000 })
            .method("POST")
            .path("/api/v2/oauth/clients/")
            .times(1),
    );
    let renewable = bao.token(
        None,
        json!({
            "policies": ["genesys-sink"], "ttl": "8s", "explicit_max_ttl": "1h", "renewable": true
        }),
    );
    tf.env("VAULT_TOKEN", &renewable).env("TF_LOG", "debug");
    let out = tf.apply(&[]);
    let id = client_id(&tf);
    assert!(token_works(&emu.base_url(), &id, &stored_secret(&bao)));
    let log = text(&out);
    assert!(
        log.contains("Vault token renewed"),
        "the token must have been renewed during the apply:\n{}",
        log.lines()
            .filter(|l| l.contains("Vault") || l.contains("vault"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn tls_with_a_private_ca_and_a_namespace() {
    let (emu, bao, mut tf) = setup(Bao::start_tls());
    let ca = bao.ca_file.clone().expect("CA file");
    let (status, v) = bao.call("POST", "sys/namespaces/team", Some(json!({})));
    assert_eq!(status, 200, "namespaces are part of OpenBao 2.3+: {v}");
    bao.write(
        Some("team"),
        "sys/mounts/secret",
        json!({"type": "kv", "options": {"version": "2"}}),
    );
    bao.write(
        Some("team"),
        "sys/policies/acl/genesys-sink",
        json!({ "policy": SINK_POLICY }),
    );
    let token = bao.token(
        Some("team"),
        json!({"policies": ["genesys-sink"], "ttl": "10m"}),
    );

    tf.env("VAULT_TOKEN", &token)
        .env("VAULT_NAMESPACE", "team")
        .env("VAULT_CACERT", &ca.to_string_lossy());
    tf.write_config(&seed(""));
    tf.init();
    tf.apply(&[]);
    let id = client_id(&tf);
    let (status, v) = bao.call_in("team", "GET", &format!("secret/data/{PATH}"), None);
    assert_eq!(status, 200, "{v}");
    let secret = v["data"]["data"]["client_secret"]
        .as_str()
        .unwrap_or_default();
    assert!(token_works(&emu.base_url(), &id, secret));
    assert!(
        bao.kv_data("secret", PATH).is_null(),
        "nothing lands in the root namespace"
    );

    // HCP Terraform's way of passing the CA: base64 PEM in the environment.
    let pem = std::fs::read(&ca).expect("read CA");
    tf.unset("VAULT_CACERT")
        .env("TFC_VAULT_ENCODED_CACERT", &STANDARD.encode(pem));
    tf.assert_no_changes();

    // No CA at all: the certificate is refused and the error says so.
    tf.unset("TFC_VAULT_ENCODED_CACERT");
    let out = tf.run_failing(&["plan", "-no-color"]);
    let msg = text(&out).to_lowercase();
    assert!(msg.contains("certificate") || msg.contains("tls"), "{msg}");
    assert_absent("the failure", &text(&out), &[token, ROOT_TOKEN.into()]);
}
