//! The `state` each `genesyscloud_oauth_client` in the configuration is
//! planned with (what the apply leaves it in: the configured state, or its
//! default `active`), for the sinks: a sink must not plan a rotation onto
//! a client the same plan leaves `inactive` (credentials written for it
//! would not work), and need not worry about one the plan activates. Terraform plans a client before the sink that references it,
//! so the record is there in time. One provider process serves one plan
//! or one apply, so the record is process-wide.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// OAuth client id → the `state` its plan leaves it in.
#[derive(Debug, Default)]
pub struct ConfiguredStates {
    by_client: Mutex<HashMap<String, String>>,
}

impl ConfiguredStates {
    /// Records the state `client_id` is planned with; `None` (not known
    /// yet) forgets it.
    pub fn record(&self, client_id: &str, state: Option<&str>) {
        let mut by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        match state {
            Some(state) => by_client.insert(client_id.to_string(), state.to_string()),
            None => by_client.remove(client_id),
        };
    }

    /// The state `client_id` is planned with, when recorded.
    pub fn of(&self, client_id: &str) -> Option<String> {
        let by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        by_client.get(client_id).cloned()
    }
}

/// The process's record.
pub fn configured_states() -> &'static ConfiguredStates {
    static STATES: OnceLock<ConfiguredStates> = OnceLock::new();
    STATES.get_or_init(ConfiguredStates::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_state_is_recorded_and_forgotten() {
        let states = ConfiguredStates::default();
        assert_eq!(states.of("c1"), None);
        states.record("c1", Some("inactive"));
        assert_eq!(states.of("c1").as_deref(), Some("inactive"));
        states.record("c1", Some("active"));
        assert_eq!(states.of("c1").as_deref(), Some("active"));
        states.record("c1", None);
        assert_eq!(states.of("c1"), None);
    }
}
