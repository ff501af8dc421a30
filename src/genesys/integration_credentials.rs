//! Integration credentials (`/api/v2/integrations/credentials`): what
//! Genesys Cloud integrations such as data actions authenticate with. This
//! provider makes only `pureCloudOAuthClient` credentials, holding one OAuth
//! client's id and secret. The secret leaves the process only inside a POST
//! or PUT body ([`OAuthClientCredential`] serializes it, and formats as
//! `***`); Genesys answers credential info, and a credential's GET its
//! fields "with sensitive fields redacted": nothing here reads a secret
//! back, but that GET may show the client id a credential holds
//! ([`CredentialInfo::holder`]), which is how the provider tells whose a
//! credential is ([`GenesysClient::find_held`]). Credentials are listed
//! through the cursor listing (`…/credentials/listing`; the page-number
//! listing is deprecated), read whole by the one paging loop
//! (`listing.rs`). Every call goes through the client's retry loop
//! (`client.rs`); a create whose answer is lost is never repeated blindly.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use tracing::{info, warn};

use super::client::{decode, CallFailure, GenesysClient, Repeat};
use super::consistency::CONFIRM_PAUSE;
use super::error::GenesysError;
use super::listing::{self, Listing};
use super::lost_create::{self, newest_created_since, Created};
use crate::secret::Secret;

/// The credential type that holds an OAuth client's id and secret.
pub const OAUTH_CLIENT_CREDENTIAL_TYPE: &str = "pureCloudOAuthClient";
/// The collection's path.
const CREDENTIALS: &str = "/api/v2/integrations/credentials";
/// The credential listing: by cursor, 200 a page (the API's maximum).
const LISTING: Listing = Listing::Cursor {
    path: "/api/v2/integrations/credentials/listing",
    page_size: 200,
};

/// Body of POST and PUT: a `pureCloudOAuthClient` credential named `name`
/// holding `client_id` and `client_secret`. PUT replaces name and fields, so
/// every write carries the secret.
#[derive(Debug)]
pub struct OAuthClientCredential {
    /// Credential name.
    pub name: String,
    /// The OAuth client's id (`credentialFields.clientId`).
    pub client_id: String,
    /// Its secret (`credentialFields.clientSecret`).
    pub client_secret: Secret,
}

/// The wire shape of [`OAuthClientCredential`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialBody<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    credential_type: TypeRef<'a>,
    credential_fields: OAuthClientFields<'a>,
}

#[derive(Serialize)]
struct TypeRef<'a> {
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OAuthClientFields<'a> {
    client_id: &'a str,
    client_secret: &'a str,
}

impl Serialize for OAuthClientCredential {
    /// The request body: the one place the secret is exposed.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CredentialBody {
            name: &self.name,
            credential_type: TypeRef {
                name: OAUTH_CLIENT_CREDENTIAL_TYPE,
            },
            credential_fields: OAuthClientFields {
                client_id: &self.client_id,
                client_secret: self.client_secret.expose(),
            },
        }
        .serialize(serializer)
    }
}

/// A credential as Genesys answers it: credential info (listings, create
/// and update answers), or the credential of a GET, whose fields are
/// redacted (never a secret; perhaps the client id).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    /// Credential id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Its type (`pureCloudOAuthClient` for those this provider makes).
    #[serde(default, rename = "type")]
    pub credential_type: Option<CredentialType>,
    /// ISO-8601 creation time.
    #[serde(default)]
    pub created_date: Option<String>,
    /// What a GET shows of its fields.
    #[serde(default)]
    pub credential_fields: Option<ShownFields>,
}

/// The fields a credential's GET shows once the sensitive ones are
/// redacted. Only the client id is read: never a secret.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShownFields {
    /// The OAuth client whose id the credential holds, when shown.
    #[serde(default)]
    pub client_id: Option<String>,
}

impl std::fmt::Debug for ShownFields {
    /// The client id only: whatever else an answer carries is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownFields")
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// A credential's type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CredentialType {
    /// Type name.
    #[serde(default)]
    pub name: String,
}

impl CredentialInfo {
    /// True for a credential that holds an OAuth client's id and secret.
    pub fn is_oauth_client(&self) -> bool {
        self.credential_type
            .as_ref()
            .is_some_and(|t| t.name == OAUTH_CLIENT_CREDENTIAL_TYPE)
    }

    /// The OAuth client whose id this credential holds, when the answer
    /// shows it (a GET may; listings never do).
    pub fn holder(&self) -> Option<&str> {
        self.credential_fields
            .as_ref()
            .and_then(|f| f.client_id.as_deref())
            .filter(|id| !id.is_empty())
    }
}

/// Whose the credentials of one name are, as their GETs show it
/// ([`GenesysClient::find_held`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Exactly one of them holds the client's id.
    One(CredentialInfo),
    /// None of them does, and every one showed whose it is.
    None,
    /// Several hold the client's id (their ids): none can be told apart.
    Several(Vec<String>),
    /// None is shown to hold the client's id, and this many of the name
    /// do not show whose they are.
    NotShown(usize),
}

/// What the GETs of `credentials` say about client `client_id`.
pub fn held_by(client_id: &str, credentials: Vec<CredentialInfo>) -> Held {
    let unshown = credentials.iter().filter(|c| c.holder().is_none()).count();
    let mut held: Vec<CredentialInfo> = credentials
        .into_iter()
        .filter(|c| c.holder() == Some(client_id))
        .collect();
    match held.len() {
        0 if unshown > 0 => Held::NotShown(unshown),
        0 => Held::None,
        1 => held.pop().map_or(Held::None, Held::One),
        _ => Held::Several(held.into_iter().map(|c| c.id).collect()),
    }
}

impl GenesysClient {
    /// Creates a credential holding an OAuth client's id and secret.
    ///
    /// Creating is not idempotent: when an attempt fails in a way that
    /// leaves open whether the credential was made (a 5xx, a lost answer),
    /// the credentials are listed once (`lost_create.rs`). A credential of
    /// this name that was not there before the first attempt, created since,
    /// is what the lost create made, and holds exactly these fields: it is
    /// adopted instead of making a second one. Credentials listed before the
    /// first attempt are never adopted: the lost create did not make them
    /// (one may even hold this client's id, with an older secret). When more
    /// than one new credential of the name appears (a concurrent create
    /// elsewhere), their GETs say whose each is where they show it: the one
    /// holding this client's id is adopted; when that cannot be told,
    /// none is and nothing is written.
    pub async fn create_credential(
        &self,
        request: &OAuthClientCredential,
    ) -> Result<CredentialInfo, GenesysError> {
        let operation = format!("create integration credential {:?}", request.name);
        let before: HashSet<String> = self
            .find_credentials_by_name(&request.name)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let started_wall = OffsetDateTime::now_utc();
        let post = || async {
            let (_, body) = self
                .call(
                    &operation,
                    Method::POST,
                    CREDENTIALS,
                    Some(request),
                    Repeat::Unsafe,
                )
                .await?;
            decode::<CredentialInfo>(&operation, &body).map_err(|error| CallFailure {
                error,
                ambiguous: false,
            })
        };
        let find = || self.find_created_credential(&operation, request, &before, started_wall);
        match lost_create::create(self.retry(), Duration::ZERO, post, find).await? {
            Created::Answered(made) => Ok(made),
            Created::Found(found) => {
                warn!(credential_id = %found.id, "adopting the credential the lost create made");
                Ok(found)
            }
        }
    }

    /// The credential named `name` that a create whose answer was lost made:
    /// of the `pureCloudOAuthClient` credentials of that name not in
    /// `before`, the one created since `since` (less the allowed clock
    /// skew); an error when there are several.
    async fn find_created_credential(
        &self,
        operation: &str,
        request: &OAuthClientCredential,
        before: &HashSet<String>,
        since: OffsetDateTime,
    ) -> Result<Option<CredentialInfo>, GenesysError> {
        let name = &request.name;
        let mut new: Vec<CredentialInfo> = self
            .find_credentials_by_name(name)
            .await?
            .into_iter()
            .filter(|c| c.is_oauth_client() && !before.contains(&c.id))
            .collect();
        if new.len() > 1 {
            // Their GETs may say whose each is: another client's is not
            // what this create made.
            let read = self.read_each(&new).await?;
            if let Held::One(ours) = held_by(&request.client_id, read.clone()) {
                return Ok(new.into_iter().find(|c| c.id == ours.id));
            }
            let others: HashSet<String> = read
                .into_iter()
                .filter(|c| c.holder().is_some_and(|h| h != request.client_id))
                .map(|c| c.id)
                .collect();
            new.retain(|c| !others.contains(&c.id));
        }
        if new.len() > 1 {
            let ids: Vec<&str> = new.iter().map(|c| c.id.as_str()).collect();
            return Err(GenesysError::Incomplete {
                operation: operation.to_string(),
                detail: format!(
                    "the answer was lost, and since then {} credentials named {name:?} appeared ({}); which one this create made cannot be told, so none is used. Delete the extra ones in Genesys Cloud and apply again",
                    new.len(),
                    ids.join(", ")
                ),
            });
        }
        Ok(newest_created_since(
            new,
            |c| c.created_date.as_deref(),
            since,
        ))
    }

    /// One credential, or `None` when Genesys does not know it. A 404 is
    /// confirmed by a second read after [`CONFIRM_PAUSE`]: one lagging
    /// answer never counts as "deleted".
    pub async fn get_credential(&self, id: &str) -> Result<Option<CredentialInfo>, GenesysError> {
        let operation = format!("read integration credential {id}");
        let mut confirmed = false;
        loop {
            match self.get_json(&operation, &credential_path(id)).await {
                Ok(credential) => return Ok(Some(credential)),
                Err(e) if e.is_not_found() && !confirmed => {
                    confirmed = true;
                    tokio::time::sleep(CONFIRM_PAUSE).await;
                }
                Err(e) if e.is_not_found() => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Replaces a credential's name and fields (PUT).
    pub async fn update_credential(
        &self,
        id: &str,
        request: &OAuthClientCredential,
    ) -> Result<CredentialInfo, GenesysError> {
        let operation = format!("update integration credential {id}");
        let (_, body) = self
            .call(
                &operation,
                Method::PUT,
                &credential_path(id),
                Some(request),
                Repeat::Safe,
            )
            .await?;
        decode(&operation, &body)
    }

    /// Deletes a credential. One that is already gone is not an error.
    pub async fn delete_credential(&self, id: &str) -> Result<(), GenesysError> {
        let operation = format!("delete integration credential {id}");
        match self
            .call::<()>(
                &operation,
                Method::DELETE,
                &credential_path(id),
                None,
                Repeat::Safe,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(f) if f.error.is_not_found() => {
                info!(credential_id = id, "integration credential already gone");
                Ok(())
            }
            Err(f) => Err(f.error),
        }
    }

    /// Every integration credential of the organization, all pages of the
    /// cursor listing (`listing.rs`).
    pub async fn list_credentials(&self) -> Result<Vec<CredentialInfo>, GenesysError> {
        let page = |path: String| async move {
            self.get_json("list integration credentials", &path).await
        };
        listing::all(LISTING, page, |c: &CredentialInfo| c.id.as_str()).await
    }

    /// The GET of each of `credentials` that still exists.
    async fn read_each(
        &self,
        credentials: &[CredentialInfo],
    ) -> Result<Vec<CredentialInfo>, GenesysError> {
        let mut read = Vec::with_capacity(credentials.len());
        for c in credentials {
            if let Some(found) = self.get_credential(&c.id).await? {
                read.push(found);
            }
        }
        Ok(read)
    }

    /// Whose the `pureCloudOAuthClient` credentials named `name` are, for
    /// client `client_id`: listed by name, then each read (its GET is what
    /// may show the client id it holds). A name alone never makes a
    /// credential this client's.
    pub async fn find_held(&self, name: &str, client_id: &str) -> Result<Held, GenesysError> {
        let named: Vec<CredentialInfo> = self
            .find_credentials_by_name(name)
            .await?
            .into_iter()
            .filter(CredentialInfo::is_oauth_client)
            .collect();
        Ok(held_by(client_id, self.read_each(&named).await?))
    }

    /// The credentials with exactly this name.
    pub async fn find_credentials_by_name(
        &self,
        name: &str,
    ) -> Result<Vec<CredentialInfo>, GenesysError> {
        Ok(self
            .list_credentials()
            .await?
            .into_iter()
            .filter(|c| c.name == name)
            .collect())
    }
}

fn credential_path(id: &str) -> String {
    format!("{CREDENTIALS}/{}", crate::http::encode_segment(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::{ClientSettings, LoginCredentials};
    use crate::retry::RetryPolicy;
    use genesys_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};
    use std::time::Duration;

    fn request(secret: &str) -> OAuthClientCredential {
        OAuthClientCredential {
            name: "actions".into(),
            client_id: "c1".into(),
            client_secret: Secret::new(secret),
        }
    }

    #[test]
    fn the_secret_is_only_in_the_body() {
        let r = request("s3cret-value");
        assert_eq!(
            serde_json::to_value(&r).expect("serializes"),
            serde_json::json!({
                "name": "actions",
                "type": {"name": "pureCloudOAuthClient"},
                "credentialFields": {"clientId": "c1", "clientSecret": "s3cret-value"}
            })
        );
        assert!(!format!("{r:?}").contains("s3cret-value"));
    }

    #[test]
    fn info_decodes_without_fields() {
        let info: CredentialInfo = serde_json::from_value(serde_json::json!({
            "id": "k1", "name": "actions", "type": {"name": "pureCloudOAuthClient", "displayOrder": []},
            "createdDate": "2026-01-01T00:00:00.000Z", "modifiedDate": "2026-01-01T00:00:00.000Z",
            "selfUri": "/api/v2/integrations/credentials/k1"
        }))
        .expect("valid");
        assert!(info.is_oauth_client());
        let bare: CredentialInfo =
            serde_json::from_value(serde_json::json!({"id": "k2"})).expect("valid");
        assert!(!bare.is_oauth_client());
    }

    #[test]
    fn whose_a_credential_is_comes_from_its_get_never_its_name() {
        let read = |id: &str, fields: serde_json::Value| -> CredentialInfo {
            serde_json::from_value(serde_json::json!({
                "id": id, "name": "actions", "type": {"name": "pureCloudOAuthClient"},
                "credentialFields": fields,
            }))
            .expect("valid")
        };
        let mine = read("k1", serde_json::json!({"clientId": "c1"}));
        let other = read("k2", serde_json::json!({"clientId": "c2"}));
        let hidden = read("k3", serde_json::json!({}));
        assert_eq!(mine.holder(), Some("c1"));
        assert_eq!(hidden.holder(), None);
        // A redacted secret, if an answer carried one, is never kept.
        let redacted = read(
            "k4",
            serde_json::json!({"clientId": "c1", "clientSecret": "s3cret"}),
        );
        assert!(!format!("{redacted:?}").contains("s3cret"));
        assert_eq!(
            held_by("c1", vec![other.clone(), mine.clone()]),
            Held::One(mine.clone())
        );
        assert_eq!(held_by("c1", vec![other.clone()]), Held::None);
        assert_eq!(
            held_by("c1", vec![other.clone(), hidden.clone()]),
            Held::NotShown(1)
        );
        assert_eq!(
            held_by("c1", vec![mine.clone(), hidden]),
            Held::One(mine.clone())
        );
        assert_eq!(
            held_by("c1", vec![mine, redacted]),
            Held::Several(vec!["k1".into(), "k4".into()])
        );
        assert_eq!(held_by("c1", vec![]), Held::None);
    }

    async fn client_for(emu: &Emulator) -> GenesysClient {
        let credentials = LoginCredentials::ClientCredentials {
            client_id: "emulator-admin".into(),
            client_secret: Secret::new("emulator-admin-secret"),
        };
        GenesysClient::new(ClientSettings {
            retry: RetryPolicy {
                base_delay: Duration::from_millis(10),
                ..RetryPolicy::default()
            },
            ..ClientSettings::for_tests(&emu.base_url(), credentials)
        })
        .expect("client")
    }

    #[tokio::test]
    async fn a_lost_create_answer_adopts_the_credential_it_made_never_an_older_one() {
        let emu = Emulator::start(EmulatorConfig::default())
            .await
            .expect("start");
        emu.inject(
            FaultRule::new(FaultKind::DropResponse)
                .method("POST")
                .path(CREDENTIALS)
                .times(1),
        );
        let genesys = client_for(&emu).await;
        let created = genesys
            .create_credential(&request("first"))
            .await
            .expect("created");
        let stored = emu.credentials();
        assert_eq!(stored.len(), 1, "no duplicate");
        assert_eq!(stored[0].id, created.id);
        assert_eq!(stored[0].fields["clientSecret"], "first");
        assert_eq!(emu.request_count("POST", CREDENTIALS), 1);
        // A credential of the same name made before a create is never
        // adopted by it, even when its answer is lost again.
        emu.inject(
            FaultRule::new(FaultKind::Status503)
                .method("POST")
                .path(CREDENTIALS)
                .times(1),
        );
        let second = genesys
            .create_credential(&request("second"))
            .await
            .expect("created");
        assert_ne!(second.id, created.id);
        let first = emu.credentials().into_iter().find(|c| c.id == created.id);
        assert_eq!(
            first.map(|c| c.fields["clientSecret"].clone()).as_deref(),
            Some("first")
        );
        genesys
            .delete_credential(&second.id)
            .await
            .expect("deleted");

        let got = genesys.get_credential(&created.id).await.expect("read");
        assert_eq!(got.map(|c| c.name), Some("actions".to_string()));
        genesys
            .delete_credential(&created.id)
            .await
            .expect("deleted");
        genesys
            .delete_credential(&created.id)
            .await
            .expect("a second delete is not an error");
        assert_eq!(
            genesys.get_credential(&created.id).await.expect("read"),
            None
        );
        assert!(emu.credentials().is_empty());
    }
}
