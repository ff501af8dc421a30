//! Reads of one OAuth client are shared inside one provider process, so that
//! a client resource and its sink cost one GET per plan. What it keeps true:
//!
//! - callers that ask for the same id while a read of it is under way share
//!   that one read (single flight), its errors and 404s included;
//! - once that read has ended, only a client that was there is reused, and
//!   only for [`MEMO_LIFETIME`] after the read began: a 404 or an error is
//!   never handed to a caller that did not wait for that very request, so
//!   the propagation rules of `consistency.rs` still judge every 404;
//! - a write to a client forgets its entry before and after the write (also
//!   when the write fails or is abandoned half-way): no caller that starts
//!   after a write gets an answer read before it, nor joins a read that
//!   began before it ended;
//! - a create's answer, the client as Genesys made it, is kept as a read of
//!   it that has just ended ([`ReadCache::remember`]), for the rest of the
//!   process unless a write forgets it: the sink that writes the new
//!   client's secret later in the apply (minutes later in an apply of a
//!   thousand) does not read it again. What that sink checks of it (it
//!   exists, it is active) protects consumers holding its secret, and
//!   nobody holds a new client's: a change made outside Terraform meanwhile
//!   shows at the regenerate or the verify.
//!
//! The sharing is `crate::single_flight`'s; this file says what is kept.

use std::future::Future;
use std::time::Duration;

use crate::single_flight::SingleFlight;

/// How long a successful read is reused.
///
/// Terraform starts the provider anew for each walk of a command, so a memo
/// never outlives one plan or one apply. Inside a plan the sinks refresh
/// after all the clients have (a sink references its client, and Terraform
/// orders whole resources, not instances), so an answer has to last through
/// the clients' share of the plan: at parallelism 10 and 20 ms a call,
/// 1,000 clients take 2 s of round trips plus Terraform core's own time (a
/// whole no-change plan of 1,000 clients and sinks took 16 s and read each
/// client once: `docs/guides/performance.md`). 30 s covers plans well past
/// that size while keeping what is reused about as fresh as one plan's
/// snapshot is anyway; in a bigger plan a sink simply reads its client again.
pub const MEMO_LIFETIME: Duration = Duration::from_secs(30);

/// One read's answer: `Ok(None)` is a 404.
type Answer<V, E> = Result<Option<V>, E>;

/// Shared reads by id (see the module documentation).
#[derive(Debug)]
pub struct ReadCache<V, E> {
    flights: SingleFlight<String, Answer<V, E>>,
}

impl<V: Clone, E: Clone> ReadCache<V, E> {
    /// Reuses a client read for `lifetime` (see [`MEMO_LIFETIME`]); a 404
    /// or an error only reaches the callers that waited for it.
    pub fn new(lifetime: Duration) -> Self {
        ReadCache {
            flights: SingleFlight::new(|answer| matches!(answer, Ok(Some(_))), lifetime),
        }
    }

    /// The answer for `id`: the reused or shared one, or `read`'s. When the
    /// caller running the shared read is cancelled, a waiting caller runs its
    /// own `read` in its place.
    pub async fn read<F, Fut>(&self, id: &str, read: F) -> Answer<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Answer<V, E>>,
    {
        self.flights.run(&id.to_string(), read).await
    }
}

impl<V, E> ReadCache<V, E> {
    /// Keeps `client`, known without a read (a create's answer), as if a
    /// read of `id` had just returned it, until a write forgets it.
    pub fn remember(&self, id: &str, client: V) {
        self.flights
            .put(id.to_string(), Ok(Some(client)), Duration::MAX);
    }

    /// Forgets what is known of `id`; a read under way still answers the
    /// callers already waiting for it, and no one else.
    pub fn forget(&self, id: &str) {
        self.flights.forget(&id.to_string());
    }

    /// Forgets `id` now and again when the returned guard is dropped: hold it
    /// across a write to that client.
    pub fn writing<'a>(&'a self, id: &'a str) -> Writing<'a, V, E> {
        self.forget(id);
        Writing { cache: self, id }
    }
}

/// Held across a write; see [`ReadCache::writing`].
pub struct Writing<'a, V, E> {
    cache: &'a ReadCache<V, E>,
    id: &'a str,
}

impl<V, E> Drop for Writing<'_, V, E> {
    fn drop(&mut self) {
        self.cache.forget(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Cache = ReadCache<String, String>;

    /// A read that counts itself, takes `delay`, and answers `answer`.
    async fn counted(
        reads: &AtomicUsize,
        delay: Duration,
        answer: Result<Option<String>, String>,
    ) -> Result<Option<String>, String> {
        reads.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(delay).await;
        answer
    }

    fn found(s: &str) -> Result<Option<String>, String> {
        Ok(Some(s.to_string()))
    }

    #[tokio::test]
    async fn concurrent_reads_of_one_id_share_one_request() {
        let cache = Cache::new(MEMO_LIFETIME);
        let reads = AtomicUsize::new(0);
        let slow = Duration::from_millis(50);
        let (a, b, c, other) = tokio::join!(
            cache.read("c1", || counted(&reads, slow, found("v1"))),
            cache.read("c1", || counted(&reads, slow, found("never"))),
            cache.read("c1", || counted(&reads, slow, found("never"))),
            cache.read("c2", || counted(&reads, slow, found("v2"))),
        );
        assert_eq!((a, b, c), (found("v1"), found("v1"), found("v1")));
        assert_eq!(other, found("v2"));
        assert_eq!(reads.load(Ordering::SeqCst), 2, "one read per id");
    }

    #[tokio::test]
    async fn a_remembered_client_is_not_read_until_a_write_forgets_it() {
        let reads = AtomicUsize::new(0);
        // Reads are not reused at all here; what was remembered still is.
        let cache = Cache::new(Duration::ZERO);
        cache.remember("c1", "created".to_string());
        let first = cache.read("c1", || counted(&reads, Duration::ZERO, found("read")));
        assert_eq!(first.await, found("created"));
        assert_eq!(reads.load(Ordering::SeqCst), 0);
        drop(cache.writing("c1"));
        let after = cache.read("c1", || counted(&reads, Duration::ZERO, found("read")));
        assert_eq!(after.await, found("read"));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_client_is_reused_for_the_lifetime_only() {
        let reads = AtomicUsize::new(0);
        let cache = Cache::new(MEMO_LIFETIME);
        let first = cache.read("c1", || counted(&reads, Duration::ZERO, found("v1")));
        assert_eq!(first.await, found("v1"));
        let again = cache.read("c1", || counted(&reads, Duration::ZERO, found("v2")));
        assert_eq!(again.await, found("v1"));
        assert_eq!(reads.load(Ordering::SeqCst), 1);

        let expired = Cache::new(Duration::from_millis(20));
        let _ = expired
            .read("c1", || counted(&reads, Duration::ZERO, found("v1")))
            .await;
        tokio::time::sleep(Duration::from_millis(30)).await;
        let later = expired.read("c1", || counted(&reads, Duration::ZERO, found("v2")));
        assert_eq!(later.await, found("v2"));
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_404_or_an_error_is_shared_but_never_reused() {
        let cache = Cache::new(MEMO_LIFETIME);
        let reads = AtomicUsize::new(0);
        let slow = Duration::from_millis(50);
        let (a, b) = tokio::join!(
            cache.read("c1", || counted(&reads, slow, Ok(None))),
            cache.read("c1", || counted(&reads, slow, found("never"))),
        );
        assert_eq!((a, b), (Ok(None), Ok(None)));
        let next = cache.read("c1", || counted(&reads, Duration::ZERO, found("v1")));
        assert_eq!(next.await, found("v1"), "a 404 is not reused");

        let failing = cache.read("c2", || {
            counted(&reads, Duration::ZERO, Err("unreachable".into()))
        });
        assert_eq!(failing.await, Err("unreachable".to_string()));
        let next = cache.read("c2", || counted(&reads, Duration::ZERO, found("v2")));
        assert_eq!(next.await, found("v2"), "an error is not reused");
        assert_eq!(reads.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_write_forgets_and_later_callers_skip_the_read_under_way() {
        let cache = Cache::new(MEMO_LIFETIME);
        let reads = AtomicUsize::new(0);
        let _ = cache
            .read("c1", || counted(&reads, Duration::ZERO, found("before")))
            .await;
        {
            let _writing = cache.writing("c1");
            // During the write: a read is made, whatever it finds.
            let during = cache.read("c1", || counted(&reads, Duration::ZERO, found("during")));
            assert_eq!(during.await, found("during"));
        }
        // After the write: what was read during it is not reused.
        let after = cache.read("c1", || counted(&reads, Duration::ZERO, found("after")));
        assert_eq!(after.await, found("after"));
        assert_eq!(reads.load(Ordering::SeqCst), 3);

        // A read that began before a write still answers its own callers,
        // but a caller arriving after the write reads again.
        let old = cache.read("c2", || {
            counted(&reads, Duration::from_millis(50), found("old"))
        });
        let new = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            cache.forget("c2");
            cache
                .read("c2", || counted(&reads, Duration::ZERO, found("new")))
                .await
        };
        let (old, new) = tokio::join!(old, new);
        assert_eq!((old, new), (found("old"), found("new")));
        let latest = cache.read("c2", || counted(&reads, Duration::ZERO, found("never")));
        assert_eq!(latest.await, found("new"));
        assert_eq!(reads.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_waiting_caller_takes_over_from_a_cancelled_one() {
        let cache = Cache::new(MEMO_LIFETIME);
        let reads = AtomicUsize::new(0);
        let abandoned = tokio::time::timeout(
            Duration::from_millis(10),
            cache.read("c1", || {
                counted(&reads, Duration::from_secs(3600), found("never"))
            }),
        );
        let waiting = cache.read("c1", || counted(&reads, Duration::ZERO, found("v1")));
        let (abandoned, waiting) = tokio::join!(abandoned, waiting);
        assert!(abandoned.is_err(), "the first caller gave up");
        assert_eq!(waiting, found("v1"));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }
}
