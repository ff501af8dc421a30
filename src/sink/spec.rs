//! What a sink operation is asked to do: the entry, its key names, the
//! clients, and what the plan saw. Plain data, shared by every step of the
//! sink (a leaf: it uses none of them).

use std::collections::BTreeMap;

use crate::plan::pair::Pair;
use crate::plan::sink::Observed;
use crate::plan::sink_integration_credential::Target;
use crate::vault::KvPath;

/// Names of the keys written to the Vault entry (an empty name leaves the
/// field out, except the secret, which is always written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames {
    /// Key of the client id.
    pub client_id: String,
    /// Key of the client secret.
    pub client_secret: String,
    /// Key of the API base URL.
    pub base_url: String,
    /// Key of the token endpoint URL.
    pub token_url: String,
}

/// What the sink writes, and where.
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// The sink's OAuth client id (the entry's ownership mark).
    pub client_id: String,
    /// The second client rotated in turn with `client_id`, if any.
    pub standby_client_id: Option<String>,
    /// The client state says is in Vault, when state can be trusted for it
    /// (`plan::pair::trusted_state_record`); else the entry's record decides.
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
}

impl SinkSpec {
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
