//! Test servers for the HTTP clients' TLS and redirect rules (tests only).
//!
//! A CA and certificates made on the spot (rcgen), and a plain or TLS
//! listener on a free 127.0.0.1 port that records every request it gets and
//! gives one fixed answer. A server stops when it is dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;

/// A certificate authority made for one test.
pub(crate) struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

/// A server certificate chain and its key.
pub(crate) struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Ca {
    /// A new CA, itself valid for 127.0.0.1 (so that serving it as a leaf
    /// fails for being a CA, not for its name).
    pub(crate) fn new() -> Ca {
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("CA");
        Ca { cert, key }
    }

    /// The CA certificate, PEM (what `ca_cert_file` holds).
    pub(crate) fn pem(&self) -> Vec<u8> {
        self.cert.pem().into_bytes()
    }

    /// A leaf for `name` signed by this CA; `expired` puts its validity in
    /// the past.
    pub(crate) fn leaf(&self, name: &str, expired: bool) -> Identity {
        let mut params = CertificateParams::new(vec![name.to_string()]).expect("params");
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.cert, &self.key).expect("leaf");
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// The CA's own certificate and key, served as if it were a leaf.
    pub(crate) fn as_leaf(&self) -> Identity {
        Identity {
            chain: vec![self.cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.serialize_der())),
        }
    }
}

/// What a server answers to every request.
#[derive(Clone)]
pub(crate) enum Answer {
    /// `307` to this base URL followed by the request's own path.
    RedirectTo(String),
    /// `307` to exactly this URL.
    RedirectExactly(String),
    /// This status and JSON body.
    Json(u16, &'static str),
}

/// A request a server received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// Request path.
    pub(crate) path: String,
    /// Its headers.
    pub(crate) headers: HeaderMap,
}

#[derive(Clone)]
struct Shared {
    answer: Answer,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A running test server.
/// `http://127.0.0.1:PORT` where nothing listens (a port bound, then let
/// go): connections to it are refused.
pub(crate) async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

pub(crate) struct Server {
    /// `http://127.0.0.1:PORT` or `https://…`.
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    handshakes: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// A plain-HTTP server.
    pub(crate) async fn plain(answer: Answer) -> Server {
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = tcp.local_addr().expect("addr");
        let (app, seen) = app(answer);
        let task = tokio::spawn(async move {
            let _ = axum::serve(tcp, app).await;
        });
        Server {
            url: format!("http://{addr}"),
            seen,
            handshakes: Arc::new(AtomicUsize::new(0)),
            task,
        }
    }

    /// A TLS server presenting `identity`.
    pub(crate) async fn tls(identity: Identity, answer: Answer) -> Server {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .expect("server certificate");
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = tcp.local_addr().expect("addr");
        let handshakes = Arc::new(AtomicUsize::new(0));
        let listener = TlsListener {
            tcp,
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            handshakes: handshakes.clone(),
        };
        let (app, seen) = app(answer);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            url: format!("https://{addr}"),
            seen,
            handshakes,
            task,
        }
    }

    /// Every request received so far.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// TLS handshakes attempted (failed ones included).
    pub(crate) fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn app(answer: Answer) -> (axum::Router, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let shared = Shared {
        answer,
        seen: seen.clone(),
    };
    (
        axum::Router::new().fallback(handle).with_state(shared),
        seen,
    )
}

async fn handle(State(shared): State<Shared>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    shared
        .seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Seen {
            path: path.clone(),
            headers: req.headers().clone(),
        });
    match shared.answer {
        Answer::RedirectTo(base) => redirect(format!("{base}{path}")),
        Answer::RedirectExactly(url) => redirect(url),
        Answer::Json(status, body) => (
            StatusCode::from_u16(status).expect("status"),
            [("content-type", "application/json")],
            body,
        )
            .into_response(),
    }
}

fn redirect(location: String) -> Response {
    (StatusCode::TEMPORARY_REDIRECT, [("location", location)], "").into_response()
}

/// Accepts TCP connections and completes their TLS handshake; a failed
/// handshake is counted and skipped.
struct TlsListener {
    tcp: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    handshakes: Arc<AtomicUsize>,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            self.handshakes.fetch_add(1, Ordering::SeqCst);
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
