//! Which integration credential each OAuth client has, as far as this
//! provider process has seen. A sink cannot see its client's state, yet a
//! client whose credential no sink keeps current is left with a dead secret
//! at the sink's first rotation. So the client resource records its
//! credential here whenever it knows it (read, plan, apply), and the sink
//! looks its client up when it plans and applies. Terraform handles a
//! client before the sink that references it, so the record is there in
//! time; a client whose credential is unknown is simply not recorded.

use std::collections::HashMap;
use std::sync::Mutex;

/// OAuth client id → integration credential id, for this process.
#[derive(Debug, Default)]
pub struct IntegrationCredentials {
    by_client: Mutex<HashMap<String, String>>,
}

impl IntegrationCredentials {
    /// Records the credential of `client_id`; `None` forgets it (the client
    /// has none any more).
    pub fn record(&self, client_id: &str, credential_id: Option<&str>) {
        let mut by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        match credential_id {
            Some(id) => by_client.insert(client_id.to_string(), id.to_string()),
            None => by_client.remove(client_id),
        };
    }

    /// The credential recorded for `client_id`.
    pub fn of(&self, client_id: &str) -> Option<String> {
        self.by_client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(client_id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_record_wins_and_none_forgets() {
        let registry = IntegrationCredentials::default();
        assert_eq!(registry.of("c1"), None);
        registry.record("c1", Some("k1"));
        registry.record("c1", Some("k2"));
        registry.record("c2", Some("k3"));
        assert_eq!(registry.of("c1").as_deref(), Some("k2"));
        registry.record("c1", None);
        assert_eq!(registry.of("c1"), None);
        assert_eq!(registry.of("c2").as_deref(), Some("k3"));
    }
}
