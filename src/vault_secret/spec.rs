//! What a sink operation is asked to do: the entry, its key names, the
//! clients, and what the plan saw. Plain data, shared by every step of the
//! sink (a leaf: it uses none of them).

use std::collections::BTreeMap;

use crate::attribute_error::AttributeError;
use crate::vault::KvPath;
use crate::vault_secret::claim::PlannedClaim;
use crate::vault_secret::credential_rules::Target;
pub use crate::vault_secret::fields::KeyNames;
use crate::vault_secret::fields::{plain_map, SinkFields};
use crate::vault_secret::input::entry_refusal;
use crate::vault_secret::pair::Pair;
use crate::vault_secret::rules::{Observed, DEFAULT_VERIFY};

/// What the sink writes, and where.
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// The sink's OAuth client id (the entry's ownership mark).
    pub client_id: String,
    /// The second client rotated in turn with `client_id`, if any.
    pub standby_client_id: Option<String>,
    /// The client state says is in Vault, when state can be trusted for it
    /// (`crate::vault_secret::pair::trusted_state_record`); else the entry's record decides.
    pub active_client_id: Option<String>,
    /// Where the entry is.
    pub entry: KvPath,
    /// Key names.
    pub keys: KeyNames,
    /// Non-secret values written beside the credentials.
    pub extra: BTreeMap<String, String>,
    /// The user's custom metadata (ours is added).
    pub custom_metadata: BTreeMap<String, String>,
    /// Exchange the new credentials after writing them.
    pub verify: bool,
    /// The integration credential every regenerate writes too, if any.
    pub credential: Option<Target>,
    /// The clients whose claim a rotation writes before it regenerates
    /// (each with its attribute): those the sink starts keeping.
    pub claiming: Vec<(&'static str, String)>,
    /// What the plan saw of their claims (`crate::vault_secret::claim`).
    pub planned_claims: Vec<PlannedClaim>,
}

impl SinkSpec {
    /// What the sink with these fields writes (no credential yet). Mount
    /// and path were checked at validate; state written by an older
    /// release could still hold a malformed one: the refusal on `path`.
    pub fn of(s: &SinkFields) -> Result<SinkSpec, AttributeError> {
        let entry = s
            .entry()
            .ok_or_else(|| entry_refusal(&s.mount.text(), &s.path.text()))?;
        Ok(SinkSpec {
            client_id: s.client_id.text(),
            standby_client_id: s.standby_client_id.known().cloned(),
            active_client_id: s.active_client_id.known().cloned(),
            entry,
            keys: s.keys(),
            extra: plain_map(&s.extra),
            custom_metadata: plain_map(&s.custom_metadata),
            verify: s.verify.known().copied().unwrap_or(DEFAULT_VERIFY),
            credential: None,
            claiming: Vec::new(),
            planned_claims: Vec::new(),
        })
    }

    /// The clients the sink claims, as `vault_claim.rs` takes them.
    pub(super) fn claiming(&self) -> Vec<(&'static str, &str)> {
        self.claiming
            .iter()
            .map(|(a, c)| (*a, c.as_str()))
            .collect()
    }

    /// The sink's clients.
    pub fn pair(&self) -> Pair<'_> {
        Pair::new(&self.client_id, self.standby_client_id.as_deref())
    }

    /// The spec the sink's unit tests start from: client `a` (with
    /// `standby`), the entry `secret/genesys/ci`, the default key names for
    /// the id and the secret only, no verify, no credential.
    #[cfg(test)]
    pub(crate) fn for_tests(standby: Option<&str>) -> SinkSpec {
        let key = |k: &str| k.to_string();
        SinkSpec {
            client_id: "a".into(),
            standby_client_id: standby.map(str::to_string),
            active_client_id: None,
            entry: KvPath::checked("secret", "genesys/ci", ["mount", "path"]).expect("entry"),
            keys: KeyNames {
                client_id: key("client_id"),
                client_secret: key("client_secret"),
                base_url: key(""),
                token_url: key(""),
            },
            extra: BTreeMap::new(),
            custom_metadata: BTreeMap::new(),
            verify: false,
            credential: None,
            claiming: Vec::new(),
            planned_claims: Vec::new(),
        }
    }
}

/// The state a sink expected to find in Vault when the plan was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A new sink: the path must be free, hold only deleted versions, or
    /// hold an entry this provider wrote for the same client.
    New,
    /// An existing sink: Vault must still be as observed at plan time.
    Observed(Observed),
}
