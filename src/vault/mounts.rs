//! The KV version of each mount, looked up once per provider process. What
//! it keeps true:
//!
//! - callers that ask for a mount while its lookup is under way share that
//!   one request (single flight), its refusal included (no such mount, not
//!   a mount, not KV);
//! - only a KV version is kept once the lookup has ended: a refusal is
//!   asked again by the next caller that did not wait for that very
//!   request, and a lookup that failed (transport, unexpected status) is
//!   made again by the next caller, waiting or not;
//! - a caller cancelled while it runs the lookup leaves it to the next one.
//!
//! The sharing is `crate::single_flight`'s; this file says what is kept.

use std::future::Future;
use std::time::Duration;

use crate::single_flight::SingleFlight;

use super::error::VaultError;

/// KV engine version of a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvVersion {
    /// Unversioned.
    V1,
    /// Versioned, with metadata and check-and-set.
    V2,
}

/// Why a mount cannot hold a sink's entry: a definite answer from Vault,
/// shared by the callers that waited for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Refused (403) or not found (404).
    Unknown,
    /// A path inside this mount, not a mount.
    NotAMount(String),
    /// A secrets engine of this kind, not KV.
    NotKv(String),
}

impl Refusal {
    /// The error a caller returns for `mount`.
    fn error(self, mount: &str) -> VaultError {
        let mount = mount.to_string();
        match self {
            Refusal::Unknown => VaultError::MountUnknown { mount },
            Refusal::NotAMount(found) => VaultError::NotAMount { mount, found },
            Refusal::NotKv(kind) => VaultError::NotKv { mount, kind },
        }
    }
}

/// What one lookup found.
pub(super) type Lookup = Result<KvVersion, Refusal>;

/// The mounts' KV versions (see the module documentation).
#[derive(Debug)]
pub(super) struct Mounts {
    flights: SingleFlight<String, Lookup>,
}

impl Default for Mounts {
    fn default() -> Self {
        Mounts {
            flights: SingleFlight::new(Result::is_ok, Duration::MAX),
        }
    }
}

impl Mounts {
    /// The KV version of `mount`: the known one, the one being looked up,
    /// or what `lookup` finds; a failed lookup is this caller's alone.
    pub(super) async fn kv_version<F, Fut>(
        &self,
        mount: &str,
        lookup: F,
    ) -> Result<KvVersion, VaultError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Lookup, VaultError>>,
    {
        let found = self.flights.try_run(&mount.to_string(), lookup).await?;
        found.map_err(|refusal| refusal.error(mount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A lookup that counts itself, takes 20 ms and answers `answer`.
    async fn counted(
        lookups: &AtomicUsize,
        answer: Result<Lookup, VaultError>,
    ) -> Result<Lookup, VaultError> {
        lookups.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        answer
    }

    fn failed() -> VaultError {
        VaultError::Transport {
            operation: "look up".into(),
            address: "http://127.0.0.1:8200/".into(),
            detail: "connection refused".into(),
            attempts: 1,
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_lookup_and_a_version_is_kept() {
        let (mounts, lookups) = (Mounts::default(), AtomicUsize::new(0));
        let ask = || mounts.kv_version("secret", || counted(&lookups, Ok(Ok(KvVersion::V2))));
        let (a, b, c) = tokio::join!(ask(), ask(), ask());
        assert!([a, b, c].iter().all(|v| matches!(v, Ok(KvVersion::V2))));
        assert!(matches!(ask().await, Ok(KvVersion::V2)));
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
        let other = mounts.kv_version("kv", || counted(&lookups, Ok(Ok(KvVersion::V1))));
        assert!(matches!(other.await, Ok(KvVersion::V1)));
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_refusal_is_shared_by_the_waiting_callers_only() {
        let (mounts, lookups) = (Mounts::default(), AtomicUsize::new(0));
        let refused: Lookup = Err(Refusal::NotAMount("secret".into()));
        let ask = || mounts.kv_version("secret/x", || counted(&lookups, Ok(refused.clone())));
        let (a, b) = tokio::join!(ask(), ask());
        for answer in [a, b] {
            assert!(
                matches!(answer, Err(VaultError::NotAMount { ref found, .. }) if found == "secret")
            );
        }
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
        assert!(ask().await.is_err());
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_remembered() {
        let (mounts, lookups) = (Mounts::default(), AtomicUsize::new(0));
        let first = mounts.kv_version("secret", || counted(&lookups, Err(failed())));
        assert!(matches!(first.await, Err(VaultError::Transport { .. })));
        let second = mounts.kv_version("secret", || counted(&lookups, Ok(Ok(KvVersion::V2))));
        assert!(matches!(second.await, Ok(KvVersion::V2)));
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_cancelled_lookup_leaves_it_to_the_next_caller() {
        let (mounts, lookups) = (Mounts::default(), AtomicUsize::new(0));
        let slow = mounts.kv_version("secret", || counted(&lookups, Ok(Ok(KvVersion::V2))));
        let cancelled = tokio::time::timeout(Duration::from_millis(5), slow).await;
        assert!(cancelled.is_err());
        let again = mounts.kv_version("secret", || counted(&lookups, Ok(Ok(KvVersion::V2))));
        assert!(matches!(again.await, Ok(KvVersion::V2)));
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }
}
