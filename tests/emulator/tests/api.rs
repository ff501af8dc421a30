//! The emulator answers as the Platform API does.

use genesys_emulator::{DivisionEcho, Emulator, EmulatorConfig, FaultKind, FaultRule};
use serde_json::{json, Value};

async fn start() -> (Emulator, reqwest::Client, String) {
    let emu = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let http = reqwest::Client::new();
    let token = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("admin token");
    (emu, http, token)
}

async fn token(
    http: &reqwest::Client,
    emu: &Emulator,
    id: &str,
    secret: &str,
) -> Result<String, u16> {
    let (status, body) = token_answer(http, emu, id, secret).await;
    body["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or(status)
}

async fn token_answer(
    http: &reqwest::Client,
    emu: &Emulator,
    id: &str,
    secret: &str,
) -> (u16, Value) {
    let r = http
        .post(format!("{}/oauth/token", emu.base_url()))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

async fn call(
    http: &reqwest::Client,
    emu: &Emulator,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = http
        .request(method, format!("{}{}", emu.base_url(), path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("send");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("text");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        headers,
    )
}

#[tokio::test]
async fn create_answers_the_secret_and_get_never_does() {
    let (emu, http, t) = start().await;
    let (status, created, headers) = call(&http, &emu, &t, reqwest::Method::POST, "/api/v2/oauth/clients",
        Some(json!({"name": "ci", "authorizedGrantType": "CLIENT-CREDENTIALS", "roleDivisions": [{"roleId": "r"}]}))).await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("inin-correlation-id"));
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert_eq!(created["accessTokenValiditySeconds"], 86400);
    assert!(created["roleDivisions"][0]["divisionId"].is_string());
    let id = created["id"].as_str().expect("id").to_string();
    let (_, got, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        &format!("/api/v2/oauth/clients/{id}"),
        None,
    )
    .await;
    assert!(got.get("secret").is_none());
    // The client's own credentials work; after a regenerate only the new ones do.
    assert!(token(&http, &emu, &id, &secret).await.is_ok());
    let (_, regen, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        &format!("/api/v2/oauth/clients/{id}/secret"),
        None,
    )
    .await;
    let new_secret = regen["secret"].as_str().expect("new secret");
    assert_eq!(token(&http, &emu, &id, &secret).await, Err(401));
    assert!(token(&http, &emu, &id, new_secret).await.is_ok());
    assert_eq!(emu.issued_secrets().len(), 2);
}

#[tokio::test]
async fn validation_paging_and_delete_rules() {
    let (emu, http, t) = start().await;
    let (status, err, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        "/api/v2/oauth/clients",
        Some(json!({"name": "x", "authorizedGrantType": "CODE", "accessTokenValiditySeconds": 10})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["details"][0]["fieldName"], "accessTokenValiditySeconds");
    let (_, saml, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        "/api/v2/oauth/clients",
        Some(json!({"name": "s", "authorizedGrantType": "SAML2BEARER"})),
    )
    .await;
    assert_eq!(saml["authorizedGrantType"], "SAML2-BEARER");
    for i in 0..4 {
        call(
            &http,
            &emu,
            &t,
            reqwest::Method::POST,
            "/api/v2/oauth/clients",
            Some(json!({"name": format!("c{i}"), "authorizedGrantType": "CODE"})),
        )
        .await;
    }
    let (_, p1, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        "/api/v2/oauth/clients?pageSize=2&pageNumber=1",
        None,
    )
    .await;
    assert_eq!(
        (p1["total"].as_u64(), p1["pageCount"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        p1["nextUri"],
        "/api/v2/oauth/clients?pageSize=2&pageNumber=2"
    );
    let (_, p3, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        "/api/v2/oauth/clients?pageSize=2&pageNumber=3",
        None,
    )
    .await;
    assert!(p3.get("nextUri").is_none());
    assert_eq!(p3["entities"].as_array().map(Vec::len), Some(1));

    let id = saml["id"].as_str().expect("id");
    let path = format!("/api/v2/oauth/clients/{id}");
    let (status, _, _) = call(&http, &emu, &t, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 400, "an active client cannot be deleted");
    let mut body = saml.clone();
    body["state"] = json!("inactive");
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::PUT, &path, Some(body))
            .await
            .0,
        200
    );
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::DELETE, &path, None)
            .await
            .0,
        204
    );
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::GET, &path, None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn faults_and_expired_tokens() {
    let emu = Emulator::start(EmulatorConfig {
        token_lifetime: std::time::Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("start");
    let http = reqwest::Client::new();
    let t = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("token");
    emu.inject(
        FaultRule::new(FaultKind::Status429 {
            retry_after_secs: 3,
        })
        .path("/api/v2")
        .times(1),
    );
    let (status, body, headers) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        "/api/v2/oauth/clients",
        None,
    )
    .await;
    assert_eq!(status, 429);
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("3")
    );
    assert_eq!(body["code"], "too.many.requests.retry.after");
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path("/api/v2/oauth/clients")
            .times(1),
    );
    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        "/api/v2/oauth/clients",
        Some(json!({"name": "d", "authorizedGrantType": "CODE"})),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(emu.clients().len(), 1, "the dropped create still happened");
    emu.inject(
        FaultRule::new(FaultKind::TokenThrottle)
            .path("/oauth/token")
            .times(1),
    );
    assert_eq!(
        token(&http, &emu, "emulator-admin", "emulator-admin-secret").await,
        Err(400)
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(
        call(
            &http,
            &emu,
            &t,
            reqwest::Method::GET,
            "/api/v2/oauth/clients",
            None
        )
        .await
        .0,
        401
    );
    assert!(emu.request_count("GET", "/api/v2/oauth/clients") >= 2);
}

#[tokio::test]
async fn bad_credentials_linger_and_http_admin_endpoints() {
    let emu = Emulator::start(EmulatorConfig {
        delete_linger: std::time::Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("start");
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/oauth/token", emu.base_url()))
        .basic_auth("emulator-admin", Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().contains_key("inin-correlation-id"));
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], "invalid_client");
    let t = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("token");

    // A fault injected over HTTP, as the demo's binary is driven.
    let r = http
        .post(format!("{}/__emulator/faults", emu.base_url()))
        .json(&json!({"kind": "Status503", "method": "GET", "path_prefix": "/api/v2", "count": 1}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 204);
    let list = "/api/v2/oauth/clients";
    let (status, body, _) = call(&http, &emu, &t, reqwest::Method::GET, list, None).await;
    assert_eq!(
        (status, &body["code"]),
        (503, &json!("service.unavailable"))
    );

    let client = json!({"name": "gone", "authorizedGrantType": "CODE", "state": "inactive"});
    let (_, created, _) = call(&http, &emu, &t, reqwest::Method::POST, list, Some(client)).await;
    let path = format!("{list}/{}", created["id"].as_str().expect("id"));
    let (status, _, _) = call(&http, &emu, &t, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (status, lingering, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert_eq!((status, &lingering["state"]), (200, &json!("deleted")));
    assert!(lingering["dateToDelete"].is_string());
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::GET, &path, None)
            .await
            .0,
        404
    );

    let state: Value = http
        .get(format!("{}/__emulator/state", emu.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(state["requests"]["GET /api/v2/oauth/clients/{id}"], 2);
    assert_eq!(state["requests"]["POST /oauth/token"], 2);
    assert_eq!(state["issued_tokens"].as_array().map(Vec::len), Some(1));
    assert_eq!(state["clients"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn conflict_fault_answers_409_for_its_count_only() {
    let (emu, http, t) = start().await;
    let list = "/api/v2/oauth/clients";
    let client = json!({"name": "c", "authorizedGrantType": "CODE"});
    let (_, created, _) = call(&http, &emu, &t, reqwest::Method::POST, list, Some(client)).await;
    let path = format!("{list}/{}", created["id"].as_str().expect("id"));
    emu.inject(
        FaultRule::new(FaultKind::Status409)
            .method("PUT")
            .path(list)
            .times(2),
    );
    for _ in 0..2 {
        let (status, body, headers) = call(
            &http,
            &emu,
            &t,
            reqwest::Method::PUT,
            &path,
            Some(created.clone()),
        )
        .await;
        assert_eq!((status, &body["code"]), (409, &json!("conflict")));
        assert_eq!(body["status"], 409);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(headers.contains_key("inin-correlation-id"));
    }
    let (status, _, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200, "the rule is for PUT only");
    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::PUT,
        &path,
        Some(created.clone()),
    )
    .await;
    assert_eq!(status, 200, "the rule applied twice only");

    // The same rule as the emulator binary takes it, in JSON over HTTP.
    let r = http
        .post(format!("{}/__emulator/faults", emu.base_url()))
        .json(&json!({"kind": "Status409", "method": "DELETE", "count": 1}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 204);
    let (status, body, _) = call(&http, &emu, &t, reqwest::Method::DELETE, &path, None).await;
    assert_eq!((status, &body["code"]), (409, &json!("conflict")));
}

const CLIENTS: &str = "/api/v2/oauth/clients";

fn credentials_client(name: &str) -> Value {
    json!({"name": name, "authorizedGrantType": "CLIENT-CREDENTIALS", "roleDivisions": [{"roleId": "r"}]})
}

/// The ids in the first page of the client list.
async fn listed(http: &reqwest::Client, emu: &Emulator, t: &str) -> Vec<String> {
    let (status, page, _) = call(http, emu, t, reqwest::Method::GET, CLIENTS, None).await;
    assert_eq!(status, 200);
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect()
}

/// Retries `attempt` every 100 ms for up to 10 s until it is true.
async fn eventually<F: std::future::Future<Output = bool>>(mut attempt: impl FnMut() -> F) -> bool {
    for _ in 0..100 {
        if attempt().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn inside_the_consistency_window_a_new_client_and_new_secrets_are_unknown() {
    let (emu, http, t) = start().await;
    // Created before the window is turned on: known at once.
    let (_, early, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CLIENTS,
        Some(credentials_client("early")),
    )
    .await;
    let early_id = early["id"].as_str().expect("id").to_string();
    let early_secret = early["secret"].as_str().expect("secret").to_string();
    assert!(token(&http, &emu, &early_id, &early_secret).await.is_ok());

    // A window far longer than the test.
    emu.set_consistency_window(std::time::Duration::from_secs(600));
    let (status, late, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CLIENTS,
        Some(credentials_client("late")),
    )
    .await;
    assert_eq!(status, 200);
    let id = late["id"].as_str().expect("id").to_string();
    let secret = late["secret"].as_str().expect("secret").to_string();
    let path = format!("{CLIENTS}/{id}");
    let mut renamed = late.clone();
    renamed["name"] = json!("renamed");
    renamed["state"] = json!("inactive");
    for (method, path, body) in [
        (reqwest::Method::GET, path.clone(), None),
        (reqwest::Method::PUT, path.clone(), Some(renamed)),
        (reqwest::Method::DELETE, path.clone(), None),
        (reqwest::Method::POST, format!("{path}/secret"), None),
    ] {
        let (status, body, headers) = call(&http, &emu, &t, method.clone(), &path, body).await;
        assert_eq!(
            (status, &body["code"]),
            (404, &json!("not.found")),
            "{method} {path}"
        );
        assert!(headers.contains_key("inin-correlation-id"));
    }
    assert_eq!(listed(&http, &emu, &t).await, vec![early_id.clone()]);
    let (status, refused) = token_answer(&http, &emu, &id, &secret).await;
    assert_eq!((status, &refused["error"]), (401, &json!("invalid_client")));
    let helpers_see: Vec<String> = emu.clients().into_iter().map(|c| c.id).collect();
    assert!(helpers_see.contains(&id) && helpers_see.contains(&early_id));
    assert!(
        emu.clients()
            .iter()
            .any(|c| c.id == id && c.name == "late" && c.state == "active" && c.secret == secret),
        "the PUT, DELETE and regenerate did nothing"
    );

    // A secret regenerated inside the window: the old one is dead, the new one not yet usable.
    let (status, regen, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        &format!("{CLIENTS}/{early_id}/secret"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let new_secret = regen["secret"].as_str().expect("new secret");
    assert_eq!(token(&http, &emu, &early_id, &early_secret).await, Err(401));
    let (status, refused) = token_answer(&http, &emu, &early_id, new_secret).await;
    assert_eq!((status, &refused["error"]), (401, &json!("invalid_client")));
    let behind_the_back = emu.regenerate_secret(&early_id).expect("regenerated");
    assert_eq!(
        token(&http, &emu, &early_id, &behind_the_back).await,
        Err(401)
    );
    assert_eq!(token(&http, &emu, &early_id, new_secret).await, Err(401));
}

#[tokio::test]
async fn after_the_consistency_window_the_client_and_its_secrets_work() {
    let window = std::time::Duration::from_millis(500);
    let emu = Emulator::start(EmulatorConfig {
        consistency_window: window,
        ..Default::default()
    })
    .await
    .expect("start");
    let http = reqwest::Client::new();
    let t = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("admin token");
    let asked = std::time::Instant::now();
    let (_, created, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CLIENTS,
        Some(credentials_client("c")),
    )
    .await;
    let id = created["id"].as_str().expect("id").to_string();
    let secret = created["secret"].as_str().expect("secret").to_string();
    let path = format!("{CLIENTS}/{id}");
    let (first, _, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    let first_listed = listed(&http, &emu, &t).await;
    let first_token = token(&http, &emu, &id, &secret).await;
    // Answered before the window could have ended: still unknown (on a
    // machine too slow for that, these checks have nothing to say).
    if asked.elapsed() < window {
        assert_eq!(first, 404);
        assert!(first_listed.is_empty());
        assert_eq!(first_token, Err(401));
    }
    assert!(
        eventually(|| async {
            call(&http, &emu, &t, reqwest::Method::GET, &path, None)
                .await
                .0
                == 200
        })
        .await,
        "known after the window"
    );
    assert_eq!(listed(&http, &emu, &t).await, vec![id.clone()]);
    assert!(token(&http, &emu, &id, &secret).await.is_ok());

    // A regenerated secret: the old one dies at once, the new one works after the window.
    let (status, regen, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        &format!("{path}/secret"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let new_secret = regen["secret"].as_str().expect("new secret").to_string();
    assert_eq!(token(&http, &emu, &id, &secret).await, Err(401));
    assert!(eventually(|| async { token(&http, &emu, &id, &new_secret).await.is_ok() }).await);
    let behind_the_back = emu.regenerate_secret(&id).expect("regenerated");
    assert!(eventually(|| async { token(&http, &emu, &id, &behind_the_back).await.is_ok() }).await);
    assert_eq!(token(&http, &emu, &id, &new_secret).await, Err(401));
    // PUT and DELETE reach it too.
    let mut body = created.clone();
    body["state"] = json!("inactive");
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::PUT, &path, Some(body))
            .await
            .0,
        200
    );
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::DELETE, &path, None)
            .await
            .0,
        204
    );
}

const HOME: &str = "/api/v2/authorization/divisions/home";

/// The `roleDivisions` of an answer, by role id.
fn roles(client: &Value) -> std::collections::BTreeMap<String, Value> {
    client["roleDivisions"]
        .as_array()
        .expect("roleDivisions")
        .iter()
        .map(|r| (r["roleId"].as_str().expect("roleId").to_string(), r.clone()))
        .collect()
}

#[tokio::test]
async fn home_division_endpoint_answers_an_authz_division() {
    let (emu, http, t) = start().await;
    let (status, home, headers) = call(&http, &emu, &t, reqwest::Method::GET, HOME, None).await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("inin-correlation-id"));
    let id = EmulatorConfig::default().home_division;
    assert_eq!(home["id"], json!(id));
    assert_eq!(home["name"], "Home");
    assert!(home["description"].is_string());
    assert_eq!(home["homeDivision"], true);
    assert_eq!(
        home["selfUri"],
        json!(format!("/api/v2/authorization/divisions/{id}"))
    );
    assert_eq!(emu.request_count("GET", HOME), 1);
    assert_eq!(
        call(&http, &emu, &t, reqwest::Method::GET, HOME, None)
            .await
            .0,
        200
    );
    assert_eq!(emu.request_count("GET", HOME), 2);
    let (status, _, _) = call(&http, &emu, "not-a-token", reqwest::Method::GET, HOME, None).await;
    assert_eq!(status, 401, "it needs a token like every API call");
}

#[tokio::test]
async fn division_echo_decides_how_a_role_without_a_division_is_answered() {
    let (emu, http, t) = start().await;
    let (_, home, _) = call(&http, &emu, &t, reqwest::Method::GET, HOME, None).await;
    let body = json!({"name": "r", "authorizedGrantType": "CLIENT-CREDENTIALS",
        "roleDivisions": [{"roleId": "implied"}, {"roleId": "explicit", "divisionId": "d-1"}]});
    // The default: the home division filled in.
    let (_, created, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CLIENTS,
        Some(body.clone()),
    )
    .await;
    let path = format!("{CLIENTS}/{}", created["id"].as_str().expect("id"));
    assert_eq!(roles(&created)["implied"]["divisionId"], home["id"]);
    assert_eq!(roles(&created)["explicit"]["divisionId"], "d-1");

    emu.set_division_echo(DivisionEcho::Omitted);
    let (_, got, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert!(roles(&got)["implied"].get("divisionId").is_none());
    assert!(roles(&got)["explicit"].get("divisionId").is_none());
    let (_, page, _) = call(&http, &emu, &t, reqwest::Method::GET, CLIENTS, None).await;
    assert!(roles(&page["entities"][0])["implied"]
        .get("divisionId")
        .is_none());

    emu.set_division_echo(DivisionEcho::Null);
    let (status, put, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::PUT,
        &path,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200);
    let implied = &roles(&put)["implied"];
    assert!(implied.get("divisionId").is_some_and(Value::is_null));
    assert!(roles(&put)["explicit"]["divisionId"].is_null());
    let (_, regen, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        &format!("{path}/secret"),
        None,
    )
    .await;
    assert!(roles(&regen)["implied"]
        .get("divisionId")
        .is_some_and(Value::is_null));

    // Whatever the answers say, the role is granted in the home division.
    let granted = &emu.clients()[0].role_divisions;
    assert!(granted.contains(&(
        "implied".to_string(),
        home["id"].as_str().expect("home id").to_string()
    )));
    assert!(granted.contains(&("explicit".to_string(), "d-1".to_string())));

    emu.set_division_echo(DivisionEcho::HomeFilledIn);
    let (_, got, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert_eq!(roles(&got)["implied"]["divisionId"], home["id"]);

    emu.set_division_echo(DivisionEcho::AsSent);
    let (_, got, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert!(roles(&got)["implied"].get("divisionId").is_none());
    assert_eq!(roles(&got)["explicit"]["divisionId"], "d-1");

    // The same from the configuration, on the create answer.
    let emu = Emulator::start(EmulatorConfig {
        division_echo: DivisionEcho::AsSent,
        ..Default::default()
    })
    .await
    .expect("start");
    let t = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("admin token");
    let (_, created, _) = call(&http, &emu, &t, reqwest::Method::POST, CLIENTS, Some(body)).await;
    assert!(roles(&created)["implied"].get("divisionId").is_none());
    assert_eq!(roles(&created)["explicit"]["divisionId"], "d-1");
}

#[tokio::test]
async fn omitted_fields_leave_every_client_answer() {
    let (emu, http, t) = start().await;
    let body = json!({"name": "o", "authorizedGrantType": "CLIENT-CREDENTIALS",
        "description": "kept inside", "accessTokenValiditySeconds": 600,
        "roleDivisions": [{"roleId": "r", "divisionId": "d-1"}]});
    emu.set_omitted_fields(&[
        "description",
        "accessTokenValiditySeconds",
        "roleDivisions.divisionId",
    ]);
    let (status, created, _) =
        call(&http, &emu, &t, reqwest::Method::POST, CLIENTS, Some(body)).await;
    assert_eq!(status, 200);
    let path = format!("{CLIENTS}/{}", created["id"].as_str().expect("id"));
    let (_, got, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    let (_, page, _) = call(&http, &emu, &t, reqwest::Method::GET, CLIENTS, None).await;
    for answer in [&created, &got, &page["entities"][0]] {
        assert!(answer.get("description").is_none(), "{answer}");
        assert!(answer.get("accessTokenValiditySeconds").is_none());
        assert_eq!(roles(answer)["r"]["divisionId"], "d-1", "other fields stay");
        assert_eq!(answer["name"], "o");
    }
    assert!(
        created["secret"].is_string(),
        "the secret is not an optional field"
    );
    // The client still holds what was sent.
    let stored = &emu.clients()[0];
    assert_eq!(stored.description.as_deref(), Some("kept inside"));
    assert_eq!(stored.access_token_validity_seconds, 600);

    emu.set_omitted_fields(&[]);
    let (_, got, _) = call(&http, &emu, &t, reqwest::Method::GET, &path, None).await;
    assert_eq!(got["description"], "kept inside");
    assert_eq!(roles(&got)["r"]["divisionId"], "d-1");
}

const CREDENTIALS: &str = "/api/v2/integrations/credentials";

fn oauth_credential(name: &str, client_id: &str, secret: &str) -> Value {
    json!({"name": name, "type": {"name": "pureCloudOAuthClient"},
           "credentialFields": {"clientId": client_id, "clientSecret": secret}})
}

/// Credential info only: never the fields.
fn assert_info(v: &Value, name: &str) {
    let keys: std::collections::BTreeSet<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "createdDate",
            "id",
            "modifiedDate",
            "name",
            "selfUri",
            "type"
        ]
        .into(),
        "{v}"
    );
    assert_eq!(v["name"], name);
    assert_eq!(v["type"]["name"], "pureCloudOAuthClient");
    assert_eq!(
        v["selfUri"],
        format!("{CREDENTIALS}/{}", v["id"].as_str().expect("id"))
    );
}

#[tokio::test]
async fn credentials_keep_their_fields_and_never_answer_them() {
    let (emu, http, t) = start().await;
    let (_, client, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        "/api/v2/oauth/clients",
        Some(credentials_client("data-actions")),
    )
    .await;
    let client_id = client["id"].as_str().expect("id").to_string();
    let secret = client["secret"].as_str().expect("secret").to_string();

    let (status, created, headers) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CREDENTIALS,
        Some(oauth_credential("actions", &client_id, &secret)),
    )
    .await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("inin-correlation-id"));
    assert_info(&created, "actions");
    let id = created["id"].as_str().expect("id").to_string();
    let stored = emu.credentials();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, id);
    assert_eq!(stored[0].type_name, "pureCloudOAuthClient");
    assert_eq!(stored[0].fields["clientId"], client_id);
    assert_eq!(stored[0].fields["clientSecret"], secret);
    assert!(emu
        .issued_secrets()
        .contains(&stored[0].fields["clientSecret"]));
    assert!(
        token(&http, &emu, &client_id, &stored[0].fields["clientSecret"])
            .await
            .is_ok()
    );

    let one = format!("{CREDENTIALS}/{id}");
    let get_one = || call(&http, &emu, &t, reqwest::Method::GET, &one, None);
    let (status, got, _) = get_one().await;
    // The GET of one credential is the Credential "with sensitive fields
    // redacted": the client id, never the secret (and, as an option, not
    // the client id either).
    assert_eq!(status, 200);
    assert_eq!(got["id"], created["id"]);
    assert_eq!(got["name"], "actions");
    assert_eq!(got["type"]["name"], "pureCloudOAuthClient");
    assert_eq!(got["credentialFields"], json!({"clientId": client_id}));
    assert!(!got.to_string().contains(&secret));
    emu.set_credential_client_id_hidden(true);
    let (_, hidden, _) = get_one().await;
    assert_eq!(hidden["credentialFields"], json!({}));
    emu.set_credential_client_id_hidden(false);

    // PUT replaces name and fields.
    let (status, put, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::PUT,
        &format!("{CREDENTIALS}/{id}"),
        Some(oauth_credential("renamed", &client_id, "another-secret")),
    )
    .await;
    assert_eq!(status, 200);
    assert_info(&put, "renamed");
    assert_eq!(emu.credentials()[0].name, "renamed");
    assert_eq!(
        emu.credentials()[0].fields["clientSecret"],
        "another-secret"
    );

    // The list is paged like every Genesys list, and shows info only.
    call(
        &http,
        &emu,
        &t,
        reqwest::Method::POST,
        CREDENTIALS,
        Some(oauth_credential("second", &client_id, &secret)),
    )
    .await;
    let (status, page, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        &format!("{CREDENTIALS}?pageSize=1&pageNumber=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (page["pageSize"].clone(), page["pageNumber"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        (page["total"].clone(), page["pageCount"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(
        page["nextUri"],
        format!("{CREDENTIALS}?pageSize=1&pageNumber=2")
    );
    assert_info(&page["entities"][0], "renamed");
    let (_, last, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        &format!("{CREDENTIALS}?pageSize=1&pageNumber=2"),
        None,
    )
    .await;
    assert_info(&last["entities"][0], "second");
    assert!(last.get("nextUri").is_none());
    assert!(!page.to_string().contains(&secret) && !last.to_string().contains(&secret));

    // The cursor listing: `after` from the nextUri, no page count, at most
    // 200 a page.
    let (status, first, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        &format!("{CREDENTIALS}/listing?pageSize=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_info(&first["entities"][0], "renamed");
    assert!(first.get("pageCount").is_none());
    let next = first["nextUri"].as_str().expect("a next page").to_string();
    assert_eq!(next, format!("{CREDENTIALS}/listing?pageSize=1&after={id}"));
    let (_, second, _) = call(&http, &emu, &t, reqwest::Method::GET, &next, None).await;
    assert_info(&second["entities"][0], "second");
    assert!(second.get("nextUri").is_none());
    for bad in ["pageSize=201", "pageSize=0", "after=no-such-cursor"] {
        let (status, _, _) = call(
            &http,
            &emu,
            &t,
            reqwest::Method::GET,
            &format!("{CREDENTIALS}/listing?{bad}"),
            None,
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }

    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::DELETE,
        &format!("{CREDENTIALS}/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(emu.credentials().len(), 1);
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let (status, body, _) = call(
            &http,
            &emu,
            &t,
            method,
            &format!("{CREDENTIALS}/{id}"),
            None,
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(body["code"], "not.found");
        assert_eq!(body["status"], 404);
    }
    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::PUT,
        &format!("{CREDENTIALS}/{id}"),
        Some(oauth_credential("x", &client_id, &secret)),
    )
    .await;
    assert_eq!(status, 404);
    assert!(emu.delete_credential(&emu.credentials()[0].id));
    assert!(emu.credentials().is_empty());
}

#[tokio::test]
async fn credential_bodies_are_checked_and_the_usual_rules_apply() {
    let (emu, http, t) = start().await;
    let post = |body: Value| {
        let (http, emu, t) = (&http, &emu, &t);
        async move { call(http, emu, t, reqwest::Method::POST, CREDENTIALS, Some(body)).await }
    };
    for (body, field) in [
        (
            json!({"type": {"name": "pureCloudOAuthClient"}, "credentialFields": {"clientId": "i", "clientSecret": "s"}}),
            "name",
        ),
        (
            json!({"name": "n", "credentialFields": {"clientId": "i", "clientSecret": "s"}}),
            "type",
        ),
        (
            json!({"name": "n", "type": {"name": "pureCloudOAuthClient"}}),
            "credentialFields",
        ),
        (
            json!({"name": "n", "type": {"name": "pureCloudOAuthClient"}, "credentialFields": {"clientId": "i"}}),
            "credentialFields",
        ),
    ] {
        let (status, err, headers) = post(body).await;
        assert_eq!(status, 400, "{err}");
        assert_eq!(err["details"][0]["fieldName"], field);
        assert_eq!(err["code"], "bad.request");
        assert!(headers.contains_key("inin-correlation-id"));
    }
    assert!(emu.credentials().is_empty());
    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::GET,
        &format!("{CREDENTIALS}?pageSize=500"),
        None,
    )
    .await;
    assert_eq!(status, 400);

    // Same authentication as every /api/v2 path.
    let (status, body, _) = call(
        &http,
        &emu,
        "not-a-token",
        reqwest::Method::GET,
        CREDENTIALS,
        None,
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (401, json!("bad.credentials"))
    );

    // Same fault rules: a dropped answer still creates.
    emu.inject(
        FaultRule::new(FaultKind::DropResponse)
            .method("POST")
            .path(CREDENTIALS)
            .times(1),
    );
    let (status, _, _) = post(oauth_credential("dropped", "c", "s")).await;
    assert_eq!(status, 503);
    assert_eq!(
        emu.credentials().len(),
        1,
        "the dropped create still happened"
    );
    emu.inject(
        FaultRule::new(FaultKind::Status409)
            .method("PUT")
            .path(CREDENTIALS)
            .times(1),
    );
    let id = emu.credentials()[0].id.clone();
    let (status, _, _) = call(
        &http,
        &emu,
        &t,
        reqwest::Method::PUT,
        &format!("{CREDENTIALS}/{id}"),
        Some(oauth_credential("x", "c", "s")),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(emu.credentials()[0].name, "dropped");

    // Same request log; the admin state page shows the fields.
    assert_eq!(emu.request_count("POST", CREDENTIALS), 5);
    let state: Value = http
        .get(format!("{}/__emulator/state", emu.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        state["credentials"][0]["credentialFields"]["clientSecret"],
        "s"
    );
    assert_eq!(state["requests"][format!("PUT {CREDENTIALS}/{{id}}")], 1);
}

#[tokio::test]
async fn a_revoked_token_stops_working_and_is_counted() {
    let (emu, http, admin) = start().await;
    let t = token(&http, &emu, "emulator-admin", "emulator-admin-secret")
        .await
        .expect("token");
    let revoke = |token: String| {
        let http = http.clone();
        let url = format!("{}/api/v2/tokens/me", emu.base_url());
        async move {
            let r = http
                .delete(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("send");
            (r.status().as_u16(), r.bytes().await.expect("body").len())
        }
    };
    assert_eq!(revoke(t.clone()).await, (204, 0));
    let path = "/api/v2/oauth/clients";
    let (status, _, _) = call(&http, &emu, &t, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 401);
    assert_eq!(revoke(t.clone()).await.0, 401);
    assert_eq!(emu.revoked_tokens(), vec![t]);
    let (status, _, _) = call(&http, &emu, &admin, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200);
}
