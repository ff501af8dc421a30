//! A proxy in front of OpenBao or the Genesys Cloud emulator that can lose
//! the answer to a POST: it forwards every request as is, except the next
//! POSTs to the paths it was told about, each of which it either forwards
//! and then holds the answer of (the call is carried out, its answer never
//! comes), or holds without forwarding (it is never carried out). A held
//! request waits [`HOLD`]: longer than the provider's
//! `request_timeout_seconds` where a test wants the answer lost, long
//! enough to kill the provider where a test wants that. It counts the
//! requests it receives, by method and path (`take_requests`), and the
//! paths Vault's capability requests asked about (`take_capability_paths`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;

/// How long a held request waits.
const HOLD: Duration = Duration::from_secs(6);

/// What happens to the next POST to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lose {
    /// The request is carried out; its answer is held back.
    Answer,
    /// The request is held back and never carried out.
    Request,
}

#[derive(Clone)]
struct Shared {
    target: String,
    http: reqwest::Client,
    rules: Arc<Mutex<Vec<(String, Lose)>>>,
    seen: Seen,
    asked: Asked,
}

/// The paths in the bodies of `POST /v1/sys/capabilities-self`, in order.
type Asked = Arc<Mutex<Vec<String>>>;

/// Requests received, by `"METHOD /path"` (the query left out).
type Seen = Arc<Mutex<BTreeMap<String, usize>>>;

/// A running proxy; dropping it stops it.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`, to use as `VAULT_ADDR` or `GENESYS_BASE_URL`.
    pub addr: String,
    rules: Arc<Mutex<Vec<(String, Lose)>>>,
    seen: Seen,
    asked: Asked,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    /// Starts a proxy to `target` (`http://127.0.0.1:PORT`).
    pub fn start(target: &str) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let rules = Arc::new(Mutex::new(Vec::new()));
        let seen = Seen::default();
        let asked = Asked::default();
        let shared = Shared {
            target: target.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            rules: rules.clone(),
            seen: seen.clone(),
            asked: asked.clone(),
        };
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new().fallback(forward).with_state(shared);
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Proxy {
            addr: format!("http://{addr}"),
            rules,
            seen,
            asked,
            runtime: Some(runtime),
        }
    }

    /// Loses the next POST to exactly `path` (e.g. `/v1/secret/data/x`) as
    /// `how` says; called n times, the next n.
    pub fn lose_next_post(&self, path: &str, how: Lose) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), how));
    }

    /// The requests received since the last call, by `"METHOD /path"`;
    /// the count starts again from zero.
    pub fn take_requests(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The paths Vault was asked the token's capabilities on since the last
    /// call, one entry per time a path was asked.
    pub fn take_capability_paths(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

async fn forward(State(shared): State<Shared>, req: Request) -> Response {
    let method = req.method().clone();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let req_path = req.uri().path().to_string();
    *shared
        .seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(format!("{method} {req_path}"))
        .or_default() += 1;
    let lose = {
        let mut rules = shared.rules.lock().unwrap_or_else(|e| e.into_inner());
        let hit = rules
            .iter()
            .position(|(path, _)| method == "POST" && *path == path_and_query);
        hit.map(|i| rules.remove(i).1)
    };
    let mut headers = req.headers().clone();
    for name in ["host", "content-length", "connection", "transfer-encoding"] {
        headers.remove(name);
    }
    let Ok(body) = to_bytes(req.into_body(), 1 << 20).await else {
        return status(StatusCode::BAD_REQUEST);
    };
    if method == "POST" && req_path == "/v1/sys/capabilities-self" {
        let asked: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let paths = asked["paths"].as_array().into_iter().flatten();
        shared
            .asked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(paths.filter_map(|p| p.as_str().map(str::to_string)));
    }
    if lose == Some(Lose::Request) {
        tokio::time::sleep(HOLD).await;
        return status(StatusCode::GATEWAY_TIMEOUT);
    }
    let sent = shared
        .http
        .request(method, format!("{}{path_and_query}", shared.target))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let Ok(answer) = sent else {
        return status(StatusCode::BAD_GATEWAY);
    };
    let code = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let bytes = answer.bytes().await.unwrap_or_default();
    if lose == Some(Lose::Answer) {
        tokio::time::sleep(HOLD).await;
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = code;
    if let Some(ct) = content_type {
        response.headers_mut().insert("content-type", ct);
    }
    response
}

fn status(code: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = code;
    response
}
