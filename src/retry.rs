//! Where retries are decided.
//!
//! Every HTTP call the provider makes (Genesys Cloud API, its token endpoint,
//! Vault) runs its attempts through [`RetryPolicy::decide`], which looks at what
//! went wrong, how many attempts were made and how long they took, and says
//! whether to try again and after how long. The loops themselves live in the API
//! clients; the rules live here, so they are unit-tested without a server.
//!
//! Hand-written rather than taken from a backoff crate: the rules are specific
//! (a server-given `Retry-After` with a cap, throttling reported as HTTP 400 by
//! the token endpoint, requests that must not be repeated blindly) and the whole
//! policy is a page of code.

use std::time::Duration;

use rand::Rng;

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 (or Vault 412/429), with the server's `Retry-After` if any.
    Throttled {
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// A 5xx answer other than 501, with the server's `Retry-After` if any
    /// (Genesys sends one on some 503s; its SDKs honour it as on a 429).
    ServerError {
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// The request may not have reached the server (connect error, DNS).
    NotSent,
    /// The request was sent but no answer came (timeout, reset connection).
    NoAnswer,
    /// Anything else (4xx, 501, a body we cannot read): never retried.
    Permanent,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Stop and report the failure; the reason is for the error message.
    GiveUp(GiveUpReason),
}

/// Why the policy stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The failure is not one that a retry can fix.
    NotRetryable,
    /// `max_retries` retries were made already.
    TooManyAttempts,
    /// The next wait would end past the total deadline.
    DeadlineExceeded,
    /// The server asked to wait longer than `max_retry_after`.
    RetryAfterTooLong,
}

/// Bounds and pacing of retries. One policy is shared by all calls of a client.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// No retry starts later than this after the first attempt began.
    pub deadline: Duration,
    /// First backoff delay; doubles with every retry.
    pub base_delay: Duration,
    /// Upper bound of one backoff delay.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 10,
            deadline: Duration::from_secs(300),
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(16),
            max_retry_after: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// Decides what follows the failed attempt number `attempt` (1-based),
    /// `elapsed` after the first attempt started.
    pub fn decide(&self, failure: Fault, attempt: u32, elapsed: Duration) -> Decision {
        let delay = match failure {
            Fault::Permanent => return Decision::GiveUp(GiveUpReason::NotRetryable),
            Fault::Throttled {
                retry_after: Some(wait),
            }
            | Fault::ServerError {
                retry_after: Some(wait),
            } => {
                if wait > self.max_retry_after {
                    return Decision::GiveUp(GiveUpReason::RetryAfterTooLong);
                }
                // Honour the server's figure, plus a little jitter so that
                // concurrent callers do not all come back in the same instant.
                wait + self.jitter(Duration::from_millis(250))
            }
            Fault::Throttled { retry_after: None }
            | Fault::ServerError { retry_after: None }
            | Fault::NotSent
            | Fault::NoAnswer => self.backoff(attempt),
        };
        if attempt > self.max_retries {
            return Decision::GiveUp(GiveUpReason::TooManyAttempts);
        }
        if elapsed + delay > self.deadline {
            return Decision::GiveUp(GiveUpReason::DeadlineExceeded);
        }
        Decision::RetryAfter(delay)
    }

    /// Exponential backoff with "equal jitter": half the step fixed, half random.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(16);
        let step = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        step / 2 + self.jitter(step / 2)
    }

    fn jitter(&self, up_to: Duration) -> Duration {
        let max = u64::try_from(up_to.as_millis()).unwrap_or(u64::MAX);
        if max == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(rand::rng().random_range(0..=max))
    }
}

/// Parses a `Retry-After` header given in seconds (Genesys and Vault both use
/// seconds; an HTTP date is treated as absent).
pub fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            deadline: Duration::from_secs(60),
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(30),
        }
    }

    #[test]
    fn permanent_failures_are_never_retried() {
        assert_eq!(
            policy().decide(Fault::Permanent, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::NotRetryable)
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        let wait = Some(Duration::from_secs(2));
        match p.decide(Fault::Throttled { retry_after: wait }, 1, Duration::ZERO) {
            Decision::RetryAfter(d) => {
                assert!(d >= Duration::from_secs(2) && d <= Duration::from_millis(2250))
            }
            other => panic!("expected a retry, got {other:?}"),
        }
        let long = Some(Duration::from_secs(31));
        assert_eq!(
            p.decide(Fault::Throttled { retry_after: long }, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::RetryAfterTooLong)
        );
        // A 503's Retry-After is honoured, and capped, as a 429's.
        match p.decide(Fault::ServerError { retry_after: wait }, 1, Duration::ZERO) {
            Decision::RetryAfter(d) => {
                assert!(d >= Duration::from_secs(2) && d <= Duration::from_millis(2250))
            }
            other => panic!("expected a retry, got {other:?}"),
        }
        assert_eq!(
            p.decide(Fault::ServerError { retry_after: long }, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::RetryAfterTooLong)
        );
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let p = policy();
        for attempt in 1..=3 {
            let step = Duration::from_millis(100 * (1 << (attempt - 1))).min(p.max_delay);
            match p.decide(
                Fault::ServerError { retry_after: None },
                attempt,
                Duration::ZERO,
            ) {
                Decision::RetryAfter(d) => assert!(d >= step / 2 && d <= step, "{d:?} {step:?}"),
                other => panic!("expected a retry, got {other:?}"),
            }
        }
        match p.decide(Fault::NoAnswer, 3, Duration::ZERO) {
            Decision::RetryAfter(d) => assert!(d <= p.max_delay),
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn attempts_and_deadline_bound_the_loop() {
        let p = policy();
        assert_eq!(
            p.decide(Fault::ServerError { retry_after: None }, 4, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::TooManyAttempts)
        );
        assert_eq!(
            p.decide(
                Fault::ServerError { retry_after: None },
                1,
                Duration::from_secs(60)
            ),
            Decision::GiveUp(GiveUpReason::DeadlineExceeded)
        );
    }

    #[test]
    fn retry_after_header_parsing() {
        assert_eq!(parse_retry_after(Some("3")), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after(Some(" 1.5 ")),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(Some("-1")), None);
        assert_eq!(parse_retry_after(None), None);
    }
}
