//! Integration credentials (`/api/v2/integrations/credentials`), what data
//! actions authenticate with. A credential keeps the `credentialFields` it
//! was last given (POST, or PUT, which replaces name, type and fields), and
//! no answer ever carries them: answers are credential info (`id`, `name`,
//! `type`, `createdDate`, `modifiedDate`, `selfUri`). Tests read the fields
//! through [`crate::Emulator::credentials`].

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{bad_request, error, reply};
use crate::paging;
use crate::state::now_iso;
use crate::Shared;

/// Path of the collection.
pub(crate) const CREDENTIALS: &str = "/api/v2/integrations/credentials";
/// The credential type that holds an OAuth client's id and secret.
const OAUTH_CLIENT_TYPE: &str = "pureCloudOAuthClient";
/// The fields a credential of [`OAUTH_CLIENT_TYPE`] must carry.
const OAUTH_CLIENT_FIELDS: &[&str] = &["clientId", "clientSecret"];

/// One integration credential as the emulator stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// Credential id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Type name, e.g. `pureCloudOAuthClient`.
    pub type_name: String,
    /// The `credentialFields` last sent (write-only: never answered).
    pub fields: BTreeMap<String, String>,
    /// ISO-8601 creation time.
    pub created_date: String,
    /// ISO-8601 time of the last POST or PUT.
    pub modified_date: String,
}

impl StoredCredential {
    /// Credential info, as every answer shows a credential.
    fn info(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "type": {"name": self.type_name},
            "createdDate": self.created_date,
            "modifiedDate": self.modified_date,
            "selfUri": format!("{CREDENTIALS}/{}", self.id),
        })
    }

    /// Credential info plus the fields, for the emulator's own state page.
    pub(crate) fn with_fields(&self) -> Value {
        let mut v = self.info();
        v["credentialFields"] = json!(self.fields);
        v
    }
}

/// Every credential, in creation order.
#[derive(Default)]
pub(crate) struct Credentials {
    by_id: BTreeMap<String, StoredCredential>,
    order: Vec<String>,
}

impl Credentials {
    /// Credentials in creation order.
    pub(crate) fn ordered(&self) -> Vec<StoredCredential> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    /// Removes one; false when unknown.
    pub(crate) fn remove(&mut self, id: &str) -> bool {
        self.order.retain(|o| o != id);
        self.by_id.remove(id).is_some()
    }
}

/// A validated POST or PUT body.
struct CredentialRequest {
    name: String,
    type_name: String,
    fields: BTreeMap<String, String>,
}

fn parse(body: &[u8]) -> Result<CredentialRequest, (String, &'static str)> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| ("The request body is not valid JSON".to_string(), "body"))?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or("");
    if name.trim().is_empty() {
        return Err(("The name is required".into(), "name"));
    }
    let type_name = body
        .get("type")
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if type_name.is_empty() {
        return Err(("The credential type is required".into(), "type"));
    }
    let fields: BTreeMap<String, String> = match body.get("credentialFields") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect::<Option<_>>()
            .ok_or((
                "credentialFields values must be strings".to_string(),
                "credentialFields",
            ))?,
        _ => return Err(("credentialFields are required".into(), "credentialFields")),
    };
    if type_name == OAUTH_CLIENT_TYPE {
        if let Some(missing) = OAUTH_CLIENT_FIELDS
            .iter()
            .find(|f| fields.get(**f).is_none_or(|v| v.is_empty()))
        {
            return Err((
                format!("credentialFields.{missing} is required for type {OAUTH_CLIENT_TYPE}"),
                "credentialFields",
            ));
        }
    } else if fields.is_empty() {
        return Err(("credentialFields are required".into(), "credentialFields"));
    }
    Ok(CredentialRequest {
        name: name.to_string(),
        type_name: type_name.to_string(),
        fields,
    })
}

fn not_found(id: &str, correlation: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not.found",
        &format!("Integration credential {id} not found"),
        correlation,
        None,
    )
}

/// Answers a request for [`CREDENTIALS`] or below it; `rest` is what follows
/// [`CREDENTIALS`] (empty, or starting with `/`).
pub(crate) fn route(
    shared: &Shared,
    method: &str,
    rest: &str,
    query: &str,
    body: &[u8],
    correlation: &str,
) -> Response {
    let segments: Vec<&str> = rest.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    match (method, segments.as_slice()) {
        ("GET", []) => list(shared, query, correlation),
        ("POST", []) => create(shared, body, correlation),
        ("GET", [id]) => match shared.lock().credentials.by_id.get(*id) {
            Some(c) => reply(StatusCode::OK, c.info(), correlation),
            None => not_found(id, correlation),
        },
        ("PUT", [id]) => update(shared, id, body, correlation),
        ("DELETE", [id]) => match shared.lock().credentials.remove(id) {
            true => reply(StatusCode::NO_CONTENT, Value::Null, correlation),
            false => not_found(id, correlation),
        },
        _ => error(
            StatusCode::NOT_FOUND,
            "not.found",
            "The requested resource was not found",
            correlation,
            None,
        ),
    }
}

fn list(shared: &Shared, query: &str, correlation: &str) -> Response {
    let all: Vec<Value> = shared
        .lock()
        .credentials
        .ordered()
        .iter()
        .map(StoredCredential::info)
        .collect();
    match paging::page(query, CREDENTIALS, all) {
        Ok(page) => reply(StatusCode::OK, page, correlation),
        Err((message, field)) => bad_request(message, field, correlation),
    }
}

fn create(shared: &Shared, body: &[u8], correlation: &str) -> Response {
    let request = match parse(body) {
        Ok(r) => r,
        Err((message, field)) => return bad_request(&message, field, correlation),
    };
    let now = now_iso();
    let credential = StoredCredential {
        id: uuid::Uuid::new_v4().to_string(),
        name: request.name,
        type_name: request.type_name,
        fields: request.fields,
        created_date: now.clone(),
        modified_date: now,
    };
    let answer = credential.info();
    let mut inner = shared.lock();
    inner.credentials.order.push(credential.id.clone());
    inner
        .credentials
        .by_id
        .insert(credential.id.clone(), credential);
    reply(StatusCode::OK, answer, correlation)
}

fn update(shared: &Shared, id: &str, body: &[u8], correlation: &str) -> Response {
    let request = match parse(body) {
        Ok(r) => r,
        Err((message, field)) => return bad_request(&message, field, correlation),
    };
    let mut inner = shared.lock();
    let Some(c) = inner.credentials.by_id.get_mut(id) else {
        return not_found(id, correlation);
    };
    c.name = request.name;
    c.type_name = request.type_name;
    c.fields = request.fields;
    c.modified_date = now_iso();
    reply(StatusCode::OK, c.info(), correlation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_need_a_name_a_type_and_the_types_fields() {
        let field = |body: Value| parse(body.to_string().as_bytes()).err().map(|(_, f)| f);
        let oauth = |fields: Value| json!({"name": "n", "type": {"name": OAUTH_CLIENT_TYPE}, "credentialFields": fields});
        assert_eq!(
            field(oauth(json!({"clientId": "i", "clientSecret": "s"}))),
            None
        );
        assert_eq!(field(json!({"type": {"name": "x"}})), Some("name"));
        assert_eq!(
            field(json!({"name": "n", "credentialFields": {"a": "b"}})),
            Some("type")
        );
        assert_eq!(
            field(json!({"name": "n", "type": {"name": "x"}})),
            Some("credentialFields")
        );
        assert_eq!(
            field(oauth(json!({"clientId": "i"}))),
            Some("credentialFields")
        );
        assert_eq!(
            field(oauth(json!({"clientId": "i", "clientSecret": ""}))),
            Some("credentialFields")
        );
        assert_eq!(
            field(oauth(json!({"clientId": "i", "clientSecret": 1}))),
            Some("credentialFields")
        );
        let stored = StoredCredential {
            id: "c".into(),
            name: "n".into(),
            type_name: OAUTH_CLIENT_TYPE.into(),
            fields: [("clientSecret".to_string(), "s3cret".to_string())].into(),
            created_date: String::new(),
            modified_date: String::new(),
        };
        assert!(!stored.info().to_string().contains("s3cret"));
        assert!(stored.info().get("credentialFields").is_none());
    }
}
