//! The one request handler: faults, authentication, routing, answers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use crate::credentials::{self, CREDENTIALS};
use crate::faults::{self, FaultKind, FaultRule};
use crate::paging;
use crate::state::AnswerShape;
use crate::state::{iso_in, now_iso, path_pattern, random_token, StoredClient};
use crate::Shared;

const GRANT_TYPES: &[&str] = &[
    "CODE",
    "TOKEN",
    "SAML2BEARER",
    "SAML2-BEARER",
    "PASSWORD",
    "CLIENT-CREDENTIALS",
];
const CLIENTS: &str = "/api/v2/oauth/clients";
const HOME_DIVISION: &str = "/api/v2/authorization/divisions/home";
const TOKENS_ME: &str = "/api/v2/tokens/me";

/// Answers every request, logging it to stderr when configured.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().as_str().to_ascii_uppercase();
    let path = req.uri().path().to_string();
    let response = serve(&shared, method.clone(), path.clone(), req).await;
    if shared.config.log_requests {
        eprintln!("{method} {path} -> {}", response.status().as_u16());
    }
    response
}

async fn serve(shared: &Shared, method: String, path: String, req: Request) -> Response {
    let query = req.uri().query().unwrap_or("").to_string();
    let headers = req.headers().clone();
    let correlation = uuid::Uuid::new_v4().to_string();
    let Ok(body) = to_bytes(req.into_body(), 1 << 20).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too.large",
            "Request body too large",
            &correlation,
            None,
        );
    };
    if path.starts_with("/__emulator/") {
        return admin(shared, &method, &path, &body, &correlation);
    }

    let faults = {
        let mut inner = shared.lock();
        inner.requests.push((method.clone(), path.clone()));
        faults::take(&mut inner.faults, &method, &path)
    };
    let mut drop_answer = false;
    for fault in faults {
        match fault {
            FaultKind::Latency { millis } => {
                tokio::time::sleep(Duration::from_millis(millis)).await
            }
            FaultKind::DropResponse => drop_answer = true,
            FaultKind::Status429 { retry_after_secs } => {
                let status = StatusCode::TOO_MANY_REQUESTS;
                let mut body = error_body(
                    status,
                    "too.many.requests.retry.after",
                    "Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds",
                    &correlation,
                    None,
                );
                body["messageWithParams"] = json!(format!(
                    "Rate limit exceeded the maximum. Retry the request in [{retry_after_secs}] seconds"
                ));
                body["messageParams"] = json!({"retryAfter": retry_after_secs.to_string()});
                let mut r = reply(status, body, &correlation);
                if let Ok(v) = retry_after_secs.to_string().parse() {
                    r.headers_mut().insert("Retry-After", v);
                }
                return r;
            }
            FaultKind::Status409 => {
                return error(
                    StatusCode::CONFLICT,
                    "conflict",
                    "The version supplied does not match the current version of the resource",
                    &correlation,
                    None,
                )
            }
            FaultKind::Status500 => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal.server.error",
                    "The server encountered an unexpected condition",
                    &correlation,
                    None,
                )
            }
            FaultKind::Status501 => {
                return error(
                    StatusCode::NOT_IMPLEMENTED,
                    "not.implemented",
                    "Not implemented",
                    &correlation,
                    None,
                )
            }
            FaultKind::Status503 => return service_unavailable(&correlation),
            FaultKind::TokenThrottle => {
                return reply(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_request", "error_description": "rate limit exceeded"}),
                    &correlation,
                )
            }
        }
    }

    let answer = if path == "/oauth/token" && method == "POST" {
        token(shared, &headers, &body, &correlation)
    } else if path == TOKENS_ME && method == "DELETE" {
        revoke_token(shared, &headers, &correlation)
    } else if path.starts_with("/api/v2/") {
        match authenticate(shared, &headers) {
            true => route(shared, &method, &path, &query, &body, &correlation),
            false => error(
                StatusCode::UNAUTHORIZED,
                "bad.credentials",
                "Invalid login credentials.",
                &correlation,
                None,
            ),
        }
    } else {
        error(
            StatusCode::NOT_FOUND,
            "not.found",
            "The requested resource was not found",
            &correlation,
            None,
        )
    };
    if drop_answer {
        return service_unavailable(&correlation);
    }
    answer
}

pub(crate) fn reply(status: StatusCode, body: Value, correlation: &str) -> Response {
    let mut builder = Response::builder()
        .status(status)
        .header("ININ-Correlation-Id", correlation);
    if !body.is_null() {
        builder = builder.header("Content-Type", "application/json");
    }
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    builder
        .body(Body::from(bytes))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// The 503 of a fault, and of an answer the emulator pretends was lost.
fn service_unavailable(correlation: &str) -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "service.unavailable",
        "Service temporarily unavailable",
        correlation,
        None,
    )
}

/// The Genesys error body.
fn error_body(
    status: StatusCode,
    code: &str,
    message: &str,
    correlation: &str,
    field: Option<&str>,
) -> Value {
    let details: Vec<Value> = field
        .map(|f| vec![json!({"errorCode": code, "fieldName": f})])
        .unwrap_or_default();
    json!({
        "message": message,
        "code": code,
        "status": status.as_u16(),
        "messageWithParams": message,
        "messageParams": {},
        "contextId": correlation,
        "details": details,
        "errors": [],
    })
}

pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    correlation: &str,
    field: Option<&str>,
) -> Response {
    reply(
        status,
        error_body(status, code, message, correlation, field),
        correlation,
    )
}

pub(crate) fn bad_request(message: &str, field: &str, correlation: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "bad.request",
        message,
        correlation,
        Some(field),
    )
}

/// `POST /oauth/token` (client credentials, Basic auth).
fn token(shared: &Shared, headers: &HeaderMap, body: &[u8], correlation: &str) -> Response {
    let form = String::from_utf8_lossy(body);
    let grant = form
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "grant_type")
        .map(|(_, v)| v.to_string());
    if grant.as_deref() != Some("client_credentials") {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}),
            correlation,
        );
    }
    let credentials = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(i, p)| (i.to_string(), p.to_string()))
        });
    let Some((id, secret)) = credentials else {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "client authentication is required"}),
            correlation,
        );
    };
    let mut inner = shared.lock();
    inner.expire();
    let admin = id == shared.config.admin_client_id && secret == shared.config.admin_client_secret;
    let mut client = inner.clients.get(&id).is_some_and(|c| c.accepts(&secret));
    if let Some(left) = inner.refused.get_mut(&id).filter(|_| client) {
        client = *left > 0;
        *left = left.saturating_sub(1);
    }
    if !admin && !client {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "authentication failed"}),
            correlation,
        );
    }
    let token = random_token(48);
    let lifetime = shared.config.token_lifetime;
    inner
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    inner.issued_tokens.push(token.clone());
    reply(
        StatusCode::OK,
        json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime.as_secs()}),
        correlation,
    )
}

/// `DELETE /api/v2/tokens/me`: revokes the bearer token of the request (no
/// permission needed; an empty answer, as the SDKs say). A token that does
/// not work is refused like any other request.
fn revoke_token(shared: &Shared, headers: &HeaderMap, correlation: &str) -> Response {
    if !authenticate(shared, headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "bad.credentials",
            "Invalid login credentials.",
            correlation,
            None,
        );
    }
    let Some(token) = bearer(headers) else {
        return reply(StatusCode::NO_CONTENT, Value::Null, correlation);
    };
    let mut inner = shared.lock();
    inner.tokens.remove(&token);
    inner.revoked_tokens.push(token);
    reply(StatusCode::NO_CONTENT, Value::Null, correlation)
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let inner = shared.lock();
    inner
        .tokens
        .get(token.trim())
        .is_some_and(|exp| *exp > Instant::now())
}

fn route(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
    correlation: &str,
) -> Response {
    if method == "GET" && path == HOME_DIVISION {
        return home_division(shared, correlation);
    }
    if let Some(rest) = path
        .strip_prefix(CREDENTIALS)
        .filter(|r| r.is_empty() || r.starts_with('/'))
    {
        return credentials::route(shared, method, rest, query, body, correlation);
    }
    let rest = path.strip_prefix(CLIENTS);
    let segments: Vec<&str> = match rest {
        Some("") | Some("/") => vec![],
        Some(r) if r.starts_with('/') => r[1..].split('/').collect(),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "not.found",
                "The requested resource was not found",
                correlation,
                None,
            )
        }
    };
    match (method, segments.as_slice()) {
        ("GET", []) => list(shared, query, correlation),
        ("POST", []) => create(shared, body, correlation),
        ("GET", [id]) => get(shared, id, correlation),
        ("PUT", [id]) => update(shared, id, body, correlation),
        ("DELETE", [id]) => delete(shared, id, correlation),
        ("POST", [id, "secret"]) => regenerate(shared, id, correlation),
        _ => error(
            StatusCode::NOT_FOUND,
            "not.found",
            "The requested resource was not found",
            correlation,
            None,
        ),
    }
}

/// `GET /api/v2/authorization/divisions/home`: the home division, as an
/// AuthzDivision.
fn home_division(shared: &Shared, correlation: &str) -> Response {
    let id = &shared.config.home_division;
    reply(
        StatusCode::OK,
        json!({
            "id": id,
            "name": "Home",
            "description": "The home division",
            "homeDivision": true,
            "selfUri": format!("/api/v2/authorization/divisions/{id}"),
        }),
        correlation,
    )
}

fn not_found(id: &str, correlation: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not.found",
        &format!("OAuth client {id} not found"),
        correlation,
        None,
    )
}

fn list(shared: &Shared, query: &str, correlation: &str) -> Response {
    let mut inner = shared.lock();
    let shape = inner.shape.clone();
    let all: Vec<Value> = inner
        .ordered()
        .into_iter()
        .filter(StoredClient::visible)
        .map(|c| c.to_json(false, &shape))
        .collect();
    drop(inner);
    match paging::page(query, CLIENTS, all) {
        Ok(page) => reply(StatusCode::OK, page, correlation),
        Err((message, field)) => bad_request(message, field, correlation),
    }
}

/// A validated OAuthClientRequest.
struct ClientRequest {
    name: String,
    /// `None` when the body leaves `description` out: a PUT then keeps the
    /// one stored (what the real API does is not documented; this is the
    /// case a client must guard against). `""` or null clears it.
    description: Option<Option<String>>,
    validity: i64,
    redirect: Vec<String>,
    role_ids: Vec<String>,
    grant: String,
    scope: Vec<String>,
    /// (role id, division id if sent).
    roles: Vec<(String, Option<String>)>,
    state: String,
}

fn strings(body: &Value, field: &'static str) -> Result<Vec<String>, &'static str> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or(field))
            .collect(),
        Some(_) => Err(field),
    }
}

fn parse_request(body: &[u8]) -> Result<ClientRequest, (String, &'static str)> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| ("The request body is not valid JSON".to_string(), "body"))?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.trim().is_empty() {
        return Err(("The name is required".into(), "name"));
    }
    let grant = body
        .get("authorizedGrantType")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !GRANT_TYPES.contains(&grant) {
        return Err((
            format!("Invalid authorizedGrantType {grant:?}"),
            "authorizedGrantType",
        ));
    }
    let grant = if grant == "SAML2BEARER" {
        "SAML2-BEARER"
    } else {
        grant
    }
    .to_string();
    let validity = match body.get("accessTokenValiditySeconds") {
        None | Some(Value::Null) => 86_400,
        Some(v) => v.as_i64().ok_or((
            "accessTokenValiditySeconds must be an integer".to_string(),
            "accessTokenValiditySeconds",
        ))?,
    };
    if !(300..=38_880_000).contains(&validity) {
        return Err((
            "accessTokenValiditySeconds must be between 300 and 38880000".into(),
            "accessTokenValiditySeconds",
        ));
    }
    let state = body
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("active")
        .to_string();
    if !["active", "disabled", "inactive"].contains(&state.as_str()) {
        return Err((format!("Invalid state {state:?}"), "state"));
    }
    let bad = |f: &'static str| (format!("{f} must be an array of strings"), f);
    let roles = match body.get("roleDivisions") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let role = i
                    .get("roleId")
                    .and_then(Value::as_str)
                    .filter(|r| !r.is_empty())?;
                let division = i
                    .get("divisionId")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Some((role.to_string(), division))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or((
                "Each roleDivisions entry needs a roleId".to_string(),
                "roleDivisions",
            ))?,
        Some(_) => return Err(("roleDivisions must be an array".into(), "roleDivisions")),
    };
    Ok(ClientRequest {
        name,
        description: body
            .get("description")
            .map(|d| d.as_str().filter(|d| !d.is_empty()).map(str::to_string)),
        validity,
        redirect: strings(&body, "registeredRedirectUri").map_err(bad)?,
        role_ids: strings(&body, "roleIds").map_err(bad)?,
        grant,
        scope: strings(&body, "scope").map_err(bad)?,
        roles,
        state,
    })
}

/// Stores a request; roles sent without a division get `home`.
fn apply_request(c: &mut StoredClient, r: ClientRequest, home: &str) {
    c.name = r.name;
    if let Some(description) = r.description {
        c.description = description;
    }
    c.access_token_validity_seconds = r.validity;
    c.registered_redirect_uri = r.redirect;
    c.role_ids = r.role_ids;
    c.authorized_grant_type = r.grant;
    c.scope = r.scope;
    c.division_implied = r.roles.iter().map(|(_, d)| d.is_none()).collect();
    c.role_divisions = r
        .roles
        .into_iter()
        .map(|(role, division)| (role, division.unwrap_or_else(|| home.to_string())))
        .collect();
    c.state = r.state;
    c.date_modified = now_iso();
}

fn create(shared: &Shared, body: &[u8], correlation: &str) -> Response {
    let request = match parse_request(body) {
        Ok(r) => r,
        Err((message, field)) => return bad_request(&message, field, correlation),
    };
    let mut inner = shared.lock();
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_iso();
    let known_at = Instant::now() + inner.consistency_window;
    let mut client = StoredClient {
        id: id.clone(),
        name: String::new(),
        description: None,
        access_token_validity_seconds: 0,
        registered_redirect_uri: vec![],
        role_ids: vec![],
        authorized_grant_type: String::new(),
        scope: vec![],
        role_divisions: vec![],
        division_implied: vec![],
        state: String::new(),
        secret: inner.new_secret(),
        date_created: now,
        date_modified: String::new(),
        gone_at: None,
        visible_at: known_at,
        secret_usable_at: known_at,
    };
    apply_request(&mut client, request, &shared.config.home_division);
    let answer = client.to_json(true, &inner.shape);
    inner.clients.insert(id.clone(), client);
    inner.order.push(id);
    reply(StatusCode::OK, answer, correlation)
}

fn get(shared: &Shared, id: &str, correlation: &str) -> Response {
    let mut inner = shared.lock();
    let shape = inner.shape.clone();
    match inner.visible(id) {
        Some(c) => reply(StatusCode::OK, c.to_json(false, &shape), correlation),
        None => not_found(id, correlation),
    }
}

/// `POST /api/v2/oauth/clients/{id}/secret`: the client with its new secret.
fn regenerate(shared: &Shared, id: &str, correlation: &str) -> Response {
    let mut inner = shared.lock();
    if inner.visible(id).is_none() || inner.regenerate(id).is_none() {
        return not_found(id, correlation);
    }
    match inner.clients.get(id) {
        Some(c) => reply(StatusCode::OK, c.to_json(true, &inner.shape), correlation),
        None => not_found(id, correlation),
    }
}

fn update(shared: &Shared, id: &str, body: &[u8], correlation: &str) -> Response {
    let request = match parse_request(body) {
        Ok(r) => r,
        Err((message, field)) => return bad_request(&message, field, correlation),
    };
    let mut inner = shared.lock();
    let shape = inner.shape.clone();
    match inner.visible(id) {
        Some(c) if c.state != "deleted" => {
            apply_request(c, request, &shared.config.home_division);
            reply(StatusCode::OK, c.to_json(false, &shape), correlation)
        }
        _ => not_found(id, correlation),
    }
}

fn delete(shared: &Shared, id: &str, correlation: &str) -> Response {
    let linger = shared.config.delete_linger;
    let mut inner = shared.lock();
    let Some(c) = inner.visible(id).filter(|c| c.state != "deleted") else {
        return not_found(id, correlation);
    };
    if c.state != "inactive" {
        return bad_request(
            "The OAuth client must be inactive before it can be deleted",
            "state",
            correlation,
        );
    }
    if linger.is_zero() {
        inner.clients.remove(id);
    } else {
        c.state = "deleted".into();
        c.date_modified = now_iso();
        c.gone_at = Some((Instant::now() + linger, iso_in(linger)));
    }
    reply(StatusCode::NO_CONTENT, Value::Null, correlation)
}

/// `/__emulator/state` (GET: every client with its secret and granted
/// divisions, every integration credential with its fields, issued secrets
/// and tokens, request counts by
/// `"METHOD pattern"`) and `/__emulator/faults` (POST a rule, DELETE all).
fn admin(shared: &Shared, method: &str, path: &str, body: &[u8], correlation: &str) -> Response {
    match (method, path) {
        ("GET", "/__emulator/state") => {
            let mut inner = shared.lock();
            let clients: Vec<Value> = inner
                .ordered()
                .iter()
                .map(|c| c.to_json(true, &AnswerShape::default()))
                .collect();
            let mut requests = std::collections::BTreeMap::<String, usize>::new();
            for (m, p) in &inner.requests {
                *requests
                    .entry(format!("{m} {}", path_pattern(p)))
                    .or_default() += 1;
            }
            let credentials: Vec<Value> = inner
                .credentials
                .ordered()
                .iter()
                .map(|c| c.with_fields())
                .collect();
            reply(
                StatusCode::OK,
                json!({"clients": clients, "credentials": credentials, "issued_secrets": inner.issued_secrets,
                       "issued_tokens": inner.issued_tokens, "requests": requests}),
                correlation,
            )
        }
        ("POST", "/__emulator/faults") => match serde_json::from_slice::<FaultRule>(body) {
            Ok(rule) => {
                shared.lock().faults.push(rule);
                reply(StatusCode::NO_CONTENT, Value::Null, correlation)
            }
            Err(e) => bad_request(&format!("invalid fault rule: {e}"), "body", correlation),
        },
        ("DELETE", "/__emulator/faults") => {
            shared.lock().faults.clear();
            reply(StatusCode::NO_CONTENT, Value::Null, correlation)
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "not.found",
            "Unknown emulator endpoint",
            correlation,
            None,
        ),
    }
}
