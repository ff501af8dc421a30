//! The integration credential a sink keeps current: its secret must be the
//! one in Vault. `prepare` reads the credential before anything changes
//! (its name, which a PUT must carry again, and that it holds an OAuth
//! client), so a credential that cannot be read stops a rotation while the
//! old secret still works; [`write`] puts the new secret into it after the
//! Vault write, beside the verify (a PUT; a POST under the same name
//! when it was deleted outside Terraform); [`sync`] writes the secret held
//! in Vault into a credential that missed a rotation, without a regenerate.
//! Around them, what the sink's RPCs do with the credential its private
//! state keeps ([`Kept`]): [`refresh`] it, [`recover`] it from the entry's
//! record when state lost it, [`record`] what a write did, and
//! [`keep_current`] on an update that does not rotate. What the user must
//! hear comes back as an [`AttributeError`] for the glue to say.

use std::collections::BTreeMap;

use tracing::{info, warn};

use super::credential_rules::{self as rules, Kept, Step, Target};
use crate::attribute_error::AttributeError;
use crate::genesys::{
    GenesysClient, GenesysError, OAuthClientCredential, OAUTH_CLIENT_CREDENTIAL_TYPE,
};
use crate::secret::Secret;
use crate::vault::VaultClient;
use crate::vault_secret::error::SinkError;
use crate::vault_secret::spec::SinkSpec;

/// A credential read before a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Prepared {
    /// Its id (for a credential that no longer exists, the old one).
    id: String,
    /// Its name, kept by the write.
    name: String,
    /// False when it is gone and is made again under `name`.
    exists: bool,
}

/// What writing the credential did.
#[derive(Debug)]
pub struct Written {
    /// The credential that holds the secret now (or should: see `error`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Why it does not hold the secret, when the write failed.
    pub error: Option<SinkError>,
}

/// Reads the credential a write will go to; `None` without a target.
pub(super) async fn prepare(
    genesys: &GenesysClient,
    target: Option<&Target>,
) -> Result<Option<Prepared>, SinkError> {
    let Some(target) = target else {
        return Ok(None);
    };
    let id = target.id.clone();
    match genesys.get_credential(&id).await {
        Ok(Some(found)) => {
            let kind = found.credential_type.map(|t| t.name).unwrap_or_default();
            if !kind.is_empty() && kind != OAUTH_CLIENT_CREDENTIAL_TYPE {
                return Err(SinkError::NotOAuthCredential {
                    id,
                    credential_type: kind,
                });
            }
            Ok(Some(Prepared {
                id,
                name: found.name,
                exists: true,
            }))
        }
        Ok(None) => match &target.remake_as {
            Some(name) => Ok(Some(Prepared {
                id,
                name: name.clone(),
                exists: false,
            })),
            None => Err(SinkError::CredentialMissing { id }),
        },
        Err(source) => Err(SinkError::CredentialUnreadable { id, source }),
    }
}

/// Writes `client_id` (the client just regenerated: the sink's, or one of
/// its pair) and `secret` into the prepared credential. A failure is
/// returned inside [`Written`]: the secret is in Vault by now.
pub(super) async fn write(
    genesys: &GenesysClient,
    spec: &SinkSpec,
    client_id: &str,
    prepared: Prepared,
    secret: &Secret,
) -> Written {
    let body = OAuthClientCredential {
        name: prepared.name.clone(),
        client_id: client_id.to_string(),
        client_secret: secret.clone(),
    };
    let result = if prepared.exists {
        genesys.update_credential(&prepared.id, &body).await
    } else {
        warn!(credential_id = %prepared.id, name = %prepared.name, "the integration credential was deleted outside Terraform; making it again");
        genesys.create_credential(&body).await
    };
    match result {
        Ok(credential) => {
            info!(client_id, credential_id = %credential.id, "integration credential holds the new secret");
            let name = if credential.name.is_empty() {
                prepared.name
            } else {
                credential.name
            };
            Written {
                id: credential.id,
                name,
                error: None,
            }
        }
        Err(source) => {
            let (id, name) = (prepared.id, prepared.name);
            let (client_id, entry) = (spec.client_id.clone(), spec.entry.clone());
            let error = if prepared.exists {
                SinkError::CredentialStale {
                    id: id.clone(),
                    name: name.clone(),
                    client_id,
                    entry,
                    source,
                }
            } else {
                SinkError::CredentialNotRemade {
                    id: id.clone(),
                    name: name.clone(),
                    client_id,
                    entry,
                    source,
                }
            };
            Written {
                id,
                name,
                error: Some(error),
            }
        }
    }
}

/// Writes the secret held in Vault into `target`, without a regenerate:
/// version `written` of the entry (the one the sink wrote; the latest when
/// `None`), under the configured key.
pub async fn sync(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    target: &Target,
    written: Option<u64>,
) -> Result<Written, SinkError> {
    let prepared =
        prepare(genesys, Some(target))
            .await?
            .ok_or_else(|| SinkError::CredentialMissing {
                id: target.id.clone(),
            })?;
    let read = match written {
        Some(version) => vault.read_version(&spec.entry, version).await?,
        None => vault.read_data(&spec.entry).await?,
    };
    let found = read.to_string();
    let data = read.live();
    // The client the entry holds (one of a pair, or the sink's own).
    let client_id = data
        .as_ref()
        .filter(|_| !spec.keys.client_id.is_empty())
        .and_then(|data| data.value(&spec.keys.client_id))
        .map(|id| id.expose().to_string())
        .unwrap_or_else(|| spec.client_id.clone());
    let secret = data
        .as_ref()
        .and_then(|data| data.value(&spec.keys.client_secret).cloned())
        .ok_or_else(|| SinkError::ChangedSincePlan {
            entry: spec.entry.clone(),
            expected: format!(
                "the secret this sink wrote, under {:?}",
                spec.keys.client_secret
            ),
            found,
        })?;
    Ok(write(genesys, spec, &client_id, prepared, &secret).await)
}

/// The sink's attribute naming the credential.
const ATTRIBUTE: &str = "integration_credential_id";

/// Refreshes what the private state keeps: the credential's name, or that
/// it was deleted outside Terraform.
pub async fn refresh(genesys: &GenesysClient, kept: &mut Option<Kept>) -> Result<(), GenesysError> {
    let Some(k) = kept else {
        return Ok(());
    };
    match genesys.get_credential(&k.id).await? {
        Some(found) => {
            if !found.name.is_empty() {
                k.name = found.name;
            }
            k.gone = false;
        }
        None => {
            info!(credential_id = %k.id, "the integration credential the sink keeps is gone");
            k.gone = true;
        }
    }
    Ok(())
}

/// Takes back the credential the sink kept current when state lost it (an
/// older release's refresh drops `integration_credential_id` and private
/// state): the one the entry's own record names for this client
/// (`rules::recover` says why that is certain), if it still exists in
/// Genesys Cloud. Returns the id found again, which `kept` now holds.
pub async fn recover(
    genesys: &GenesysClient,
    client_id: &str,
    in_state: Option<&str>,
    kept: &mut Option<Kept>,
    metadata: &BTreeMap<String, String>,
) -> Result<Option<String>, GenesysError> {
    let Some(id) = rules::recover(client_id, in_state, kept.as_ref(), metadata) else {
        return Ok(None);
    };
    let Some(found) = genesys.get_credential(&id).await? else {
        info!(client_id, credential_id = %id, "the credential the Vault entry names is gone");
        return Ok(None);
    };
    info!(client_id, credential_id = %id, "integration credential found again from the Vault entry's record");
    *kept = Some(rules::recovered(&id, &found.name));
    Ok(Some(id))
}

/// Records in `kept` what a write into the credential configured as
/// `wired` did. A failed write leaves a kept credential that is not
/// current, and returns the error to say on `integration_credential_id`,
/// whose state then goes null (the next plan shows the change and writes
/// it). `creating`: the write was part of the sink's create, which
/// Terraform taints on an error (the next apply replaces the sink).
pub fn record(
    wired: Option<&str>,
    kept: &mut Option<Kept>,
    written: Option<Written>,
    creating: bool,
) -> Option<AttributeError> {
    let (Some(written), Some(wired)) = (written, wired) else {
        *kept = None;
        return None;
    };
    let recovered = kept
        .as_ref()
        .is_some_and(|k| k.recovered && k.stands_for(wired));
    *kept = Some(Kept {
        wired: wired.to_string(),
        id: written.id,
        name: written.name,
        current: written.error.is_none(),
        gone: false,
        recovered,
    });
    let e = written.error?;
    let tainted = if creating {
        " This was the sink's create, so Terraform marks the sink tainted instead: the next apply replaces it, which regenerates the secret and writes it into the credential."
    } else {
        ""
    };
    Some(AttributeError::new(
        ATTRIBUTE,
        "The integration credential does not hold the new secret",
        format!("{e}{tainted}"),
    ))
}

/// On an update that does not rotate: records the configured credential
/// (`wired`), or writes the secret held in Vault (version `written`) into
/// it. An error to say on `integration_credential_id` when the credential
/// does not hold that secret.
pub async fn keep_current(
    genesys: &GenesysClient,
    vault: &VaultClient,
    spec: &SinkSpec,
    written: Option<u64>,
    wired: Option<&str>,
    kept: &mut Option<Kept>,
) -> Option<AttributeError> {
    match rules::step(wired, kept.as_ref()) {
        Step::Forget => *kept = None,
        Step::Record => {
            if let (Some(k), Some(id)) = (kept.as_mut(), wired) {
                k.wired = id.to_string();
            }
        }
        Step::Sync(target) => {
            return match sync(genesys, vault, spec, &target, written).await {
                Ok(done) => record(wired, kept, Some(done), false),
                Err(e) => Some(AttributeError::new(
                    ATTRIBUTE,
                    "Could not write the secret into the integration credential",
                    e.to_string(),
                )),
            };
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(id: &str, error: Option<SinkError>) -> Written {
        Written {
            id: id.into(),
            name: "actions".into(),
            error,
        }
    }

    fn failed() -> SinkError {
        SinkError::CredentialMissing { id: "k1".into() }
    }

    #[test]
    fn a_write_is_recorded_and_a_failed_one_is_said() {
        let recovered = Some(Kept {
            recovered: true,
            ..rules::recovered("k1", "actions")
        });
        // (wired, kept before, written, creating) -> (kept id, current, recovered, error?, tainted?)
        type Row = (
            Option<&'static str>,
            Option<Kept>,
            Option<Written>,
            bool,
            Option<(&'static str, bool, bool)>,
            Option<bool>,
        );
        let table: Vec<Row> = vec![
            (
                Some("k1"),
                None,
                Some(written("k1", None)),
                false,
                Some(("k1", true, false)),
                None,
            ),
            (
                Some("k1"),
                recovered.clone(),
                Some(written("k2", None)),
                false,
                Some(("k2", true, true)),
                None,
            ),
            (
                Some("k3"),
                recovered,
                Some(written("k3", None)),
                false,
                Some(("k3", true, false)),
                None,
            ),
            (
                Some("k1"),
                None,
                Some(written("k1", Some(failed()))),
                false,
                Some(("k1", false, false)),
                Some(false),
            ),
            (
                Some("k1"),
                None,
                Some(written("k1", Some(failed()))),
                true,
                Some(("k1", false, false)),
                Some(true),
            ),
            (None, None, Some(written("k1", None)), false, None, None),
            (Some("k1"), None, None, false, None, None),
        ];
        for (wired, before, done, creating, want, error) in table {
            let mut kept = before;
            let said = record(wired, &mut kept, done, creating);
            let got = kept
                .as_ref()
                .map(|k| (k.id.as_str(), k.current, k.recovered));
            assert_eq!(got, want, "{wired:?}");
            assert_eq!(said.is_some(), error.is_some(), "{wired:?}");
            if let (Some(e), Some(tainted)) = (said, error) {
                assert_eq!(e.attribute, ATTRIBUTE);
                assert_eq!(e.detail.contains("tainted"), tainted);
            }
        }
    }
}
