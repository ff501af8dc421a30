//! One client, one sink. A regenerate kills the previous secret, so two
//! sinks keeping the same OAuth client kill each other's secret at every
//! rotation. Within one provider process (one plan, or one apply) the first
//! sink to name a client claims it for its Vault entry; another entry
//! naming the same client is refused, at plan when the ids are known and
//! before any regenerate at apply otherwise. It also remembers the
//! entries a plan replaces or destroys: their claims in Vault
//! (`vault_secret/claim.rs`) are this configuration's own to take over.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::vault::KvPath;

/// The clients claimed so far in this process, and by which entry.
#[derive(Debug, Default)]
pub struct Claims {
    by_client: Mutex<HashMap<String, KvPath>>,
    /// (client, entry) pairs a plan replaces or destroys.
    leaving: Mutex<HashSet<(String, String)>>,
}

impl Claims {
    /// Claims `client_id` for `entry`. The same entry may claim again
    /// (Terraform plans a resource more than once); another entry gets the
    /// entry that holds the claim.
    pub fn claim(&self, client_id: &str, entry: &KvPath) -> Result<(), KvPath> {
        let mut by_client = self.by_client.lock().unwrap_or_else(|e| e.into_inner());
        match by_client.get(client_id) {
            Some(holder) if holder != entry => Err(holder.clone()),
            Some(_) => Ok(()),
            None => {
                by_client.insert(client_id.to_string(), entry.clone());
                Ok(())
            }
        }
    }
}

impl Claims {
    /// Records that the sink writing `entry` stops keeping `client_id` in
    /// this plan (it is replaced or destroyed).
    pub fn leave(&self, client_id: &str, entry: &KvPath) {
        let mut leaving = self.leaving.lock().unwrap_or_else(|e| e.into_inner());
        leaving.insert((client_id.to_string(), entry.to_string()));
    }

    /// Whether the sink writing `entry` (`<mount>/<path>`) stops keeping
    /// `client_id` in this plan.
    pub fn is_leaving(&self, client_id: &str, entry: &str) -> bool {
        let leaving = self.leaving.lock().unwrap_or_else(|e| e.into_inner());
        leaving.contains(&(client_id.to_string(), entry.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> KvPath {
        KvPath::checked("secret", path, ["mount", "path"]).expect("valid")
    }

    #[test]
    fn a_client_is_kept_by_one_entry() {
        let claims = Claims::default();
        assert_eq!(claims.claim("c1", &entry("a")), Ok(()));
        assert_eq!(claims.claim("c1", &entry("a")), Ok(()), "planned twice");
        assert_eq!(claims.claim("c1", &entry("b")), Err(entry("a")));
        assert_eq!(claims.claim("c2", &entry("b")), Ok(()));
    }

    #[test]
    fn an_entry_a_plan_replaces_leaves_its_clients() {
        let claims = Claims::default();
        claims.leave("c1", &entry("a"));
        assert!(claims.is_leaving("c1", "secret/a"));
        assert!(!claims.is_leaving("c1", "secret/b"));
        assert!(!claims.is_leaving("c2", "secret/a"));
    }
}
