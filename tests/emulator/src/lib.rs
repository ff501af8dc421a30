//! An emulator of the Genesys Cloud Platform API parts the provider uses:
//! the client-credentials token endpoint, `/api/v2/oauth/clients`,
//! `/api/v2/integrations/credentials` and
//! `/api/v2/authorization/divisions/home`, with the documented JSON shapes,
//! error bodies and `ININ-Correlation-Id` headers, plus fault injection and
//! inspection for tests. Options model what the real service does beyond
//! the documentation: a consistency window after a create or a new secret,
//! and how a role granted without a division is answered.
//!
//! One server answers both the login host's `/oauth/token` and the API
//! host's `/api/v2/...` paths. Requests are routed by hand in one handler so
//! that every request passes the same fault rules.

mod api;
mod credentials;
mod faults;
mod paging;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt;
pub use credentials::StoredCredential;

pub use faults::{FaultKind, FaultRule};
pub use state::{AnswerShape, StoredClient};

use state::Inner;

/// Emulator settings.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Client id of the admin client the provider authenticates with.
    pub admin_client_id: String,
    /// Its secret.
    pub admin_client_secret: String,
    /// Lifetime of issued access tokens.
    pub token_lifetime: Duration,
    /// How long a deleted client is still answered, with state `deleted`.
    pub delete_linger: Duration,
    /// Division id used when a role is granted without one.
    pub home_division: String,
    /// How roles' divisions are answered. The initial value of
    /// [`Emulator::set_division_echo`].
    pub division_echo: DivisionEcho,
    /// How long a new client, or a client's new secret, takes to reach every
    /// part of the service (zero: at once). Until then a new client is
    /// unknown to the `/api/v2/oauth/clients` endpoints (404, not listed),
    /// and the token endpoint refuses a new secret while the old one is
    /// already dead. The initial value of
    /// [`Emulator::set_consistency_window`].
    pub consistency_window: Duration,
    /// Fields left out of every client answer (see
    /// [`AnswerShape::omitted_fields`]): the real API is not documented to
    /// echo optional fields. The initial value of
    /// [`Emulator::set_omitted_fields`].
    pub omitted_fields: Vec<String>,
    /// The GET of one integration credential leaves `clientId` out of its
    /// `credentialFields` (whether the real API shows it is not
    /// documented). The initial value of
    /// [`Emulator::set_credential_client_id_hidden`].
    pub credential_client_id_hidden: bool,
    /// Log `METHOD path -> status` of every request to stderr (never
    /// bodies, queries or headers, so no secret or token).
    pub log_requests: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            admin_client_id: "emulator-admin".into(),
            admin_client_secret: "emulator-admin-secret".into(),
            token_lifetime: Duration::from_secs(86_400),
            delete_linger: Duration::ZERO,
            home_division: "3b9f3e1c-0d3e-4a43-9f2e-5d7c1a2b4c6d".into(),
            division_echo: DivisionEcho::default(),
            consistency_window: Duration::ZERO,
            omitted_fields: Vec::new(),
            credential_client_id_hidden: false,
            log_requests: false,
        }
    }
}

/// How `roleDivisions` answers a role's division. The role is granted in
/// the division sent (the home division when none was) whatever the answer
/// says: the real API is not documented to echo it either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DivisionEcho {
    /// As sent, with the home division's id filled in where none was sent.
    #[default]
    HomeFilledIn,
    /// As sent: a role sent without a division is answered without the key.
    AsSent,
    /// Never a `divisionId` key.
    Omitted,
    /// `"divisionId": null` for every role.
    Null,
}

/// Shared between the handler and the handle.
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with a free port, on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on the given address, on the current tokio runtime.
    pub async fn start_on(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        // As real front ends do: no answer waits for a delayed ACK (which
        // would add ~40 ms to a keep-alive request and skew benchmarks).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                consistency_window: config.consistency_window,
                shape: AnswerShape {
                    division_echo: config.division_echo,
                    omitted_fields: config.omitted_fields.clone(),
                },
                ..Inner::default()
            }),
            config,
        });
        shared.lock().credentials.hide_client_id = shared.config.credential_client_id_hidden;
        let app = axum::Router::new()
            .fallback(api::handle)
            .with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Emulator {
            shared,
            addr,
            shutdown: Some(tx),
            runtime: None,
        })
    }

    /// Starts on a runtime of its own (for plain `#[test]` functions that
    /// run blocking subprocesses).
    pub fn start_blocking(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let mut emulator = runtime.block_on(Self::start(config))?;
        emulator.runtime = Some(runtime);
        Ok(emulator)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a fault rule (rules are tried in the order added).
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    /// Every client, including those lingering as deleted and those still
    /// inside the consistency window.
    pub fn clients(&self) -> Vec<StoredClient> {
        let mut inner = self.shared.lock();
        inner.expire();
        inner.clients.values().cloned().collect()
    }

    /// Every integration credential, in creation order, with the fields it
    /// holds (which no API answer shows).
    pub fn credentials(&self) -> Vec<StoredCredential> {
        self.shared.lock().credentials.ordered()
    }

    /// Makes an integration credential behind Terraform's back (another
    /// tool's, say) holding `fields`; returns its id.
    pub fn add_credential(
        &self,
        name: &str,
        type_name: &str,
        fields: BTreeMap<String, String>,
    ) -> String {
        self.shared.lock().credentials.add(name, type_name, fields)
    }

    /// Deletes an integration credential behind Terraform's back. False
    /// when unknown.
    pub fn delete_credential(&self, id: &str) -> bool {
        self.shared.lock().credentials.remove(id)
    }

    /// Every client secret the emulator ever issued (create and regenerate).
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.lock().issued_secrets.clone()
    }

    /// Every access token the emulator ever issued.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.lock().issued_tokens.clone()
    }

    /// Every access token revoked with `DELETE /api/v2/tokens/me`, in order.
    pub fn revoked_tokens(&self) -> Vec<String> {
        self.shared.lock().revoked_tokens.clone()
    }

    /// Requests served whose method is `method` and path starts with `prefix`.
    pub fn request_count(&self, method: &str, prefix: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|(m, p)| m.eq_ignore_ascii_case(method) && p.starts_with(prefix))
            .count()
    }

    /// Deletes a client behind Terraform's back. False when unknown.
    pub fn delete_client(&self, id: &str) -> bool {
        self.shared.lock().clients.remove(id).is_some()
    }

    /// Regenerates a client's secret behind Terraform's back; returns it.
    /// The new secret is subject to the consistency window.
    pub fn regenerate_secret(&self, id: &str) -> Option<String> {
        self.shared.lock().regenerate(id)
    }

    /// Sets a client's state (`active`, `inactive`, `disabled`) behind
    /// Terraform's back. False when unknown.
    pub fn set_client_state(&self, id: &str, state: &str) -> bool {
        match self.shared.lock().clients.get_mut(id) {
            Some(client) => {
                client.state = state.to_string();
                true
            }
            None => false,
        }
    }

    /// Makes the token endpoint refuse a client's credentials, whatever
    /// its secret and state, once it has accepted them `accept_first` more
    /// times: credentials that stop working with nothing to show why.
    pub fn refuse_tokens(&self, id: &str, accept_first: u32) {
        self.shared
            .lock()
            .refused
            .insert(id.to_string(), accept_first);
    }

    /// Ends [`Emulator::refuse_tokens`] for a client.
    pub fn accept_tokens(&self, id: &str) {
        self.shared.lock().refused.remove(id);
    }

    /// Sets how roles sent without a division are answered from now on
    /// (see [`DivisionEcho`]).
    pub fn set_division_echo(&self, echo: DivisionEcho) {
        self.shared.lock().shape.division_echo = echo;
    }

    /// Leaves these fields out of every client answer from now on (see
    /// [`AnswerShape::omitted_fields`]); an empty list restores them.
    pub fn set_omitted_fields(&self, fields: &[&str]) {
        self.shared.lock().shape.omitted_fields = fields.iter().map(|f| f.to_string()).collect();
    }

    /// Makes the GET of one integration credential leave `clientId` out
    /// (`true`) or show it (see
    /// [`EmulatorConfig::credential_client_id_hidden`]).
    pub fn set_credential_client_id_hidden(&self, hidden: bool) {
        self.shared.lock().credentials.hide_client_id = hidden;
    }

    /// Sets the consistency window (see
    /// [`EmulatorConfig::consistency_window`]) for clients created and
    /// secrets issued from now on.
    pub fn set_consistency_window(&self, window: Duration) {
        self.shared.lock().consistency_window = window;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}
