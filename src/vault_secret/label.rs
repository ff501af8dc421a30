//! The entry's labels: its custom metadata (KV v2 only, no new version),
//! the provider's marks naming the client, the client whose credentials the
//! entry holds and the integration credential the sink keeps current,
//! beside the user's own keys. Written before a rotation's write, after it,
//! and when a restore or an apply changes what the entry holds.

use super::rules;
use super::spec::SinkSpec;
use crate::config::Env;
use crate::vault::{KvVersion, VaultClient, VaultError};

/// Writes the entry's custom metadata (KV v2 only; no new version), naming
/// `active` as the client whose credentials the entry holds when known, and
/// the integration credential the sink keeps current, if any.
pub async fn label(
    vault: &VaultClient,
    spec: &SinkSpec,
    active: Option<&str>,
) -> Result<(), VaultError> {
    if vault.kv_version(spec.entry.mount()).await? == KvVersion::V2 {
        let env = |k: &str| Env::process().var(k);
        let mut md = rules::custom_metadata(&spec.custom_metadata, &spec.client_id, active, &env);
        let credential = spec.credential.as_ref().map(|t| t.id.as_str());
        rules::record_credential(&mut md, credential);
        vault.write_custom_metadata(&spec.entry, &md).await?;
    }
    Ok(())
}
