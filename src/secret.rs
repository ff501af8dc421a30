//! The one type secrets travel in.
//!
//! A [`Secret`] wraps [`secrecy::SecretString`]: the bytes are zeroized when it
//! is dropped, and `Debug`/`Display` print `***`, so a secret that slips into a
//! log line, an error message or a panic shows nothing.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

/// A client secret, access token or Vault token.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a string; the caller's copy should be dropped right after.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The secret's text. Call only where the value must leave the process
    /// (an HTTP header or body) or be hashed; never format it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn deserializes_from_a_json_string() {
        #[derive(Deserialize, Debug)]
        struct Body {
            secret: Secret,
        }
        let body: Body = serde_json::from_str(r#"{"secret":"abc"}"#).expect("valid json");
        assert_eq!(body.secret.expose(), "abc");
        assert!(!format!("{body:?}").contains("abc"));
    }
}
