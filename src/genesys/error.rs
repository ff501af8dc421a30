//! Typed errors of the Genesys Cloud API client. None of them ever holds a
//! secret or a token: they are built from status codes, Genesys' own error
//! bodies (which never echo credentials) and transport error kinds.

use std::fmt;

use serde::Deserialize;

use crate::retry::GiveUpReason;

/// What went wrong talking to Genesys Cloud. `Clone`: callers sharing one
/// read share its error (`read_cache.rs`).
#[derive(Debug, Clone, thiserror::Error)]
pub enum GenesysError {
    /// Genesys answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No usable answer: connection refused, timeout, reset.
    #[error("{operation}: could not reach Genesys Cloud at {address}: {detail}{}", retried_note(*.attempts, *.gave_up))]
    Transport {
        /// What the provider was doing.
        operation: String,
        /// The scheme, host and port tried (a wrong region or a closed
        /// port shows here).
        address: String,
        /// The transport error, without URL.
        detail: String,
        /// Attempts made.
        attempts: u32,
        /// Why retrying stopped.
        gave_up: Option<GiveUpReason>,
    },
    /// The token endpoint refused the credentials or could not be used.
    #[error("{operation}: token exchange at {login_host} failed with HTTP {status}: {error}{}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(), retried_note(*.attempts, *.gave_up))]
    Token {
        /// What the provider was doing.
        operation: String,
        /// Login host used.
        login_host: String,
        /// HTTP status.
        status: u16,
        /// OAuth error code, e.g. `invalid_client`.
        error: String,
        /// OAuth error description.
        description: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// Why retrying stopped.
        gave_up: Option<GiveUpReason>,
    },
    /// An operation did not complete (e.g. a delete that never finished).
    #[error("{operation}: {detail}")]
    Incomplete {
        /// What the provider was doing.
        operation: String,
        /// What is missing.
        detail: String,
    },
    /// The answer was not the JSON we expected.
    #[error("{operation}: could not read Genesys Cloud's answer: {detail}")]
    Decode {
        /// What the provider was doing.
        operation: String,
        /// Where decoding failed (never the body itself).
        detail: String,
    },
}

impl GenesysError {
    /// HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            GenesysError::Api(e) => Some(e.status),
            GenesysError::Token { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for an API call's own 404: Genesys Cloud, in its own error body
    /// (which carries a `code`), says the resource does not exist. Never for
    /// a failed token exchange (a wrong base URL answering 404 at the login
    /// host is an authentication failure, not a deleted client), a bare 404
    /// from something else on the path (a proxy, a wrong host), nor for
    /// transport or decode failures.
    pub fn is_not_found(&self) -> bool {
        matches!(self, GenesysError::Api(e) if e.status == 404 && e.code.is_some())
    }

    /// True when a call that changes something may have done so although it
    /// failed: the answer was lost, cut off or garbled, or the server failed
    /// (5xx). False when Genesys Cloud refused it (4xx) or it never reached
    /// the API (the provider's own token exchange failed).
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            GenesysError::Api(e) => e.status >= 500,
            GenesysError::Token { .. } => false,
            _ => true,
        }
    }

    /// True when the token endpoint rejected the client's credentials
    /// (wrong id or secret, inactive client).
    pub fn is_rejected_credentials(&self) -> bool {
        matches!(self, GenesysError::Token { status, error, .. }
            if (*status == 400 || *status == 401) && (error == "invalid_client" || error == "unauthorized_client" || error == "invalid_grant"))
    }

    /// A transport error (without the URL) after `attempts` attempts.
    pub fn transport(operation: &str, e: reqwest::Error, attempts: u32) -> Self {
        GenesysError::Transport {
            operation: operation.to_string(),
            address: crate::http::origin_of(&e),
            detail: crate::http::transport_detail(e),
            attempts,
            gave_up: None,
        }
    }

    /// Builds a decode error from a serde_json error, keeping only its
    /// category and position (serde's message can quote the input).
    pub fn decode(operation: &str, err: &serde_json::Error) -> Self {
        let category = match err.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "unexpected JSON shape",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        GenesysError::Decode {
            operation: operation.to_string(),
            detail: format!("{category} at line {} column {}", err.line(), err.column()),
        }
    }
}

/// An error answer of the Platform API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// What the provider was doing, e.g. `create OAuth client "ci"`.
    pub operation: String,
    /// HTTP status.
    pub status: u16,
    /// Genesys error code, e.g. `bad.request`.
    pub code: Option<String>,
    /// Human-readable message.
    pub message: String,
    /// Field-level details.
    pub details: Vec<ErrorDetail>,
    /// `ININ-Correlation-Id` (or `contextId`), for Genesys support.
    pub correlation_id: Option<String>,
    /// Attempts made.
    pub attempts: u32,
    /// Why retrying stopped, when it was retried.
    pub gave_up: Option<GiveUpReason>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: Genesys Cloud answered HTTP {}",
            self.operation, self.status
        )?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for d in &self.details {
            match (&d.field_name, &d.error_code) {
                (Some(field), Some(code)) => write!(f, "; field {field}: {code}")?,
                (Some(field), None) => write!(f, "; field {field}")?,
                (None, Some(code)) => write!(f, "; {code}")?,
                (None, None) => {}
            }
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        f.write_str(&retried_note(self.attempts, self.gave_up))
    }
}

/// One entry of `details[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Error code of this detail.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The field it is about.
    #[serde(default)]
    pub field_name: Option<String>,
}

/// The Platform API's error body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message_with_params: Option<String>,
    #[serde(default)]
    pub message_params: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    pub context_id: Option<String>,
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

impl ErrorBody {
    /// The best message the body offers: `message`, else `messageWithParams`
    /// with its parameters filled in.
    pub fn best_message(&self) -> Option<String> {
        if let Some(m) = self.message.as_deref().filter(|m| !m.is_empty()) {
            return Some(m.to_string());
        }
        let mut text = self.message_with_params.clone()?;
        for (key, value) in self.message_params.iter().flatten() {
            let shown = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text = text.replace(&format!("{{{key}}}"), &shown);
        }
        Some(text)
    }
}

/// The token endpoint's error body (`description` is used by some answers).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn retried_note(attempts: u32, gave_up: Option<GiveUpReason>) -> String {
    match gave_up {
        None | Some(GiveUpReason::NotRetryable) if attempts <= 1 => String::new(),
        None | Some(GiveUpReason::NotRetryable) => format!(" (after {attempts} attempts)"),
        Some(GiveUpReason::TooManyAttempts) => {
            format!(" (gave up after {attempts} attempts: retry limit reached)")
        }
        Some(GiveUpReason::DeadlineExceeded) => {
            format!(" (gave up after {attempts} attempts: retry deadline reached)")
        }
        Some(GiveUpReason::RetryAfterTooLong) => format!(
            " (gave up after {attempts} attempts: the server asked to wait longer than the retry bound)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_names_operation_status_fields_and_correlation_id() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"message":"","code":"bad.request","messageWithParams":"Value {v} is invalid","messageParams":{"v":"x"},
                "details":[{"errorCode":"invalid","fieldName":"accessTokenValiditySeconds"}],"contextId":"ctx-1"}"#,
        )
        .expect("valid");
        let err = ApiError {
            operation: "create OAuth client \"ci\"".into(),
            status: 400,
            code: body.code.clone(),
            message: body.best_message().unwrap_or_default(),
            details: body.details.clone(),
            correlation_id: body.context_id.clone(),
            attempts: 3,
            gave_up: Some(GiveUpReason::NotRetryable),
        };
        let text = err.to_string();
        assert_eq!(
            text,
            "create OAuth client \"ci\": Genesys Cloud answered HTTP 400 bad.request: Value x is invalid; \
             field accessTokenValiditySeconds: invalid (correlation id ctx-1) (after 3 attempts)"
        );
    }

    #[test]
    fn decode_errors_do_not_quote_the_input() {
        let err = serde_json::from_str::<u32>(r#""s3cr3t-value""#).expect_err("not a number");
        let text = GenesysError::decode("read", &err).to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("unexpected JSON shape"));
    }

    #[test]
    fn refused_credentials_are_recognised_whatever_the_status() {
        let token = |status, error: &str| GenesysError::Token {
            operation: "verify".into(),
            login_host: "login.example.com".into(),
            status,
            error: error.into(),
            description: None,
            attempts: 1,
            gave_up: None,
        };
        assert!(token(401, "invalid_client").is_rejected_credentials());
        assert!(token(400, "invalid_client").is_rejected_credentials());
        assert!(token(400, "unauthorized_client").is_rejected_credentials());
        assert!(!token(400, "invalid_request").is_rejected_credentials());
        assert!(!token(503, "invalid_client").is_rejected_credentials());
    }

    #[test]
    fn only_an_api_calls_own_404_means_not_found() {
        let token_404 = GenesysError::Token {
            operation: "authenticate the provider".into(),
            login_host: "login.example.com".into(),
            status: 404,
            error: "Not Found".into(),
            description: None,
            attempts: 1,
            gave_up: None,
        };
        assert!(!token_404.is_not_found());
        let api_404 = GenesysError::Api(Box::new(ApiError {
            operation: "read OAuth client c1".into(),
            status: 404,
            code: Some("not.found".into()),
            message: "not found".into(),
            details: vec![],
            correlation_id: None,
            attempts: 1,
            gave_up: None,
        }));
        assert!(api_404.is_not_found());
        let GenesysError::Api(mut bare) = api_404 else {
            unreachable!("built above")
        };
        bare.code = None;
        assert!(
            !GenesysError::Api(bare).is_not_found(),
            "a 404 without Genesys' error body is not Genesys saying \"gone\""
        );
    }
}
