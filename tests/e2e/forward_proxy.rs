//! A forward proxy as a corporate network or a TFC agent has one, bound to
//! 127.0.0.1 on a free port, that records every request it relays: a
//! `CONNECT host:port` tunnel (how an https address is reached through
//! `HTTPS_PROXY`; what goes through the tunnel is TLS and not seen), or one
//! absolute-form request `GET http://host:port/path` (an http address
//! through `HTTP_PROXY`), relayed with `Connection: close` so that each
//! request is seen once. Whether a request carried `Proxy-Authorization`
//! is recorded too (never its value).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One relayed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relayed {
    /// `CONNECT` or the request's method.
    pub method: String,
    /// `host:port` it went to.
    pub authority: String,
    /// It carried a `Proxy-Authorization` header.
    pub authorized: bool,
}

type Log = Arc<Mutex<Vec<Relayed>>>;

/// A running proxy; dropping it stops it.
pub struct ForwardProxy {
    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY` / `HTTP_PROXY`.
    pub url: String,
    /// The port alone (`GENESYSCLOUD_PROXY_PORT`).
    pub port: u16,
    log: Log,
    runtime: Option<tokio::runtime::Runtime>,
}

impl ForwardProxy {
    /// Starts the proxy on a runtime of its own.
    pub fn start() -> ForwardProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let log = Log::default();
        let shared = log.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, shared.clone()));
            }
        });
        ForwardProxy {
            url: format!("http://127.0.0.1:{port}"),
            port,
            log,
            runtime: Some(runtime),
        }
    }

    /// Every request relayed so far, in order.
    pub fn relayed(&self) -> Vec<Relayed> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

/// Reads up to the end of the request head; returns the head and what was
/// read past it.
async fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((String::from_utf8(buf).ok()?, rest));
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn relay(mut client: TcpStream, log: Log) {
    let Some((head, rest)) = read_head(&mut client).await else {
        return;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let headers: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let header = |name: &str| {
        headers.iter().find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let authorized = header("proxy-authorization").is_some();
    if method == "CONNECT" {
        log.lock().unwrap_or_else(|e| e.into_inner()).push(Relayed {
            method: method.into(),
            authority: target.into(),
            authorized,
        });
        let Ok(mut upstream) = TcpStream::connect(target).await else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
            return;
        };
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .is_err()
            || upstream.write_all(&rest).await.is_err()
        {
            return;
        }
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        return;
    }
    // Absolute form: http://host:port/path?query.
    let Some(after_scheme) = target.strip_prefix("http://") else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        return;
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, "/"),
    };
    log.lock().unwrap_or_else(|e| e.into_inner()).push(Relayed {
        method: method.into(),
        authority: authority.into(),
        authorized,
    });
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = rest;
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let mut upstream_head = format!("{method} {path} {version}\r\n");
    for h in &headers {
        let name = h.split(':').next().unwrap_or_default().trim();
        if !["connection", "proxy-connection", "proxy-authorization"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            upstream_head.push_str(h);
            upstream_head.push_str("\r\n");
        }
    }
    upstream_head.push_str("Connection: close\r\n\r\n");
    let Ok(mut upstream) = TcpStream::connect(authority).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    if upstream.write_all(upstream_head.as_bytes()).await.is_err()
        || upstream.write_all(&body).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy(&mut upstream, &mut client).await;
    let _ = client.shutdown().await;
}
