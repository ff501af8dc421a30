//! The OAuth client endpoints: list, read, create (with adoption after a
//! lost answer), update, delete and secret regeneration. Every call goes
//! through the client's retry loop (`client.rs`); a 404 for a client that
//! is still propagating is waited out (`consistency.rs`). Reads of one client
//! are shared, and every write forgets them (`read_cache.rs`).

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::Method;
use time::OffsetDateTime;
use tracing::{info, warn};

use super::client::{decode, CallFailure, GenesysClient, Repeat};
use super::consistency::{pause, CONFIRM_PAUSE};
use super::error::GenesysError;
use super::listing::{self, Listing};
use super::lost_create::{self, newest_created_since, Created};
use super::model::{ClientWithSecret, OAuthClient, OAuthClientRequest};
use crate::secret::Secret;

/// The client listing: by page number, 100 a page (the API's maximum).
const LISTING: Listing = Listing::Numbered {
    path: "/api/v2/oauth/clients",
    page_size: 100,
};
/// How long a delete waits for the client to disappear.
const DELETE_WAIT: Duration = Duration::from_secs(120);
/// How long a new client may be missing from the listing (the official
/// provider's data source waits as long for it), within the consistency
/// window.
const LIST_LAG: Duration = Duration::from_secs(15);

impl GenesysClient {
    /// Every OAuth client of the organization, all pages.
    ///
    /// No SDK documents paging parameters for this endpoint: the paging
    /// loop (`listing.rs`) ends at a page that brings no client not seen
    /// before, so a server that ignores `pageNumber` cannot make clients
    /// appear twice.
    pub async fn list_clients(&self) -> Result<Vec<OAuthClient>, GenesysError> {
        let page = |path: String| async move { self.get_json("list OAuth clients", &path).await };
        listing::all(LISTING, page, |c: &OAuthClient| c.id.as_str()).await
    }

    /// The clients with exactly this name, leaving out those being deleted.
    pub async fn find_clients_by_name(&self, name: &str) -> Result<Vec<OAuthClient>, GenesysError> {
        Ok(self
            .list_clients()
            .await?
            .into_iter()
            .filter(|c| c.name == name && !c.is_deleted())
            .collect())
    }

    /// Like [`Self::find_clients_by_name`], but a name that matches nothing
    /// is looked up again for up to `LIST_LAG` (within the consistency
    /// window): a client created moments ago may not be listed yet.
    pub async fn find_clients_by_name_settled(
        &self,
        name: &str,
    ) -> Result<Vec<OAuthClient>, GenesysError> {
        let until = Instant::now() + LIST_LAG.min(self.propagation().window());
        let mut attempt = 0;
        loop {
            let found = self.find_clients_by_name(name).await?;
            if !found.is_empty() || Instant::now() >= until {
                return Ok(found);
            }
            sleep_until_at_most(until, pause(attempt)).await;
            attempt += 1;
        }
    }

    /// One client, or `None` when Genesys does not know it. A 404 is waited
    /// out while the client may still be propagating: within the
    /// consistency window after this process created it or regenerated its
    /// secret, or after `created_at` (when the caller's state recorded the
    /// creation time). Outside any window a 404 is confirmed by a second
    /// read after [`CONFIRM_PAUSE`]: one lagging answer never counts as
    /// "gone".
    pub async fn get_client(
        &self,
        id: &str,
        created_at: Option<OffsetDateTime>,
    ) -> Result<Option<OAuthClient>, GenesysError> {
        let mut attempt = 0;
        let mut confirmed = false;
        loop {
            if let Some(client) = self.fetch_client(id).await? {
                return Ok(Some(client));
            }
            match self.propagation().settles_at(id, created_at) {
                Some(until) => {
                    info!(
                        client_id = id,
                        "OAuth client not visible yet; waiting for Genesys Cloud to propagate it"
                    );
                    sleep_until_at_most(until, pause(attempt)).await;
                    attempt += 1;
                }
                None if !confirmed => {
                    confirmed = true;
                    tokio::time::sleep(CONFIRM_PAUSE).await;
                }
                None => return Ok(None),
            }
        }
    }

    /// One read, shared with concurrent and recent readers of the same client
    /// (`read_cache.rs`): `None` on a 404, whatever its cause.
    async fn fetch_client(&self, id: &str) -> Result<Option<OAuthClient>, GenesysError> {
        self.reads.read(id, || self.read_client(id)).await
    }

    /// One GET of its own: `None` on a 404, whatever its cause.
    async fn read_client(&self, id: &str) -> Result<Option<OAuthClient>, GenesysError> {
        let operation = format!("read OAuth client {id}");
        match self.get_json(&operation, &client_path(id)).await {
            Ok(client) => Ok(Some(client)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Runs `call` on client `id`, waiting out 404s while the client may
    /// still be propagating after this process's own change.
    async fn through_propagation<T, F, Fut>(&self, id: &str, mut call: F) -> Result<T, GenesysError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, GenesysError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(e) if e.is_not_found() => match self.propagation().settles_at(id, None) {
                    Some(until) => {
                        info!(client_id = id, "OAuth client not visible yet; waiting for Genesys Cloud to propagate it");
                        sleep_until_at_most(until, pause(attempt)).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }

    /// Creates a client. The answer carries its secret, which the caller must
    /// either sink or drop.
    ///
    /// Creating is not idempotent: when an attempt fails in a way that leaves
    /// open whether the client was made (a 5xx, a lost answer), the clients
    /// are listed once (`lost_create.rs`), and one with this name and grant
    /// type created since the first attempt is adopted instead of creating a
    /// second one. An adopted client comes without its secret.
    ///
    /// Clients that already had this name before the process's first create
    /// are reported in [`CreatedClient::same_name`] (never adopted).
    pub async fn create_client(
        &self,
        request: &OAuthClientRequest,
    ) -> Result<CreatedClient, GenesysError> {
        let operation = format!("create OAuth client {:?}", request.name);
        let same_name = self
            .existing
            .named(&request.name, || self.list_clients())
            .await;
        let started_wall = time::OffsetDateTime::now_utc();
        // What a look lists may lag behind a create by this much.
        let lag = LIST_LAG.min(self.propagation().window());
        let post = || async {
            let (_, body) = self
                .call(
                    &operation,
                    Method::POST,
                    "/api/v2/oauth/clients",
                    Some(request),
                    Repeat::Unsafe,
                )
                .await?;
            decode::<ClientWithSecret>(&operation, &body).map_err(|error| CallFailure {
                error,
                ambiguous: false,
            })
        };
        // A client that had the name before this process's first create is
        // not the one this create made (a leftover of an interrupted apply,
        // minutes old, would otherwise pass for it).
        let find = || async {
            Ok(self
                .find_created(request, started_wall)
                .await?
                .filter(|found| same_name.iter().flatten().all(|c| c.id != found.id)))
        };
        let (client, secret, adopted) =
            match lost_create::create(self.retry(), lag, post, find).await? {
                Created::Answered(created) => (created.client, created.secret, false),
                Created::Found(found) => {
                    warn!(client_id = %found.id, "adopting the client the lost create made");
                    (found, None, true)
                }
            };
        self.propagation().note(&client.id);
        // The answer is the client as made; a client found by a look is
        // read again when asked for.
        if adopted {
            self.reads.forget(&client.id);
        } else {
            self.reads.remember(&client.id, client.clone());
        }
        Ok(CreatedClient {
            client,
            secret,
            adopted,
            same_name,
        })
    }

    /// The newest client matching `request` created since `since` (less the
    /// allowed clock skew): what a create whose answer was lost may have made.
    async fn find_created(
        &self,
        request: &OAuthClientRequest,
        since: time::OffsetDateTime,
    ) -> Result<Option<OAuthClient>, GenesysError> {
        let wanted_grant = super::model::canonical_grant_type(&request.authorized_grant_type);
        let candidates = self
            .find_clients_by_name(&request.name)
            .await?
            .into_iter()
            // List entries may leave the grant type out (the SDKs' listing
            // type has none): only a grant that is there and differs excludes.
            .filter(|c| {
                c.authorized_grant_type.is_empty()
                    || super::model::canonical_grant_type(&c.authorized_grant_type) == wanted_grant
            });
        Ok(newest_created_since(
            candidates,
            |c| c.date_created.as_deref(),
            since,
        ))
    }

    /// Replaces a client (full PUT).
    pub async fn update_client(
        &self,
        id: &str,
        request: &OAuthClientRequest,
    ) -> Result<OAuthClient, GenesysError> {
        let operation = format!("update OAuth client {id}");
        let _writing = self.reads.writing(id);
        let body = self
            .through_propagation(id, || async {
                self.call(
                    &operation,
                    Method::PUT,
                    &client_path(id),
                    Some(request),
                    Repeat::Safe,
                )
                .await
                .map(|(_, body)| body)
                .map_err(GenesysError::from)
            })
            .await?;
        decode(&operation, &body)
    }

    /// Deletes a client: deactivates it, deletes it, and waits until Genesys
    /// no longer answers it (or answers it as deleted). A client that is
    /// already gone is not an error. The deactivating PUT replaces the whole
    /// client: fields Genesys leaves out of its answer are taken from
    /// `known` (the caller's last write).
    pub async fn delete_client(
        &self,
        id: &str,
        known: &OAuthClientRequest,
    ) -> Result<(), GenesysError> {
        let operation = format!("delete OAuth client {id}");
        self.existing.forget(id);
        let _writing = self.reads.writing(id);
        let Some(current) = self.get_client(id, None).await? else {
            return Ok(());
        };
        if !current.is_deleted() {
            if current.state.as_deref() != Some("inactive") {
                let mut request = current.to_request_over(known);
                request.state = "inactive".into();
                self.update_client(id, &request).await?;
            }
            let deleted = self
                .through_propagation(id, || async {
                    self.call::<()>(
                        &operation,
                        Method::DELETE,
                        &client_path(id),
                        None,
                        Repeat::Safe,
                    )
                    .await
                    .map_err(GenesysError::from)
                })
                .await;
            match deleted {
                Ok(_) => {}
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        let started = Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            // A GET of its own each time: polling waits for a change.
            match self.read_client(id).await? {
                None => return Ok(()),
                Some(c) if c.is_deleted() => return Ok(()),
                // Clients older than 30 days deactivate for seven days
                // before Genesys removes them: scheduled is done.
                Some(c) if c.date_to_delete.is_some() => {
                    info!(
                        client_id = id,
                        date_to_delete = c.date_to_delete.as_deref().unwrap_or(""),
                        "OAuth client scheduled for deletion by Genesys Cloud"
                    );
                    return Ok(());
                }
                Some(_) if started.elapsed() > DELETE_WAIT => {
                    return Err(GenesysError::Incomplete {
                        operation,
                        detail: format!(
                            "the client was still present {} s after DELETE",
                            DELETE_WAIT.as_secs()
                        ),
                    })
                }
                Some(_) => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    /// Regenerates a client's secret (`POST …/secret`). The previous secret
    /// stops working. Repeating is harmless: the last secret returned wins.
    pub async fn regenerate_secret(&self, id: &str) -> Result<(OAuthClient, Secret), GenesysError> {
        let operation = format!("regenerate the secret of OAuth client {id}");
        let path = format!("{}/secret", client_path(id));
        let _writing = self.reads.writing(id);
        let body = self
            .through_propagation(id, || async {
                self.call::<()>(&operation, Method::POST, &path, None, Repeat::Safe)
                    .await
                    .map(|(_, body)| body)
                    .map_err(GenesysError::from)
            })
            .await?;
        let answer: ClientWithSecret = decode(&operation, &body)?;
        self.propagation().note(id);
        match answer.secret {
            Some(secret) if !secret.is_empty() => Ok((answer.client, secret)),
            _ => Err(GenesysError::Incomplete {
                operation,
                detail: "the answer carried no secret".into(),
            }),
        }
    }
}

/// What [`GenesysClient::create_client`] made or found.
#[derive(Debug)]
pub struct CreatedClient {
    /// The client.
    pub client: OAuthClient,
    /// Its secret; `None` when the client was adopted after a lost answer.
    pub secret: Option<Secret>,
    /// True when the create's answer was lost and the client was found by listing.
    pub adopted: bool,
    /// Clients that already had this name before this process's first
    /// create (perhaps left behind by an interrupted apply), or why they
    /// could not be listed.
    pub same_name: Result<Vec<OAuthClient>, String>,
}

fn client_path(id: &str) -> String {
    format!("/api/v2/oauth/clients/{}", crate::http::encode_segment(id))
}

/// Sleeps `pause`, or less if `until` comes sooner.
async fn sleep_until_at_most(until: Instant, pause: Duration) {
    let left = until.saturating_duration_since(Instant::now());
    tokio::time::sleep(pause.min(left)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::{ClientSettings, LoginCredentials};
    use genesys_emulator::{Emulator, EmulatorConfig};

    fn client_of(emulator: &Emulator) -> GenesysClient {
        let config = EmulatorConfig::default();
        let credentials = LoginCredentials::ClientCredentials {
            client_id: config.admin_client_id,
            client_secret: Secret::new(config.admin_client_secret),
        };
        GenesysClient::new(ClientSettings::for_tests(&emulator.base_url(), credentials))
            .expect("client")
    }

    fn request(name: &str) -> OAuthClientRequest {
        OAuthClientRequest {
            name: name.into(),
            access_token_validity_seconds: 3600,
            authorized_grant_type: "CLIENT-CREDENTIALS".into(),
            state: "active".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_client_is_read_once_until_it_is_written() {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("emulator");
        let genesys = client_of(&emulator);
        let id = genesys
            .create_client(&request("shared-reads"))
            .await
            .expect("create")
            .client
            .id;
        let path = format!("/api/v2/oauth/clients/{id}");
        let gets = || emulator.request_count("GET", &path);

        // The create's answer is the client as made: its sink does not
        // read it again.
        let created = genesys.get_client(&id, None).await.expect("read");
        assert_eq!(created.map(|c| c.name).as_deref(), Some("shared-reads"));
        assert_eq!(gets(), 0);

        // Each write makes the next read go to Genesys, and see the write.
        let mut renamed = request("shared-reads-renamed");
        genesys.update_client(&id, &renamed).await.expect("update");
        // A client resource and its sink, at once and then again: one GET.
        let (a, b) = tokio::join!(genesys.get_client(&id, None), genesys.get_client(&id, None));
        for read in [a, b] {
            assert_eq!(
                read.expect("read").map(|c| c.name),
                Some(renamed.name.clone())
            );
        }
        assert!(genesys.get_client(&id, None).await.expect("read").is_some());
        assert_eq!(gets(), 1);
        genesys.regenerate_secret(&id).await.expect("regenerate");
        genesys.get_client(&id, None).await.expect("read");
        assert_eq!(gets(), 2);
        renamed.name = "shared-reads-gone".into();
        genesys.delete_client(&id, &renamed).await.expect("delete");
        let after = gets();
        assert_eq!(genesys.get_client(&id, None).await.expect("read"), None);
        // Gone outside any window: the 404 was confirmed by a second GET,
        // and a 404 is never reused.
        assert_eq!(gets(), after + 2);
        assert_eq!(genesys.get_client(&id, None).await.expect("read"), None);
        assert_eq!(gets(), after + 4);
    }
}
