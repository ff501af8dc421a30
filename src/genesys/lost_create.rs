//! A create whose outcome is unknown. Creating is not idempotent: a POST
//! that fails in a way that leaves open whether it took effect (a 5xx, a
//! lost answer) must not be sent again blindly, or a second object is
//! made. One loop keeps this true for every create (OAuth clients and
//! integration credentials):
//! - after such a failure, wait until an object that attempt made would be
//!   listed (`lag`, the listing's propagation delay) and at least the retry
//!   backoff, then look **once**; what the look finds is adopted instead
//!   of trying again;
//! - the look runs after the last attempt too, so a create that took
//!   effect on its last try is adopted rather than left behind;
//! - the error counts every POST actually sent (each answer of the retry
//!   loop in `client.rs` carries its own count, one call at a time).
//!
//! What counts as "what this create made" is [`newest_created_since`],
//! narrowed by each caller (same name and kind, never an object that was
//! there before the first attempt).

use std::future::Future;
use std::time::{Duration, Instant};

use tracing::warn;

use super::client::{with_give_up, CallFailure};
use super::error::GenesysError;
use crate::retry::{Decision, Fault, RetryPolicy};

/// A create's result: the answer of a POST, or what a look found after a
/// POST whose outcome was unknown.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Created<T, F> {
    /// The POST was answered.
    Answered(T),
    /// An attempt's answer was lost; this is what it made.
    Found(F),
}

/// Runs `post` until it is answered, a look (`find`) finds what an
/// unanswered attempt made, or `policy` gives up. `lag`: how long after an
/// attempt what it made may still be missing from the listing.
pub(super) async fn create<T, F, P, PF, L, LF>(
    policy: &RetryPolicy,
    lag: Duration,
    mut post: P,
    mut find: L,
) -> Result<Created<T, F>, GenesysError>
where
    P: FnMut() -> PF,
    PF: Future<Output = Result<T, CallFailure>>,
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<F>, GenesysError>>,
{
    let started = Instant::now();
    let mut attempt = 0u32;
    let mut sent = 0u32;
    loop {
        attempt += 1;
        let sent_at = Instant::now();
        let failure = match post().await {
            Ok(answer) => return Ok(Created::Answered(answer)),
            Err(failure) => failure,
        };
        sent += attempts_of(&failure.error).max(1);
        let error = counted(failure.error, sent);
        if !failure.ambiguous {
            return Err(error);
        }
        warn!(%error, attempt, "the create may have taken effect; looking for what it made before trying again");
        let decision = policy.decide(
            Fault::ServerError { retry_after: None },
            attempt,
            started.elapsed(),
        );
        let backoff = match decision {
            Decision::RetryAfter(wait) => wait,
            Decision::GiveUp(_) => Duration::ZERO,
        };
        let look_at = (sent_at + lag).max(Instant::now() + backoff);
        tokio::time::sleep_until(look_at.into()).await;
        if let Some(found) = find().await? {
            return Ok(Created::Found(found));
        }
        if let Decision::GiveUp(reason) = decision {
            return Err(with_give_up(error, reason));
        }
    }
}

/// The attempts an error says were made.
fn attempts_of(error: &GenesysError) -> u32 {
    match error {
        GenesysError::Api(e) => e.attempts,
        GenesysError::Transport { attempts, .. } | GenesysError::Token { attempts, .. } => {
            *attempts
        }
        GenesysError::Incomplete { .. } | GenesysError::Decode { .. } => 1,
    }
}

/// `error`, saying that `attempts` attempts were made in all.
fn counted(error: GenesysError, attempts: u32) -> GenesysError {
    match error {
        GenesysError::Api(mut e) => {
            e.attempts = attempts;
            GenesysError::Api(e)
        }
        GenesysError::Transport {
            operation,
            address,
            detail,
            gave_up,
            ..
        } => GenesysError::Transport {
            operation,
            address,
            detail,
            attempts,
            gave_up,
        },
        other => other,
    }
}

/// A create that may have happened is matched against objects created no
/// earlier than this before its first attempt (allows for clock skew).
const CREATE_MATCH_SKEW: Duration = Duration::from_secs(120);

/// Of `candidates` (same name, same kind, none that was there before the
/// first attempt), the newest created since `since` less
/// [`CREATE_MATCH_SKEW`]: what a create whose answer was lost may have
/// made.
pub(super) fn newest_created_since<T>(
    candidates: impl IntoIterator<Item = T>,
    created: impl Fn(&T) -> Option<&str>,
    since: time::OffsetDateTime,
) -> Option<T> {
    let threshold = since - CREATE_MATCH_SKEW;
    candidates
        .into_iter()
        .filter_map(|c| {
            let at = created(&c).and_then(parse_time)?;
            (at >= threshold).then_some((at, c))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, c)| c)
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::error::ApiError;
    use std::cell::Cell;

    #[test]
    fn a_lost_create_adopts_only_the_newest_made_since_its_first_attempt() {
        let since = time::OffsetDateTime::parse(
            "2026-01-01T12:00:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .expect("time");
        let made = |at: &'static str| Some(at);
        let candidates = [
            ("old", made("2026-01-01T11:00:00Z")),
            ("skewed", made("2026-01-01T11:59:00Z")),
            ("newest", made("2026-01-01T12:00:05Z")),
            ("undated", None),
        ];
        let found = newest_created_since(candidates, |(_, at)| *at, since);
        assert_eq!(found.map(|(name, _)| name), Some("newest"));
        let none = newest_created_since(
            [("old", made("2026-01-01T11:00:00Z"))],
            |(_, at)| *at,
            since,
        );
        assert!(none.is_none(), "older than the clock skew allows");
    }

    fn policy(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        }
    }

    fn status(code: u16, ambiguous: bool) -> CallFailure {
        CallFailure {
            error: GenesysError::Api(Box::new(ApiError {
                operation: "create OAuth client \"x\"".into(),
                status: code,
                code: None,
                message: "Service Unavailable".into(),
                details: vec![],
                correlation_id: None,
                attempts: 1,
                gave_up: None,
            })),
            ambiguous,
        }
    }

    /// Runs [`create`] over scripted POST answers (`Err(ambiguous)` per
    /// attempt, `Ok` answers) and looks (`Some` finds); returns the result
    /// and how many POSTs and looks were made.
    async fn run(
        max_retries: u32,
        posts: &[Result<&'static str, bool>],
        finds: &[Option<&'static str>],
    ) -> (
        Result<Created<&'static str, &'static str>, String>,
        usize,
        usize,
    ) {
        let (posted, looked) = (Cell::new(0), Cell::new(0));
        let result = create(
            &policy(max_retries),
            Duration::from_millis(5),
            || {
                let n = posted.replace(posted.get() + 1);
                let answer = posts[n].map_err(|ambiguous| status(503, ambiguous));
                async move { answer }
            },
            || {
                let n = looked.replace(looked.get() + 1);
                let found = finds.get(n).copied().flatten();
                async move { Ok(found) }
            },
        )
        .await;
        (
            result.map_err(|e| e.to_string()),
            posted.get(),
            looked.get(),
        )
    }

    #[tokio::test]
    async fn each_unknown_outcome_is_followed_by_one_look() {
        // Answered at once: no look.
        let (r, posts, looks) = run(3, &[Ok("made")], &[]).await;
        assert_eq!((r, posts, looks), (Ok(Created::Answered("made")), 1, 0));
        // Lost, not listed, then answered: one look per lost attempt.
        let (r, posts, looks) = run(3, &[Err(true), Err(true), Ok("made")], &[]).await;
        assert_eq!((r, posts, looks), (Ok(Created::Answered("made")), 3, 2));
        // Lost, and the look finds it: adopted, no second POST.
        let (r, posts, looks) = run(3, &[Err(true)], &[Some("found")]).await;
        assert_eq!((r, posts, looks), (Ok(Created::Found("found")), 1, 1));
    }

    #[tokio::test]
    async fn giving_up_counts_every_post_and_looks_after_the_last() {
        let (r, posts, looks) = run(2, &[Err(true); 3], &[]).await;
        let error = r.expect_err("gave up");
        assert_eq!((posts, looks), (3, 3));
        assert!(
            error.contains("gave up after 3 attempts: retry limit reached"),
            "{error}"
        );
        // The last attempt made it: adopted rather than left behind.
        let (r, posts, _) = run(1, &[Err(true); 2], &[None, Some("late")]).await;
        assert_eq!((r, posts), (Ok(Created::Found("late")), 2));
    }

    #[tokio::test]
    async fn a_refusal_after_unknown_outcomes_stops_and_counts_them() {
        let (r, posts, looks) = run(5, &[Err(true), Err(false)], &[]).await;
        let error = r.expect_err("refused");
        assert_eq!((posts, looks), (2, 1));
        assert!(error.contains("(after 2 attempts)"), "{error}");
    }
}
