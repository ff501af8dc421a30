//! The secret hash kept in state instead of the secret.
//!
//! `sha256:<hex>` of a domain tag, the client id and the secret, each
//! length-prefixed. The tag keeps these hashes apart from any other SHA-256
//! of the same bytes; the client id salts it, so two clients never share a
//! hash even with equal secrets. What protects the secret is its entropy
//! (Genesys secrets are long random strings): the hash lets a reader see
//! that the secret changed, not learn it.

use sha2::{Digest, Sha256};

use crate::secret::Secret;

const DOMAIN: &[u8] = b"terraform-provider-genesyscloud/oauth-client-secret/v1";

/// The state's `secret_hash` for this client's secret.
pub fn secret_hash(client_id: &str, secret: &Secret) -> String {
    let mut h = Sha256::new();
    for part in [DOMAIN, client_id.as_bytes(), secret.expose().as_bytes()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    format!("sha256:{}", hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_salted_and_not_plain_sha256() {
        let s = Secret::new("same-secret");
        let a = secret_hash("client-a", &s);
        assert_eq!(a, secret_hash("client-a", &Secret::new("same-secret")));
        assert_ne!(a, secret_hash("client-b", &s));
        assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
        let plain = hex::encode(Sha256::digest(b"same-secret"));
        assert!(!a.contains(&plain));
        // Length prefixes: moving bytes between id and secret changes the hash.
        assert_ne!(
            secret_hash("ab", &Secret::new("c")),
            secret_hash("a", &Secret::new("bc"))
        );
    }
}
