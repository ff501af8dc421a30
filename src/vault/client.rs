//! Vault HTTP calls, each through the shared retry policy.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tracing::info;

use super::auth::{Session, VaultAuth};
use super::capability_batch::CapabilityBatch;
use super::error::VaultError;
use super::kv::{KvData, KvMetadata, KvRead, KvValue, KvVersionRead, WriteOutcome};
use super::kv_path::KvPath;
use super::mounts::{KvVersion, Lookup, Mounts, Refusal};
use super::transport::{encode, messages, Repeat, Transport};
use crate::http::encode_path;
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// Everything needed to reach Vault.
#[derive(Debug, Clone)]
pub struct VaultSettings {
    /// `https://vault.example.com:8200`.
    pub address: url::Url,
    /// How the token is obtained.
    pub auth: VaultAuth,
    /// Sent as `X-Vault-Namespace` when set.
    pub namespace: Option<String>,
    /// Extra trusted CA (PEM).
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Accept any certificate (testing only).
    pub skip_tls_verify: bool,
    /// The token may lack the right to write at plan
    /// (`vault.allow_read_only_plan`; see [`VaultClient::read_only_plan`]).
    pub read_only_plan: bool,
    /// The mount holding the clients' claims (`vault.claims_mount`;
    /// `None`: each sink's own mount).
    pub claims_mount: Option<String>,
    /// Retry bounds.
    pub retry: RetryPolicy,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// Sent with every request.
    pub user_agent: String,
}

/// A Vault client, shared by all operations; never prints its token.
pub struct VaultClient {
    transport: Transport,
    session: Arc<Session>,
    mounts: Mounts,
    pub(super) capability_batch: CapabilityBatch,
    read_only_plan: bool,
    claims_mount: Option<String>,
}

impl std::fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultClient")
            .field(
                "address",
                &crate::http::without_credentials(&self.transport.address),
            )
            .field("namespace", &self.transport.namespace)
            .field("auth", &self.session.describe())
            .finish_non_exhaustive()
    }
}

impl VaultClient {
    /// Builds a client. No request is made until the first call.
    pub fn new(settings: VaultSettings) -> Result<Self, VaultError> {
        let transport = Transport::new(
            settings.address,
            settings.namespace,
            settings.ca_cert_pem.as_deref(),
            settings.skip_tls_verify,
            settings.retry,
            settings.request_timeout,
            &settings.user_agent,
        )?;
        Ok(VaultClient {
            transport,
            session: Session::new(settings.auth),
            mounts: Mounts::default(),
            capability_batch: CapabilityBatch::default(),
            read_only_plan: settings.read_only_plan,
            claims_mount: settings.claims_mount,
        })
    }

    /// Whether the user said the token may lack the right to write at plan
    /// (`vault.allow_read_only_plan`): a plan's write check then warns
    /// instead of refusing, and the apply's check is the one that stops.
    pub fn read_only_plan(&self) -> bool {
        self.read_only_plan
    }

    /// The mount the user chose for the clients' claims
    /// (`vault.claims_mount`); `None`: each sink's own mount.
    pub fn claims_mount(&self) -> Option<&str> {
        self.claims_mount.as_deref()
    }

    /// Makes sure the token will outlast the critical section of one
    /// rotation (regenerate, write, label, with their retries), renewing it
    /// or logging in again if it must: a rotation does not start with a
    /// token that could end half-way.
    pub async fn ensure_token_outlasts_rotation(&self) -> Result<(), VaultError> {
        self.session
            .token_for_rotation(&self.transport)
            .await
            .map(drop)
    }

    /// Ends the Vault session as the provider exits: a token the provider
    /// obtained by logging in is revoked; a token given to it is not.
    pub async fn close(&self) {
        self.session.close(&self.transport).await
    }

    /// A call with the session's token (obtained on first use). A login
    /// method's token refused with 403 that turns out to be revoked (before
    /// its TTL ended) is replaced by a new login and the call made once more:
    /// a 403 means Vault did nothing, so even a write may be repeated.
    pub(super) async fn send(
        &self,
        operation: &str,
        method: Method,
        api_path: &str,
        body: Option<bytes::Bytes>,
        repeat: Repeat,
    ) -> Result<(StatusCode, bytes::Bytes), VaultError> {
        let token = self.session.token(&self.transport).await?;
        let answer = self
            .transport
            .send_body(
                operation,
                method.clone(),
                api_path,
                body.clone(),
                Some(&token),
                repeat,
            )
            .await?;
        if answer.0 != StatusCode::FORBIDDEN
            || !self
                .session
                .forget_login_token(&self.transport, &token)
                .await
        {
            return Ok(answer);
        }
        info!(
            operation,
            "Vault refused the login token; logging in again and retrying once"
        );
        let token = self.session.token(&self.transport).await?;
        self.transport
            .send_body(operation, method, api_path, body, Some(&token), repeat)
            .await
    }

    /// Maps a non-success answer of a finished call to an error.
    pub(super) fn failure(
        operation: &str,
        status: StatusCode,
        body: &[u8],
        capability: &'static str,
        api_path: &str,
    ) -> VaultError {
        let text = messages(body);
        match status.as_u16() {
            403 => VaultError::PermissionDenied {
                operation: operation.into(),
                capability,
                api_path: api_path.into(),
            },
            _ => VaultError::Http {
                operation: operation.into(),
                status: status.as_u16(),
                messages: text,
                attempts: 1,
            },
        }
    }

    /// The KV version of `mount`, looked up once per process (concurrent
    /// callers share the request: `mounts.rs`). Unlike the Vault CLI, a 403
    /// or 404 on the lookup is never taken for KV v1: any token with a
    /// capability under a mount may look it up, so a refusal means the mount
    /// is not there (a typo) or the token can do nothing in it, and writing
    /// there would fail after the secret was regenerated.
    pub async fn kv_version(&self, mount: &str) -> Result<KvVersion, VaultError> {
        self.mounts
            .kv_version(mount, || self.look_up_mount(mount))
            .await
    }

    /// One `sys/internal/ui/mounts` lookup: the KV version, Vault's refusal,
    /// or the error of a lookup that did not get an answer.
    async fn look_up_mount(&self, mount: &str) -> Result<Lookup, VaultError> {
        let operation = format!("look up the KV version of mount {mount}");
        let api_path = format!("sys/internal/ui/mounts/{}", encode_path(mount));
        let (status, body) = self
            .send(&operation, Method::GET, &api_path, None, Repeat::Safe)
            .await?;
        match status.as_u16() {
            200 => {
                let v: Value = decode(&operation, &body)?;
                // The lookup answers for the mount that holds a path, so a
                // path given as the mount (`secret/genesys`) names `secret/`.
                let found = v["data"]["path"].as_str().unwrap_or_default();
                if !found.is_empty() && found.trim_end_matches('/') != mount {
                    let found = found.trim_end_matches('/').to_string();
                    return Ok(Err(Refusal::NotAMount(found)));
                }
                let kind = v["data"]["type"].as_str().unwrap_or("kv");
                if kind != "kv" && kind != "generic" {
                    return Ok(Err(Refusal::NotKv(kind.to_string())));
                }
                Ok(Ok(match v["data"]["options"]["version"].as_str() {
                    Some("2") => KvVersion::V2,
                    _ => KvVersion::V1,
                }))
            }
            403 | 404 => Ok(Err(Refusal::Unknown)),
            _ => Err(Self::failure(&operation, status, &body, "read", &api_path)),
        }
    }

    /// KV v2 metadata of an entry; `None` when it does not exist.
    pub async fn read_metadata(&self, entry: &KvPath) -> Result<Option<KvMetadata>, VaultError> {
        let operation = format!("read the metadata of {entry}");
        let api_path = metadata_path(entry);
        let (status, body) = self
            .send(&operation, Method::GET, &api_path, None, Repeat::Safe)
            .await?;
        match status.as_u16() {
            200 => {
                #[derive(Deserialize)]
                struct Wrapper {
                    data: KvMetadata,
                }
                Ok(Some(decode::<Wrapper>(&operation, &body)?.data))
            }
            404 => Ok(None),
            _ => Err(Self::failure(&operation, status, &body, "read", &api_path)),
        }
    }

    /// The latest version: its values, or why there are none.
    pub async fn read_data(&self, entry: &KvPath) -> Result<KvRead, VaultError> {
        Ok(self.read_with_metadata(entry, None).await?.read)
    }

    /// One version of a KV v2 entry (KV v1 has only the current values).
    pub async fn read_version(&self, entry: &KvPath, version: u64) -> Result<KvRead, VaultError> {
        Ok(self.read_with_metadata(entry, Some(version)).await?.read)
    }

    /// A version (the latest when `version` is `None`; KV v1 has only the
    /// current values) with its number, its time and the entry's custom
    /// metadata, in one request.
    pub async fn read_with_metadata(
        &self,
        entry: &KvPath,
        version: Option<u64>,
    ) -> Result<KvVersionRead, VaultError> {
        let operation = match version {
            Some(v) => format!("read version {v} of {entry}"),
            None => format!("read {entry}"),
        };
        let kv = self.kv_version(entry.mount()).await?;
        let mut api_path = data_path(kv, entry);
        if let (KvVersion::V2, Some(v)) = (kv, version) {
            api_path.push_str(&format!("?version={v}"));
        }
        let (status, body) = self
            .send(&operation, Method::GET, &api_path, None, Repeat::Safe)
            .await?;
        match status.as_u16() {
            200 | 404 => read_answer(&operation, kv, status, &body),
            _ => Err(Self::failure(&operation, status, &body, "read", &api_path)),
        }
    }

    /// Writes an entry. On KV v2 with `cas`, Vault refuses the write unless
    /// the entry's current version is `cas` (0: only if absent).
    pub async fn write(
        &self,
        entry: &KvPath,
        data: &BTreeMap<String, KvValue>,
        cas: Option<u64>,
    ) -> Result<WriteOutcome, VaultError> {
        let operation = format!("write {entry}");
        let kv = self.kv_version(entry.mount()).await?;
        let api_path = data_path(kv, entry);
        let body = write_body(&operation, kv, data, cas)?;
        let (status, answer) = self
            .send(
                &operation,
                Method::POST,
                &api_path,
                Some(body),
                Repeat::Unsafe,
            )
            .await?;
        match status.as_u16() {
            200 => {
                let v: Value = decode(&operation, &answer)?;
                Ok(WriteOutcome {
                    version: v["data"]["version"].as_u64(),
                })
            }
            204 => Ok(WriteOutcome { version: None }),
            400 if messages(&answer).contains("check-and-set") => Err(VaultError::CasMismatch {
                operation,
                expected: cas.unwrap_or(0),
            }),
            _ => Err(Self::failure(
                &operation,
                status,
                &answer,
                "create/update",
                &api_path,
            )),
        }
    }

    /// Replaces an entry's custom metadata (KV v2; makes no new version).
    pub async fn write_custom_metadata(
        &self,
        entry: &KvPath,
        custom: &BTreeMap<String, String>,
    ) -> Result<(), VaultError> {
        let operation = format!("write the metadata of {entry}");
        let body = json!({ "custom_metadata": custom });
        let api_path = metadata_path(entry);
        self.post(&operation, &api_path, &body, "create/update", &[])
            .await
    }

    /// A POST of `body` whose answer carries nothing the caller needs:
    /// done on 200, 204 or `also_done`; otherwise the error, naming the
    /// `capability` a 403 lacks. Repeated when no answer came (each such
    /// POST sets a state, so a repeat changes nothing more).
    pub(super) async fn post(
        &self,
        operation: &str,
        api_path: &str,
        body: &Value,
        capability: &'static str,
        also_done: &[u16],
    ) -> Result<(), VaultError> {
        let body = encode(operation, body)?;
        let (status, answer) = self
            .send(operation, Method::POST, api_path, Some(body), Repeat::Safe)
            .await?;
        match status.as_u16() {
            200 | 204 => Ok(()),
            s if also_done.contains(&s) => Ok(()),
            _ => Err(Self::failure(
                operation, status, &answer, capability, api_path,
            )),
        }
    }

    /// Soft-deletes the latest version (KV v2) or deletes the entry (KV v1).
    pub async fn delete_latest(&self, entry: &KvPath) -> Result<(), VaultError> {
        let api_path = data_path(self.kv_version(entry.mount()).await?, entry);
        self.delete(&format!("delete {entry}"), &api_path).await
    }

    /// Deletes every version and the metadata (KV v2).
    pub async fn delete_all(&self, entry: &KvPath) -> Result<(), VaultError> {
        self.delete(
            &format!("delete all versions of {entry}"),
            &metadata_path(entry),
        )
        .await
    }

    async fn delete(&self, operation: &str, api_path: &str) -> Result<(), VaultError> {
        let (status, body) = self
            .send(operation, Method::DELETE, api_path, None, Repeat::Safe)
            .await?;
        match status.as_u16() {
            200 | 204 | 404 => Ok(()),
            _ => Err(Self::failure(operation, status, &body, "delete", api_path)),
        }
    }
}

/// What a read answered (200 or 404). On KV v2 a 404 whose body still
/// carries `data.metadata` is a deleted or destroyed version, not a missing
/// entry.
fn read_answer(
    operation: &str,
    kv: KvVersion,
    status: StatusCode,
    body: &[u8],
) -> Result<KvVersionRead, VaultError> {
    let v: Value = if status == StatusCode::NOT_FOUND {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    } else {
        decode(operation, body)?
    };
    let md = &v["data"]["metadata"];
    let (version, created_time, custom_metadata) = match kv {
        KvVersion::V1 => (None, None, BTreeMap::new()),
        KvVersion::V2 => (
            md["version"].as_u64(),
            md["created_time"].as_str().map(str::to_string),
            md["custom_metadata"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        ),
    };
    Ok(KvVersionRead {
        read: read_values(kv, status, &v),
        version,
        created_time,
        custom_metadata,
    })
}

/// The values of a read's answer, or why there are none.
fn read_values(kv: KvVersion, status: StatusCode, v: &Value) -> KvRead {
    if status == StatusCode::NOT_FOUND {
        let md = &v["data"]["metadata"];
        let version = md["version"].as_u64().unwrap_or(0);
        let deletion_time = md["deletion_time"].as_str().unwrap_or_default();
        return if md["destroyed"].as_bool() == Some(true) {
            KvRead::Destroyed { version }
        } else if !deletion_time.is_empty() {
            KvRead::Deleted {
                version,
                deletion_time: deletion_time.to_string(),
            }
        } else {
            KvRead::Absent
        };
    }
    let data = match kv {
        KvVersion::V2 => &v["data"]["data"],
        KvVersion::V1 => &v["data"],
    };
    let values = data
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), Secret::new(text))
                })
                .collect()
        })
        .unwrap_or_default();
    KvRead::Live(KvData { values })
}

/// The body of a KV write, serialized straight from `data` into a buffer
/// wiped once sent (no `serde_json::Value` holds a copy of the secret):
/// `{"data": …, "options": {"cas": N}}` on KV v2, the values alone on KV v1.
fn write_body(
    operation: &str,
    kv: KvVersion,
    data: &BTreeMap<String, KvValue>,
    cas: Option<u64>,
) -> Result<bytes::Bytes, VaultError> {
    #[derive(Serialize)]
    struct Options {
        cas: u64,
    }
    #[derive(Serialize)]
    struct V2<'a> {
        data: &'a BTreeMap<String, KvValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        options: Option<Options>,
    }
    match kv {
        KvVersion::V2 => encode(
            operation,
            &V2 {
                data,
                options: cas.map(|cas| Options { cas }),
            },
        ),
        KvVersion::V1 => encode(operation, data),
    }
}

/// Where an entry's data lives: `<mount>/data/<path>` on KV v2,
/// `<mount>/<path>` on KV v1.
pub(super) fn data_path(kv: KvVersion, entry: &KvPath) -> String {
    let (mount, path) = (encode_path(entry.mount()), encode_path(entry.path()));
    match kv {
        KvVersion::V2 => format!("{mount}/data/{path}"),
        KvVersion::V1 => format!("{mount}/{path}"),
    }
}

/// Where a KV v2 entry's metadata lives: `<mount>/metadata/<path>`.
fn metadata_path(entry: &KvPath) -> String {
    format!(
        "{}/metadata/{}",
        encode_path(entry.mount()),
        encode_path(entry.path())
    )
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(
    operation: &str,
    body: &[u8],
) -> Result<T, VaultError> {
    serde_json::from_slice(body).map_err(|e| VaultError::Decode {
        operation: operation.into(),
        detail: format!("line {} column {}", e.line(), e.column()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::error::MissingCapability;

    #[test]
    fn secret_values_serialize_only_into_the_body() {
        let data: BTreeMap<String, KvValue> = [
            ("client_id".to_string(), KvValue::Plain("c1".into())),
            (
                "client_secret".to_string(),
                KvValue::Secret(Secret::new("s3cr3t-value")),
            ),
        ]
        .into();
        let body = |kv, cas| -> Value {
            serde_json::from_slice(&write_body("write", kv, &data, cas).expect("encodes"))
                .expect("JSON")
        };
        assert_eq!(
            body(KvVersion::V2, Some(0)),
            json!({"data": {"client_id": "c1", "client_secret": "s3cr3t-value"}, "options": {"cas": 0}})
        );
        assert_eq!(
            body(KvVersion::V2, None),
            json!({"data": {"client_id": "c1", "client_secret": "s3cr3t-value"}})
        );
        assert_eq!(
            body(KvVersion::V1, Some(4)),
            json!({"client_id": "c1", "client_secret": "s3cr3t-value"})
        );
        assert!(!format!("{data:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn a_read_tells_deleted_and_destroyed_from_absent() {
        let answer = |kv, status: u16, body: Value| {
            let status = StatusCode::from_u16(status).expect("status");
            read_answer("read", kv, status, body.to_string().as_bytes())
                .expect("answer")
                .read
        };
        let deleted = json!({"data": {"data": null, "metadata": {"version": 3, "deletion_time": "2026-01-02T03:04:05Z", "destroyed": false}}});
        assert!(matches!(
            answer(KvVersion::V2, 404, deleted),
            KvRead::Deleted { version: 3, ref deletion_time } if deletion_time == "2026-01-02T03:04:05Z"
        ));
        let destroyed = json!({"data": {"data": null, "metadata": {"version": 4, "deletion_time": "", "destroyed": true}}});
        let read = answer(KvVersion::V2, 404, destroyed);
        assert!(matches!(read, KvRead::Destroyed { version: 4 }));
        assert_eq!(read.to_string(), "version 4, destroyed");
        assert!(matches!(
            answer(KvVersion::V2, 404, json!({"errors": []})),
            KvRead::Absent
        ));
        assert!(matches!(
            answer(KvVersion::V1, 404, Value::Null),
            KvRead::Absent
        ));
        let live = answer(
            KvVersion::V2,
            200,
            json!({"data": {"data": {"k": "v", "n": 1}, "metadata": {"version": 2}}}),
        )
        .live()
        .expect("live");
        assert_eq!(live.value("k").map(Secret::expose), Some("v"));
        assert_eq!(live.value("n").map(Secret::expose), Some("1"));
    }

    #[test]
    fn a_kv2_read_says_its_version_time_and_custom_metadata() {
        let body = json!({"data": {"data": {"k": "v"}, "metadata": {
            "version": 7, "created_time": "2026-02-03T04:05:06.789Z",
            "custom_metadata": {"managed-by": "terraform-provider-genesyscloud", "n": 1}}}});
        let read = read_answer(
            "read",
            KvVersion::V2,
            StatusCode::OK,
            body.to_string().as_bytes(),
        )
        .expect("answer");
        assert_eq!(read.version, Some(7));
        assert_eq!(
            read.created_time.as_deref(),
            Some("2026-02-03T04:05:06.789Z")
        );
        assert_eq!(
            read.custom_metadata.get("managed-by").map(String::as_str),
            Some("terraform-provider-genesyscloud")
        );
        assert_eq!(read.custom_metadata.len(), 1);
        let v1 = json!({"data": {"k": "v"}});
        let read = read_answer(
            "read",
            KvVersion::V1,
            StatusCode::OK,
            v1.to_string().as_bytes(),
        )
        .expect("answer");
        assert_eq!((read.version, read.created_time), (None, None));
        assert!(read.custom_metadata.is_empty() && read.read.live().is_some());
    }

    #[test]
    fn metadata_knows_whether_the_latest_version_is_live() {
        let md: KvMetadata = serde_json::from_value(json!({
            "current_version": 2, "custom_metadata": null,
            "versions": {"1": {"deletion_time": "", "destroyed": false}, "2": {"deletion_time": "2026-01-01T00:00:00Z", "destroyed": false}}
        }))
        .expect("valid");
        assert!(!md.latest_is_live());
        assert!(md.custom_metadata.is_empty());
    }

    #[test]
    fn paths_are_encoded_per_segment_and_debug_hides_the_token() {
        let client = VaultClient::new(VaultSettings {
            address: url::Url::parse("http://127.0.0.1:8200").expect("url"),
            auth: VaultAuth::Token {
                token: Secret::new("hvs.very-secret-token"),
                source: "VAULT_TOKEN".into(),
            },
            namespace: Some("team/".into()),
            ca_cert_pem: None,
            skip_tls_verify: false,
            read_only_plan: false,
            claims_mount: None,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(5),
            user_agent: "ua".into(),
        })
        .expect("client");
        assert!(!format!("{client:?}").contains("very-secret"));
        let entry = |m, p| KvPath::checked(m, p, ["mount", "path"]).expect("valid");
        assert_eq!(
            data_path(KvVersion::V2, &entry("secret", "a/b")),
            "secret/data/a/b"
        );
        assert_eq!(data_path(KvVersion::V1, &entry("kv1", "a/b")), "kv1/a/b");
        let token = Secret::new("hvs.very-secret-token");
        let req = client
            .transport
            .request(Method::GET, "secret/data/x", Some(&token))
            .build()
            .expect("request");
        assert_eq!(
            req.headers()
                .get("X-Vault-Namespace")
                .and_then(|v| v.to_str().ok()),
            Some("team/")
        );
        assert_eq!(req.url().as_str(), "http://127.0.0.1:8200/v1/secret/data/x");
    }

    #[test]
    fn a_missing_capability_names_the_path_and_the_policy_line() {
        let e = VaultError::MissingCapabilities {
            operation: "write secret/genesys/oauth/ci".into(),
            missing: vec![MissingCapability {
                api_path: "secret/data/genesys/oauth/ci".into(),
                capability: "update",
            }],
        };
        let text = e.to_string();
        assert!(
            text.contains(r#"lacks "update" on secret/data/genesys/oauth/ci"#)
                && text.contains(
                    r#"path "secret/data/genesys/oauth/ci" { capabilities = ["update"] }"#
                ),
            "{text}"
        );
    }

    #[test]
    fn errors_name_path_and_capability_without_values() {
        let e = VaultClient::failure(
            "write secret/x",
            StatusCode::FORBIDDEN,
            br#"{"errors":["permission denied"]}"#,
            "create/update",
            "secret/data/x",
        );
        let text = e.to_string();
        assert!(
            text.contains("\"create/update\" on secret/data/x"),
            "{text}"
        );
    }
}
