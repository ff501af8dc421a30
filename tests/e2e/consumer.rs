//! A consumer that follows the contract of the rotation guide, running in
//! the background while a test moves things around: every 0.1 s it reads
//! the entry (one KV read, `client_id` and `client_secret` from the same
//! answer) and exchanges what it read at the token endpoint; on a refusal it
//! reads Vault again once and retries with what it holds. A refusal of the
//! re-read credentials too is an outage, and is recorded (client id and
//! time, never the secret).
//!
//! The point of the tests that use it: at every moment, some credential
//! that Vault holds works.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::vault::ROOT_TOKEN;

/// How often the consumer reads and exchanges.
const PERIOD: Duration = Duration::from_millis(100);

/// A consumer running in the background; [`Consumer::stop`] ends it and
/// gives its report.
pub struct Consumer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Report>>,
}

/// What a consumer saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Read-and-exchange rounds made.
    pub rounds: usize,
    /// Rounds in which the first credentials were refused and the re-read
    /// ones worked (allowed by the contract).
    pub recovered: usize,
    /// Rounds in which the re-read credentials were refused too, or Vault
    /// held no usable entry: (seconds since start, client id read).
    pub outages: Vec<(f64, String)>,
    /// Every client id the entry named, in the order first seen.
    pub clients_seen: Vec<String>,
}

impl Report {
    /// Fails the test with the outages when there was any.
    pub fn assert_no_outage(&self, what: &str) {
        assert!(self.rounds > 0, "{what}: the consumer made no round");
        assert!(
            self.outages.is_empty(),
            "{what}: consumers lost working credentials in {} of {} rounds (t in s, client read): {:?}",
            self.outages.len(),
            self.rounds,
            &self.outages[..self.outages.len().min(10)]
        );
    }
}

impl Consumer {
    /// Starts a consumer of `mount`/`path` (KV v2) in the OpenBao at
    /// `vault_addr`, exchanging at the emulator at `base_url`.
    pub fn start(vault_addr: &str, mount: &str, path: &str, base_url: &str) -> Consumer {
        Self::spawn(format!("{vault_addr}/v1/{mount}/data/{path}"), base_url)
    }

    /// The same, for a KV v1 mount.
    pub fn start_kv1(vault_addr: &str, mount: &str, path: &str, base_url: &str) -> Consumer {
        Self::spawn(format!("{vault_addr}/v1/{mount}/{path}"), base_url)
    }

    fn spawn(url: String, base_url: &str) -> Consumer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let token_url = format!("{base_url}/oauth/token");
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(run(flag, url, token_url))
        });
        Consumer {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the consumer and returns what it saw.
    pub fn stop(mut self) -> Report {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .expect("running consumer")
            .join()
            .expect("consumer thread")
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

async fn run(stop: Arc<AtomicBool>, url: String, token_url: String) -> Report {
    let http = reqwest::Client::new();
    let start = Instant::now();
    let mut report = Report::default();
    while !stop.load(Ordering::SeqCst) {
        report.rounds += 1;
        let first = read(&http, &url).await;
        let first_ok = match &first {
            Some((id, secret)) => exchange(&http, &token_url, id, secret).await,
            None => false,
        };
        if !first_ok {
            let again = read(&http, &url).await;
            let ok = match &again {
                Some((id, secret)) => exchange(&http, &token_url, id, secret).await,
                None => false,
            };
            if ok {
                report.recovered += 1;
            } else {
                let id = again.map(|(id, _)| id).unwrap_or_default();
                report.outages.push((start.elapsed().as_secs_f64(), id));
            }
        }
        if let Some((id, _)) = first {
            if !report.clients_seen.contains(&id) {
                report.clients_seen.push(id);
            }
        }
        tokio::time::sleep(PERIOD).await;
    }
    report
}

/// One KV read: (client id, secret) from the same answer (KV v2 nests the
/// entry's data under `data.data`, KV v1 answers it as `data`).
async fn read(http: &reqwest::Client, url: &str) -> Option<(String, String)> {
    let resp = http
        .get(url)
        .header("X-Vault-Token", ROOT_TOKEN)
        .send()
        .await
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let body: Value = resp.json().await.ok()?;
    let data = match &body["data"]["data"] {
        Value::Object(_) => &body["data"]["data"],
        _ => &body["data"],
    };
    Some((
        data["client_id"].as_str()?.to_string(),
        data["client_secret"].as_str()?.to_string(),
    ))
}

async fn exchange(http: &reqwest::Client, token_url: &str, id: &str, secret: &str) -> bool {
    http.post(token_url)
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .map(|r| r.status().is_success())
        .unwrap_or(false)
}
