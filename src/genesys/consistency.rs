//! Genesys Cloud is eventually consistent: for a few seconds after a client
//! is created, reads and writes of it may answer 404 and the listing may not
//! show it yet, and a freshly issued secret may be refused at the token
//! endpoint. This module keeps the one rule for telling propagation from
//! fact: a 404 (or a refused new secret) is waited out until the
//! consistency window after the client appeared (or got its secret) has
//! passed; after that, a 404 means the client is gone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// A 404 for a client outside any known window is read once more after this
/// pause before it counts: a refresh must not drop a client from state on
/// one answer from a node that has not caught up.
pub const CONFIRM_PAUSE: Duration = Duration::from_secs(1);

/// What this provider process knows of recent changes.
#[derive(Debug)]
pub struct Propagation {
    window: Duration,
    recent: Mutex<HashMap<String, Instant>>,
}

impl Propagation {
    /// Waits out 404s and refused secrets for up to `window` after a change.
    pub fn new(window: Duration) -> Propagation {
        Propagation {
            window,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// The consistency window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// This process just created `id` or regenerated its secret.
    pub fn note(&self, id: &str) {
        self.recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), Instant::now());
    }

    /// Until when a 404 for `id` is taken for propagation: the window after
    /// this process's own change, or after `created_at` (what the state
    /// recorded), whichever ends later. `None` when neither is recent.
    pub fn settles_at(&self, id: &str, created_at: Option<OffsetDateTime>) -> Option<Instant> {
        let now = Instant::now();
        let own = self
            .recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map(|t| *t + self.window);
        let recorded = created_at.and_then(|at| {
            let age = OffsetDateTime::now_utc() - at;
            let left = time::Duration::try_from(self.window).ok()? - age;
            Duration::try_from(left).ok().map(|left| now + left)
        });
        own.into_iter().chain(recorded).filter(|t| *t > now).max()
    }
}

/// The pause before the `attempt`-th look while waiting out propagation:
/// 250 ms, doubling, at most 4 s.
pub fn pause(attempt: u32) -> Duration {
    Duration::from_millis(250)
        .saturating_mul(1 << attempt.min(4))
        .min(Duration::from_secs(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recent_changes_are_waited_out() {
        let p = Propagation::new(Duration::from_secs(60));
        assert_eq!(p.settles_at("c1", None), None);
        p.note("c1");
        let own = p.settles_at("c1", None).expect("noted");
        assert!(own > Instant::now() + Duration::from_secs(55));
        assert_eq!(p.settles_at("c2", None), None);

        let old = OffsetDateTime::now_utc() - Duration::from_secs(3600);
        assert_eq!(p.settles_at("c2", Some(old)), None);
        let fresh = OffsetDateTime::now_utc() - Duration::from_secs(30);
        let recorded = p.settles_at("c2", Some(fresh)).expect("recent");
        assert!(recorded < Instant::now() + Duration::from_secs(31));
        assert!(recorded > Instant::now() + Duration::from_secs(25));

        let none = Propagation::new(Duration::ZERO);
        none.note("c1");
        assert_eq!(none.settles_at("c1", Some(fresh)), None);
    }

    #[test]
    fn pauses_grow_and_are_capped() {
        assert_eq!(pause(0), Duration::from_millis(250));
        assert_eq!(pause(1), Duration::from_millis(500));
        assert_eq!(pause(9), Duration::from_secs(4));
    }
}
