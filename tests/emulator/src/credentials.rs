//! Integration credentials (`/api/v2/integrations/credentials`), what data
//! actions authenticate with. A credential keeps the `credentialFields` it
//! was last given (POST, or PUT, which replaces name, type and fields).
//! Listings and the answers of POST and PUT are credential info (`id`,
//! `name`, `type`, `createdDate`, `modifiedDate`, `selfUri`); the GET of one
//! credential is the `Credential` "with sensitive fields redacted": its
//! `credentialFields` without the secret (`clientId` only, or nothing at all
//! under [`crate::Emulator::set_credential_client_id_hidden`]: whether the
//! real API shows it is not documented). No answer ever carries a secret.
//! Two listings: the deprecated page-number one (the collection itself,
//! still served) and `…/listing`, paged by cursor (`after`, `pageSize` up
//! to 200, `nextUri`, no `pageCount`). Tests read the fields through
//! [`crate::Emulator::credentials`].

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
/// The fields the GET of one credential shows (all others are sensitive).
const SHOWN_FIELDS: &[&str] = &["clientId"];
/// Page size of the cursor listing when the query names none.
const DEFAULT_CURSOR_PAGE_SIZE: usize = 25;
/// Largest page size of the cursor listing.
const MAX_CURSOR_PAGE_SIZE: usize = 200;

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

    /// The GET of one credential: sensitive fields redacted, `clientId`
    /// left out too when `hide_client_id`.
    fn redacted(&self, hide_client_id: bool) -> Value {
        let shown: BTreeMap<&String, &String> = self
            .fields
            .iter()
            .filter(|(k, _)| !hide_client_id && SHOWN_FIELDS.contains(&k.as_str()))
            .collect();
        json!({
            "id": self.id,
            "name": self.name,
            "type": {"name": self.type_name},
            "credentialFields": shown,
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
    /// The GET of one credential leaves `clientId` out.
    pub(crate) hide_client_id: bool,
}

impl Credentials {
    /// Credentials in creation order.
    pub(crate) fn ordered(&self) -> Vec<StoredCredential> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    /// Stores a new credential; returns its id.
    pub(crate) fn add(
        &mut self,
        name: &str,
        type_name: &str,
        fields: BTreeMap<String, String>,
    ) -> String {
        let now = now_iso();
        let credential = StoredCredential {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_string(),
            type_name: type_name.to_string(),
            fields,
            created_date: now.clone(),
            modified_date: now,
        };
        let id = credential.id.clone();
        self.order.push(id.clone());
        self.by_id.insert(id.clone(), credential);
        id
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
        ("GET", ["listing"]) => listing(shared, query, correlation),
        ("POST", []) => create(shared, body, correlation),
        ("GET", [id]) => {
            let inner = shared.lock();
            match inner.credentials.by_id.get(*id) {
                Some(c) => reply(
                    StatusCode::OK,
                    c.redacted(inner.credentials.hide_client_id),
                    correlation,
                ),
                None => not_found(id, correlation),
            }
        }
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

/// `GET …/listing`: the cursor listing. The cursor is the id of the last
/// credential of the page before (opaque to callers); a cursor that names
/// no credential is refused.
fn listing(shared: &Shared, query: &str, correlation: &str) -> Response {
    let param = |key: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    };
    let size = match param("pageSize").map(|s| s.parse::<usize>()) {
        None => DEFAULT_CURSOR_PAGE_SIZE,
        Some(Ok(n)) if (1..=MAX_CURSOR_PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return bad_request(
                "pageSize must be a number between 1 and 200",
                "pageSize",
                correlation,
            )
        }
    };
    let all = shared.lock().credentials.ordered();
    let start = match param("after") {
        None => 0,
        Some(after) => match all.iter().position(|c| c.id == after) {
            Some(i) => i + 1,
            None => return bad_request("The cursor is not valid", "after", correlation),
        },
    };
    let page: Vec<&StoredCredential> = all.iter().skip(start).take(size).collect();
    let self_uri = match param("after") {
        Some(after) => format!("{CREDENTIALS}/listing?pageSize={size}&after={after}"),
        None => format!("{CREDENTIALS}/listing?pageSize={size}"),
    };
    let mut answer = json!({
        "entities": page.iter().map(|c| c.info()).collect::<Vec<_>>(),
        "selfUri": self_uri,
    });
    if let (Some(last), true) = (page.last(), start + page.len() < all.len()) {
        answer["nextUri"] = json!(format!(
            "{CREDENTIALS}/listing?pageSize={size}&after={}",
            last.id
        ));
    }
    reply(StatusCode::OK, answer, correlation)
}

fn create(shared: &Shared, body: &[u8], correlation: &str) -> Response {
    let request = match parse(body) {
        Ok(r) => r,
        Err((message, field)) => return bad_request(&message, field, correlation),
    };
    let mut inner = shared.lock();
    let id = inner
        .credentials
        .add(&request.name, &request.type_name, request.fields);
    match inner.credentials.by_id.get(&id) {
        Some(c) => reply(StatusCode::OK, c.info(), correlation),
        None => not_found(&id, correlation),
    }
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
        let stored = StoredCredential {
            fields: [
                ("clientSecret".to_string(), "s3cret".to_string()),
                ("clientId".to_string(), "c1".to_string()),
            ]
            .into(),
            ..stored
        };
        assert!(!stored.redacted(false).to_string().contains("s3cret"));
        assert_eq!(
            stored.redacted(false)["credentialFields"],
            json!({"clientId": "c1"})
        );
        assert_eq!(stored.redacted(true)["credentialFields"], json!({}));
    }
}
