//! The provider's own access token: one exchange per process, shared by all
//! concurrent operations, refreshed before it expires or after a 401.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::secret::Secret;
use crate::single_flight::SingleFlight;

/// A token and when to stop using it.
#[derive(Debug)]
pub struct CachedToken {
    /// The bearer token.
    pub value: Secret,
    /// Refresh once this instant has passed.
    pub refresh_at: Instant,
    /// Distinguishes tokens, so a 401 only invalidates the token it was seen with.
    pub generation: u64,
}

impl CachedToken {
    /// Still to be used.
    fn fresh(self: &Arc<Self>) -> bool {
        Instant::now() < self.refresh_at
    }
}

/// Single-flight token cache (`crate::single_flight`, one key): while a
/// token is fresh it is handed out; when a refresh is due, exactly one caller
/// performs the exchange while the others wait for it. A failed exchange is
/// that caller's alone: the next waiting caller tries its own.
#[derive(Debug)]
pub struct TokenCache {
    current: SingleFlight<(), Arc<CachedToken>>,
    generations: AtomicU64,
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache {
            current: SingleFlight::new(CachedToken::fresh, Duration::MAX),
            generations: AtomicU64::new(0),
        }
    }
}

impl TokenCache {
    /// Returns a fresh token, running `exchange` (at most one at a time across
    /// all callers) when there is none.
    pub async fn get_or_refresh<F, Fut, E>(&self, exchange: F) -> Result<Arc<CachedToken>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(Secret, Duration), E>>,
    {
        self.current
            .try_run(&(), || async {
                let (value, lifetime) = exchange().await?;
                Ok(Arc::new(CachedToken {
                    value,
                    refresh_at: Instant::now() + refresh_margin(lifetime),
                    generation: self.generations.fetch_add(1, Ordering::Relaxed) + 1,
                }))
            })
            .await
    }

    /// Forgets the token of `generation` (after a 401), unless a newer one
    /// replaced it already.
    pub fn invalidate(&self, generation: u64) {
        self.current
            .forget_if(&(), |token| token.generation == generation);
    }
}

/// How long to use a token that lives `lifetime`: refresh a minute early, or
/// at 90 % of a short lifetime.
fn refresh_margin(lifetime: Duration) -> Duration {
    let early = Duration::from_secs(60).min(lifetime / 10);
    lifetime.saturating_sub(early)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn concurrent_callers_share_one_exchange() {
        let cache = Arc::new(TokenCache::default());
        let exchanges = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let cache = cache.clone();
            let exchanges = exchanges.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_refresh(|| async {
                        exchanges.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok::<_, ()>((Secret::new("tok"), Duration::from_secs(3600)))
                    })
                    .await
                    .map(|t| t.generation)
            }));
        }
        for t in tasks {
            assert_eq!(t.await.expect("task"), Ok(1));
        }
        assert_eq!(exchanges.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidation_only_drops_the_named_generation() {
        let cache = TokenCache::default();
        let token = || async { Ok::<_, ()>((Secret::new("a"), Duration::from_secs(3600))) };
        let first = cache.get_or_refresh(token).await.expect("token");
        cache.invalidate(first.generation + 1);
        let same = cache.get_or_refresh(token).await.expect("token");
        assert_eq!(same.generation, first.generation, "still the first");
        cache.invalidate(first.generation);
        let next = cache.get_or_refresh(token).await.expect("token");
        assert_eq!(next.generation, first.generation + 1, "exchanged anew");
    }

    #[tokio::test]
    async fn a_token_due_for_refresh_is_exchanged_again() {
        let cache = TokenCache::default();
        let short = || async { Ok::<_, ()>((Secret::new("a"), Duration::ZERO)) };
        let first = cache.get_or_refresh(short).await.expect("token");
        let second = cache.get_or_refresh(short).await.expect("token");
        assert_eq!(second.generation, first.generation + 1);
    }

    #[test]
    fn refresh_happens_before_expiry() {
        assert_eq!(
            refresh_margin(Duration::from_secs(86400)),
            Duration::from_secs(86340)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(10)),
            Duration::from_secs(9)
        );
    }
}
