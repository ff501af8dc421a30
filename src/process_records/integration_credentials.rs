//! Which integration credential each OAuth client has, as far as this
//! provider process has seen. A sink cannot see its client's state, yet a
//! client whose credential no sink keeps current is left with a dead secret
//! at the sink's first rotation. So the client resource records its
//! credential here whenever it knows it (read, plan, apply), and the sink
//! looks its client up when it plans and applies. Terraform handles a
//! client before the sink that references it, so the record is there in
//! time; a client whose credential is unknown is simply not recorded.
//!
//! A credential belongs to one client: two clients planned in one process
//! with the same credential name are refused ([`IntegrationCredentials::claim_name`],
//! as `claims.rs` refuses two sinks for one client), and a sink may write
//! only into a credential that is not recorded as another client's
//! ([`IntegrationCredentials::owner`]).
//!
//! A sink that found its client's credential again from its Vault entry's
//! record (`recover` in `vault_secret/credential_rules.rs`), after an older
//! release dropped it from both states, hands it over when it is destroyed
//! ([`IntegrationCredentials::hand_over`]): Terraform destroys the sink
//! before its client, whose destroy then deletes it.

use std::collections::HashMap;
use std::sync::Mutex;

/// OAuth client id → integration credential id, for this process, and
/// which client planned each credential name.
#[derive(Debug, Default)]
pub struct IntegrationCredentials {
    by_client: Mutex<HashMap<String, String>>,
    names: Mutex<HashMap<String, Vec<Claimant>>>,
    handed_over: Mutex<HashMap<String, Handed>>,
}

/// A credential a sink handed over to its client: its id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    /// The credential's id.
    pub id: String,
    /// Its name, as the sink last read it.
    pub name: String,
}

/// A `genesyscloud_oauth_client` planning a credential name. Terraform
/// says nothing of which resource it plans, so a client is told by its id
/// when it has one, and otherwise by a fingerprint of its configuration.
/// In one process a resource is planned at most once without an id (its
/// create) and once with it (its update, or the first half of a
/// replacement, whose create follows with the same configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    /// The client's id; `None` for a client about to be created.
    pub client_id: Option<String>,
    /// A fingerprint of its configuration.
    pub fingerprint: u64,
}

impl Claimant {
    /// The client `client_id` (`None`: about to be created) planned with
    /// `config`, fingerprinted from its serialized form.
    pub fn of(client_id: Option<&str>, config: &impl serde::Serialize) -> Claimant {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        serde_json::to_string(config)
            .unwrap_or_default()
            .hash(&mut hasher);
        Claimant {
            client_id: client_id.map(str::to_string),
            fingerprint: hasher.finish(),
        }
    }

    /// True when `other` is this same resource planned again.
    fn same_resource(&self, other: &Claimant) -> bool {
        match (&self.client_id, &other.client_id) {
            (Some(a), Some(b)) => a == b,
            (None, None) => false,
            _ => self.fingerprint == other.fingerprint,
        }
    }
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

    /// Claims credential name `name` for `claimant`; another client that
    /// claimed it first is returned.
    pub fn claim_name(&self, name: &str, claimant: Claimant) -> Result<(), Claimant> {
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let claims = names.entry(name.to_string()).or_default();
        if let Some(other) = claims.iter().find(|c| !c.same_resource(&claimant)) {
            return Err(other.clone());
        }
        if !claims.contains(&claimant) {
            claims.push(claimant);
        }
        Ok(())
    }

    /// The client whose credential `credential_id` is, as recorded here.
    pub fn owner(&self, credential_id: &str) -> Option<String> {
        self.by_client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(_, id)| id.as_str() == credential_id)
            .map(|(client, _)| client.clone())
    }

    /// Hands credential `handed`, which a sink kept current for `client_id`
    /// and found again from its entry's record, over to the client.
    pub fn hand_over(&self, client_id: &str, handed: Handed) {
        self.handed_over
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(client_id.to_string(), handed);
    }

    /// The credential a sink handed over to `client_id`, if any.
    pub fn handed_over(&self, client_id: &str) -> Option<Handed> {
        self.handed_over
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(client_id)
            .cloned()
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
    fn a_configuration_is_told_apart_by_its_fingerprint() {
        let a = Claimant::of(None, &["roles", "a"]);
        assert_eq!(a, Claimant::of(None, &["roles", "a"]));
        assert_ne!(
            a.fingerprint,
            Claimant::of(None, &["roles", "b"]).fingerprint
        );
        let known = Claimant::of(Some("c1"), &["roles", "a"]);
        assert_eq!(known.client_id.as_deref(), Some("c1"));
        assert!(known.same_resource(&a));
        assert!(!a.same_resource(&Claimant::of(None, &["roles", "a"])));
    }

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
        assert_eq!(registry.owner("k3").as_deref(), Some("c2"));
        assert_eq!(registry.owner("k2"), None, "forgotten");
        let handed = Handed {
            id: "k7".into(),
            name: "n".into(),
        };
        registry.hand_over("c1", handed.clone());
        assert_eq!(registry.handed_over("c1"), Some(handed));
        assert_eq!(registry.handed_over("c2"), None);
        assert_eq!(registry.of("c1"), None, "not the client's own record");
    }

    fn claimant(client_id: Option<&str>, fingerprint: u64) -> Claimant {
        Claimant {
            client_id: client_id.map(str::to_string),
            fingerprint,
        }
    }

    #[test]
    fn a_credential_name_is_planned_by_one_client() {
        let registry = IntegrationCredentials::default();
        // An update, then the create half of its replacement.
        assert_eq!(registry.claim_name("n", claimant(Some("c1"), 1)), Ok(()));
        assert_eq!(registry.claim_name("n", claimant(Some("c1"), 1)), Ok(()));
        assert_eq!(registry.claim_name("n", claimant(None, 1)), Ok(()));
        // Another existing client, or another new one.
        assert_eq!(
            registry.claim_name("n", claimant(Some("c2"), 2)),
            Err(claimant(Some("c1"), 1))
        );
        assert!(registry.claim_name("n", claimant(None, 3)).is_err());
        // Two new clients, even configured alike.
        assert_eq!(registry.claim_name("m", claimant(None, 4)), Ok(()));
        assert_eq!(
            registry.claim_name("m", claimant(None, 4)),
            Err(claimant(None, 4))
        );
        assert_eq!(
            registry.claim_name("other", claimant(Some("c2"), 2)),
            Ok(())
        );
    }
}
