//! OAuth clients whose secret nobody holds: this provider process created
//! them, the create's answer was the only time the secret was ever shown,
//! and it went nowhere (no integration credential was asked for). A sink's
//! apply asks Vault ahead of a regenerate whether the write will be allowed
//! so that consumers holding the current secret are not cut off by a write
//! that is then refused; for these clients there are no such consumers, so
//! the write's own answer is the check (`check_ahead` in `vault_secret/preflight.rs`).
//! Once a sink wrote a client's secret, consumers may hold it; but a
//! client belongs to one sink, and a sink is applied once per process, so
//! no second regenerate of it comes in this process.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// The clients this process created whose secret went nowhere.
#[derive(Debug, Default)]
pub struct UnheldSecrets {
    ids: Mutex<HashSet<String>>,
}

impl UnheldSecrets {
    /// `client_id` was just created here and its secret given to nobody.
    pub fn record(&self, client_id: &str) {
        let mut ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        ids.insert(client_id.to_string());
    }

    /// True when nobody holds the secret of any of `clients` (false for
    /// none).
    pub fn holds_none<'a>(&self, clients: impl IntoIterator<Item = &'a str>) -> bool {
        let ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        let mut clients = clients.into_iter().peekable();
        clients.peek().is_some() && clients.all(|c| ids.contains(c))
    }
}

/// The process's record.
pub fn unheld_secrets() -> &'static UnheldSecrets {
    static UNHELD: OnceLock<UnheldSecrets> = OnceLock::new();
    UNHELD.get_or_init(UnheldSecrets::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clients_all_created_here_hold_no_secret() {
        let unheld = UnheldSecrets::default();
        assert!(!unheld.holds_none(["a"]), "nothing recorded");
        assert!(!unheld.holds_none([]), "no client: nothing to vouch for");
        unheld.record("a");
        assert!(unheld.holds_none(["a"]));
        assert!(!unheld.holds_none(["a", "b"]), "b may be held");
        unheld.record("b");
        assert!(unheld.holds_none(["a", "b"]));
    }
}
