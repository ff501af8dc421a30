//! The provider attributes that bound every API call, Genesys and Vault
//! alike: retries, the retry deadline and the per-attempt timeout.

use std::ops::RangeInclusive;
use std::time::Duration;

use crate::attribute_error::AttributeError;
use crate::retry::RetryPolicy;

/// `max_retries`, `retry_deadline_seconds`, `request_timeout_seconds` as
/// written (`None` when not set).
#[derive(Debug, Default, Clone, Copy)]
pub struct TransportInput {
    /// `max_retries`.
    pub max_retries: Option<i64>,
    /// `retry_deadline_seconds`.
    pub retry_deadline_seconds: Option<i64>,
    /// `request_timeout_seconds`.
    pub request_timeout_seconds: Option<i64>,
}

/// A numeric attribute's name, allowed range and default.
pub struct Bounds {
    /// Attribute name.
    pub attribute: &'static str,
    /// Allowed values.
    pub range: RangeInclusive<i64>,
    /// Value when not set.
    pub default: i64,
}

/// `max_retries`.
pub const MAX_RETRIES: Bounds = Bounds {
    attribute: "max_retries",
    range: 0..=100,
    default: 10,
};
/// `retry_deadline_seconds`.
pub const RETRY_DEADLINE: Bounds = Bounds {
    attribute: "retry_deadline_seconds",
    range: 1..=3600,
    default: 300,
};
/// `request_timeout_seconds`.
pub const REQUEST_TIMEOUT: Bounds = Bounds {
    attribute: "request_timeout_seconds",
    range: 1..=600,
    default: 16,
};

impl Bounds {
    /// The value if set and in range, else the default.
    pub fn pick(&self, value: Option<i64>) -> i64 {
        value
            .filter(|v| self.range.contains(v))
            .unwrap_or(self.default)
    }

    /// The range and default as the schema's description says them:
    /// `0..100, default 10.`
    pub fn sentence(&self) -> String {
        format!(
            "{}..{}, default {}.",
            self.range.start(),
            self.range.end(),
            self.default
        )
    }

    /// An error when `value` is set and out of range.
    pub fn check(&self, value: Option<i64>) -> Option<AttributeError> {
        let v = value.filter(|v| !self.range.contains(v))?;
        Some(AttributeError::new(
            self.attribute,
            format!("{} = {v} is out of range", self.attribute),
            format!(
                "{} must be between {} and {}.",
                self.attribute,
                self.range.start(),
                self.range.end()
            ),
        ))
    }
}

impl TransportInput {
    fn each(&self) -> [(Option<i64>, &'static Bounds); 3] {
        [
            (self.max_retries, &MAX_RETRIES),
            (self.retry_deadline_seconds, &RETRY_DEADLINE),
            (self.request_timeout_seconds, &REQUEST_TIMEOUT),
        ]
    }

    /// One error per value out of its range.
    pub fn check(&self) -> Vec<AttributeError> {
        self.each()
            .into_iter()
            .filter_map(|(value, bounds)| bounds.check(value))
            .collect()
    }

    /// Retry policy and per-attempt timeout, shared by the Genesys and Vault
    /// clients. Values out of range fall back to the default ([`Self::check`]
    /// reports them).
    pub fn resolve(&self) -> (RetryPolicy, Duration) {
        let retry = RetryPolicy {
            max_retries: u32::try_from(MAX_RETRIES.pick(self.max_retries))
                .unwrap_or(MAX_RETRIES.default as u32),
            deadline: Duration::from_secs(
                RETRY_DEADLINE
                    .pick(self.retry_deadline_seconds)
                    .unsigned_abs(),
            ),
            ..RetryPolicy::default()
        };
        let timeout = Duration::from_secs(
            REQUEST_TIMEOUT
                .pick(self.request_timeout_seconds)
                .unsigned_abs(),
        );
        (retry, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_reported_and_replaced_by_defaults() {
        let input = TransportInput {
            max_retries: Some(2),
            retry_deadline_seconds: Some(0),
            request_timeout_seconds: None,
        };
        let attrs: Vec<_> = input.check().iter().map(|e| e.attribute).collect();
        assert_eq!(attrs, vec!["retry_deadline_seconds"]);
        let (retry, timeout) = input.resolve();
        assert_eq!(retry.max_retries, 2);
        assert_eq!(retry.deadline, Duration::from_secs(300));
        assert_eq!(timeout, Duration::from_secs(16));
        assert_eq!(MAX_RETRIES.sentence(), "0..100, default 10.");
    }
}
