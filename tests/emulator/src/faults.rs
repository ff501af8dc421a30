//! Fault injection: rules matched against each request.

use serde::Deserialize;

/// What a matching request gets instead of (or before) its normal answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind")]
pub enum FaultKind {
    /// 429 with `Retry-After` and code `too.many.requests.retry.after`.
    Status429 {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
    /// 409 with a Genesys error body, code `conflict` (as the real service
    /// answers a write that lost a race with another one).
    Status409,
    /// 500 with a Genesys error body.
    Status500,
    /// 501 with a Genesys error body.
    Status501,
    /// 503 with a Genesys error body.
    Status503,
    /// The token endpoint's throttle: 400 `invalid_request` "rate limit exceeded".
    TokenThrottle,
    /// Wait, then answer normally.
    Latency {
        /// Delay in milliseconds.
        millis: u64,
    },
    /// Carry the request out, then answer 503 as if the answer was lost.
    DropResponse,
}

/// One rule: which requests, how many times, what happens.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FaultRule {
    /// The fault.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only this method (any when `None`).
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths starting with this (any when `None`).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// How many requests it applies to (unlimited when `None`).
    #[serde(default)]
    pub count: Option<u32>,
}

impl FaultRule {
    /// A rule for every request, without limit.
    pub fn new(kind: FaultKind) -> FaultRule {
        FaultRule {
            kind,
            method: None,
            path_prefix: None,
            count: None,
        }
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Restricts the rule to paths starting with `prefix`.
    pub fn path(mut self, prefix: &str) -> FaultRule {
        self.path_prefix = Some(prefix.to_string());
        self
    }

    /// Applies the rule to `n` requests only.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.count = Some(n);
        self
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.count != Some(0)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }
}

/// Takes the faults for one request (decrementing their counts): at most one
/// latency and at most one failure.
pub(crate) fn take(rules: &mut Vec<FaultRule>, method: &str, path: &str) -> Vec<FaultKind> {
    let mut out = Vec::new();
    let mut latency = false;
    let mut failure = false;
    for rule in rules.iter_mut() {
        if !rule.matches(method, path) {
            continue;
        }
        let is_latency = matches!(rule.kind, FaultKind::Latency { .. });
        if (is_latency && latency) || (!is_latency && failure) {
            continue;
        }
        if is_latency {
            latency = true;
        } else {
            failure = true;
        }
        if let Some(n) = rule.count.as_mut() {
            *n -= 1;
        }
        out.push(rule.kind.clone());
    }
    rules.retain(|r| r.count != Some(0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_count_down_and_match_by_method_and_prefix() {
        let mut rules = vec![
            FaultRule::new(FaultKind::Status503)
                .method("POST")
                .path("/api")
                .times(2),
            FaultRule::new(FaultKind::Latency { millis: 5 }),
        ];
        assert_eq!(
            take(&mut rules, "GET", "/api/x"),
            vec![FaultKind::Latency { millis: 5 }]
        );
        assert_eq!(take(&mut rules, "POST", "/api/x").len(), 2);
        assert_eq!(take(&mut rules, "POST", "/api/x").len(), 2);
        assert_eq!(
            take(&mut rules, "POST", "/api/x"),
            vec![FaultKind::Latency { millis: 5 }]
        );
        assert_eq!(rules.len(), 1);
    }
}
