//! The provider's own access token: one exchange per process, shared by all
//! concurrent operations, refreshed before it expires or after a 401.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::secret::Secret;

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

/// Single-flight token cache. Readers never wait unless a refresh is due; then
/// exactly one of them performs the exchange while the others wait for it.
/// No lock is held across any call other than that one exchange.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: RwLock<Option<Arc<CachedToken>>>,
    refresh_gate: tokio::sync::Mutex<()>,
    generations: AtomicU64,
}

impl TokenCache {
    /// The cached token if still fresh.
    pub fn fresh(&self) -> Option<Arc<CachedToken>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .cloned()
    }

    /// Returns a fresh token, running `exchange` (at most one at a time across
    /// all callers) when there is none.
    pub async fn get_or_refresh<F, Fut, E>(&self, exchange: F) -> Result<Arc<CachedToken>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(Secret, Duration), E>>,
    {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _gate = self.refresh_gate.lock().await;
        // Someone else may have refreshed while we waited for the gate.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let (value, lifetime) = exchange().await?;
        let token = Arc::new(CachedToken {
            value,
            refresh_at: Instant::now() + refresh_margin(lifetime),
            generation: self.generations.fetch_add(1, Ordering::Relaxed) + 1,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        Ok(token)
    }

    /// Forgets the token of `generation` (after a 401), unless a newer one
    /// replaced it already.
    pub fn invalidate(&self, generation: u64) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().map(|t| t.generation) == Some(generation) {
            *guard = None;
        }
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
        let first = cache
            .get_or_refresh(|| async { Ok::<_, ()>((Secret::new("a"), Duration::from_secs(3600))) })
            .await
            .expect("token");
        cache.invalidate(first.generation + 1);
        assert!(cache.fresh().is_some());
        cache.invalidate(first.generation);
        assert!(cache.fresh().is_none());
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
