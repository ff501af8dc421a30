//! The access tokens opened ephemeral resources answered, held in this
//! process until their close revokes them. Terraform carries only a random
//! handle from open to close: the token itself never leaves the process but
//! in the open's answer.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::secret::Secret;

/// Tokens by handle.
#[derive(Debug, Default)]
pub struct HeldTokens {
    held: Mutex<HashMap<String, Secret>>,
}

impl HeldTokens {
    /// Keeps `token` until [`HeldTokens::take`]; answers its handle (128
    /// random bits, hex).
    pub fn hold(&self, token: Secret) -> String {
        let handle = format!("{:032x}", rand::random::<u128>());
        self.lock().insert(handle.clone(), token);
        handle
    }

    /// The token of `handle`, given up (`None` when this process holds no
    /// such token: closed already, or opened by another process).
    pub fn take(&self, handle: &str) -> Option<Secret> {
        self.lock().remove(handle)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_given_up_once_by_its_handle() {
        let tokens = HeldTokens::default();
        let a = tokens.hold(Secret::new("token-a"));
        let b = tokens.hold(Secret::new("token-b"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(!a.contains("token"));
        assert_eq!(
            tokens.take(&a).as_ref().map(Secret::expose),
            Some("token-a")
        );
        assert!(tokens.take(&a).is_none());
        assert!(tokens.take("unknown").is_none());
        assert_eq!(
            tokens.take(&b).as_ref().map(Secret::expose),
            Some("token-b")
        );
    }
}
