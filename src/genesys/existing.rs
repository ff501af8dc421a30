//! The organization's OAuth clients as they were before this provider
//! process created any: listed once, at the first create, so that a create
//! whose name is already taken can say so. A client left behind by an
//! interrupted apply (its create carried out, its answer never received)
//! looks exactly like that.
//!
//! Nothing here adopts a client: Genesys Cloud allows duplicate names, and
//! only the user knows whether an older client of the same name is a
//! leftover or someone else's; importing it is their call.
//!
//! The check is advice, not a condition: when the listing fails (after its
//! retries), the failure is kept too, so every create of the process reports
//! it once and goes on without listing again.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Mutex;

use super::error::GenesysError;
use super::model::OAuthClient;

/// The clients listed at the first create, shared by every create of the
/// process.
#[derive(Debug, Default)]
pub struct ExistingClients {
    listed: tokio::sync::OnceCell<Result<Vec<OAuthClient>, String>>,
    deleted_since: Mutex<HashSet<String>>,
}

impl ExistingClients {
    /// The clients named `name` that existed before this process's first
    /// create and still do as far as this process knows, or why they could
    /// not be listed. The first call lists them with `list`; concurrent
    /// first calls wait for that one listing, and later calls use it (or
    /// its failure).
    pub async fn named<F, Fut>(&self, name: &str, list: F) -> Result<Vec<OAuthClient>, String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<OAuthClient>, GenesysError>>,
    {
        let listed = self
            .listed
            .get_or_init(|| async { list().await.map_err(|e| e.to_string()) })
            .await
            .as_ref()
            .map_err(Clone::clone)?;
        let deleted = self.deleted_since.lock().unwrap_or_else(|e| e.into_inner());
        Ok(listed
            .iter()
            .filter(|c| c.name == name && !c.is_deleted() && !deleted.contains(&c.id))
            .cloned()
            .collect())
    }

    /// Forgets a client this process deleted (a replacement deletes the
    /// old client, then creates one with the same name).
    pub fn forget(&self, id: &str) {
        self.deleted_since
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn client(id: &str, name: &str, state: &str) -> OAuthClient {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "authorizedGrantType": "CLIENT-CREDENTIALS",
            "state": state, "dateCreated": "2026-01-01T00:00:00Z"
        }))
        .expect("valid")
    }

    #[tokio::test]
    async fn the_org_is_listed_once_and_names_are_matched_exactly() {
        let existing = ExistingClients::default();
        let listings = AtomicUsize::new(0);
        let list = || async {
            listings.fetch_add(1, Ordering::SeqCst);
            Ok(vec![
                client("a", "ci", "active"),
                client("b", "ci", "inactive"),
                client("c", "ci", "deleted"),
                client("d", "CI", "active"),
            ])
        };
        let (first, second) = tokio::join!(existing.named("ci", list), existing.named("ci", list));
        let ids = |found: Vec<OAuthClient>| found.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(first.expect("listed")), ["a", "b"]);
        assert_eq!(ids(second.expect("listed")), ["a", "b"]);
        existing.forget("a");
        assert_eq!(
            ids(existing.named("ci", list).await.expect("cached")),
            ["b"]
        );
        assert!(existing
            .named("other", list)
            .await
            .expect("cached")
            .is_empty());
        assert_eq!(listings.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_listing_is_reported_and_not_repeated() {
        let existing = ExistingClients::default();
        let listings = AtomicUsize::new(0);
        let list = || async {
            listings.fetch_add(1, Ordering::SeqCst);
            Err(GenesysError::Incomplete {
                operation: "list OAuth clients".into(),
                detail: "gave up".into(),
            })
        };
        for _ in 0..2 {
            let e = existing.named("ci", list).await.expect_err("failed");
            assert!(e.contains("list OAuth clients"), "{e}");
        }
        assert_eq!(listings.load(Ordering::SeqCst), 1);
    }
}
