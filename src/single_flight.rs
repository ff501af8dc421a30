//! Single flight: callers that ask for the same key while its work is under
//! way share that one run, and its owner says which finished values are kept
//! for the callers that come later. What it keeps true:
//!
//! - one run per key at a time: callers that arrive while it runs wait for
//!   it and get a clone of the value it ends with (a refusal, a 404 or an
//!   error the owner chose to put in the value included);
//! - a run that fails through [`SingleFlight::try_run`]'s `Err`, or whose
//!   caller is dropped half-way, leaves nothing behind: that caller alone gets
//!   the error, and one waiting caller runs its own work in its place, so
//!   no one hangs;
//! - a finished value is handed to a caller that did not wait for it only
//!   while the owner's `keep` rule holds and the run began less than the
//!   lifetime ago; otherwise the next caller starts a new run;
//! - [`SingleFlight::forget`] drops a key: a run under way still answers the
//!   callers already waiting for it, and no one else;
//! - [`SingleFlight::put`] keeps a value that came without a run as if a run
//!   had just ended with it, under the same rule, for a lifetime of its own.
//!
//! No lock is held across an `await` except the cell each run fills.
//! Users: the client read cache (`genesys/read_cache.rs`), the provider's
//! token (`genesys/token.rs`) and the mounts' KV versions
//! (`vault/mounts.rs`). A crate such as `async_singleflight` shares a run but
//! keeps nothing once it ends; the three need a kept value with their own rule.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// The run of one key that callers join or reuse.
struct Entry<T> {
    cell: Arc<OnceCell<T>>,
    started: Instant,
    lifetime: Duration,
}

/// Shared runs by key (see the module documentation).
pub struct SingleFlight<K, T> {
    keep: fn(&T) -> bool,
    lifetime: Duration,
    entries: Mutex<HashMap<K, Entry<T>>>,
}

impl<K, T> std::fmt::Debug for SingleFlight<K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SingleFlight")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone, T: Clone> SingleFlight<K, T> {
    /// Keeps a finished value while `keep` says so, for at most `lifetime`
    /// after its run began (`Duration::MAX`: no limit).
    pub fn new(keep: fn(&T) -> bool, lifetime: Duration) -> Self {
        SingleFlight {
            keep,
            lifetime,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key`: the kept one, the one under way, or `run`'s.
    pub async fn run<F, Fut>(&self, key: &K, run: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        self.cell(key).get_or_init(run).await.clone()
    }

    /// As [`SingleFlight::run`], but an `Err` of `run` is this caller's
    /// alone: nothing is kept and a waiting caller runs again.
    pub async fn try_run<F, Fut, E>(&self, key: &K, run: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.cell(key).get_or_try_init(run).await.cloned()
    }

    /// The cell to join for `key`, made anew unless the current one is usable.
    fn cell(&self, key: &K) -> Arc<OnceCell<T>> {
        let mut entries = self.lock();
        let now = Instant::now();
        if let Some(entry) = entries.get(key).filter(|e| self.usable(e, now)) {
            return entry.cell.clone();
        }
        // Making a new entry is when the ones no longer usable go.
        entries.retain(|_, e| self.usable(e, now));
        let cell = Arc::new(OnceCell::new());
        entries.insert(
            key.clone(),
            Entry {
                cell: cell.clone(),
                started: now,
                lifetime: self.lifetime,
            },
        );
        cell
    }

    /// Still under way, or ended with a value kept; and young enough.
    fn usable(&self, entry: &Entry<T>, now: Instant) -> bool {
        now.saturating_duration_since(entry.started) < entry.lifetime
            && match entry.cell.get() {
                None => true,
                Some(value) => (self.keep)(value),
            }
    }
}

impl<K: Eq + Hash, T> SingleFlight<K, T> {
    /// Keeps `value` for `key` as if a run had just ended with it, for
    /// `lifetime` (while `keep` says so), in place of what was known; a run
    /// under way still answers the callers already waiting for it.
    pub fn put(&self, key: K, value: T, lifetime: Duration) {
        let entry = Entry {
            cell: Arc::new(OnceCell::new_with(Some(value))),
            started: Instant::now(),
            lifetime,
        };
        self.lock().insert(key, entry);
    }

    /// Forgets `key`; a run under way still answers the callers already
    /// waiting for it, and no one else.
    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }

    /// Forgets the value of `key` if its run has ended and `which` picks it;
    /// a run under way is left alone.
    pub fn forget_if(&self, key: &K, which: impl FnOnce(&T) -> bool) {
        let mut entries = self.lock();
        if entries
            .get(key)
            .and_then(|e| e.cell.get())
            .is_some_and(which)
        {
            entries.remove(key);
        }
    }

    /// The entries; a panic elsewhere while holding them leaves them usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry<T>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Flights = SingleFlight<&'static str, Result<u32, String>>;

    fn flights() -> Flights {
        SingleFlight::new(Result::is_ok, Duration::MAX)
    }

    /// A run that counts itself, takes `delay`, and ends with `value`.
    async fn counted<T>(runs: &AtomicUsize, delay: Duration, value: T) -> T {
        runs.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(delay).await;
        value
    }

    const SLOW: Duration = Duration::from_millis(50);

    #[tokio::test]
    async fn concurrent_callers_share_one_run_per_key() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        let (a, b, c, other) = tokio::join!(
            flights.run(&"k", || counted(&runs, SLOW, Ok(1))),
            flights.run(&"k", || counted(&runs, SLOW, Ok(2))),
            flights.run(&"k", || counted(&runs, SLOW, Ok(3))),
            flights.run(&"j", || counted(&runs, SLOW, Ok(4))),
        );
        assert_eq!((a, b, c, other), (Ok(1), Ok(1), Ok(1), Ok(4)));
        assert_eq!(runs.load(Ordering::SeqCst), 2, "one run per key");
        let kept = flights.run(&"k", || counted(&runs, SLOW, Ok(5))).await;
        assert_eq!(kept, Ok(1), "a value the rule keeps is reused");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_put_value_is_reused_under_the_keep_rule() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        flights.put("k", Ok(1), Duration::MAX);
        let kept = flights.run(&"k", || counted(&runs, SLOW, Ok(2))).await;
        assert_eq!(kept, Ok(1));
        assert_eq!(runs.load(Ordering::SeqCst), 0);
        flights.put("k", Err("not kept".into()), Duration::MAX);
        let next = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(3)));
        assert_eq!(next.await, Ok(3), "the rule refuses what it would not keep");
        flights.put("k", Ok(4), Duration::ZERO);
        let next = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(5)));
        assert_eq!(next.await, Ok(5), "its own lifetime has passed");
    }

    #[tokio::test]
    async fn a_failure_reaches_the_waiting_callers_and_is_not_kept() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        let (a, b) = tokio::join!(
            flights.run(&"k", || counted(&runs, SLOW, Err("down".into()))),
            flights.run(&"k", || counted(&runs, SLOW, Ok(2))),
        );
        assert_eq!((a, b), (Err("down".into()), Err("down".into())));
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the waiter shared it");
        let next = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(3)));
        assert_eq!(next.await, Ok(3), "the failure was not kept");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_err_of_try_run_is_the_callers_alone() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        let (a, b) = tokio::join!(
            flights.try_run(&"k", || counted(&runs, SLOW, Err(7))),
            flights.try_run(&"k", || counted(&runs, SLOW, Ok::<_, i32>(Ok(2)))),
        );
        assert_eq!((a, b), (Err(7), Ok(Ok(2))), "the waiter ran its own");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_dropped_caller_leaves_the_run_to_a_waiting_one() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        let hour = Duration::from_secs(3600);
        let dropped = tokio::time::timeout(
            Duration::from_millis(10),
            flights.run(&"k", || counted(&runs, hour, Ok(1))),
        );
        let waiting = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(2)));
        let (dropped, waiting) = tokio::join!(dropped, waiting);
        assert!(dropped.is_err(), "the first caller gave up");
        assert_eq!(waiting, Ok(2));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_value_is_kept_for_the_lifetime_only() {
        let runs = AtomicUsize::new(0);
        let flights: Flights = SingleFlight::new(Result::is_ok, Duration::from_millis(20));
        let first = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(1)));
        assert_eq!(first.await, Ok(1));
        tokio::time::sleep(Duration::from_millis(30)).await;
        let later = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(2)));
        assert_eq!(later.await, Ok(2));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn forget_if_drops_only_the_value_it_picks() {
        let (flights, runs) = (flights(), AtomicUsize::new(0));
        let _ = flights
            .run(&"k", || counted(&runs, Duration::ZERO, Ok(1)))
            .await;
        flights.forget_if(&"k", |v| *v == Ok(2));
        let kept = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(3)));
        assert_eq!(kept.await, Ok(1));
        flights.forget_if(&"k", |v| *v == Ok(1));
        let again = flights.run(&"k", || counted(&runs, Duration::ZERO, Ok(4)));
        assert_eq!(again.await, Ok(4));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
