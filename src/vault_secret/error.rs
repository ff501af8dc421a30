//! Why a sink operation failed: each error says what was done, what was
//! not, and what to do. None carries a secret.

use crate::attribute_error::AttributeError;
use crate::genesys::GenesysError;
use crate::note::Note;
use crate::vault::{KvPath, VaultError};

/// Why a sink operation failed. Never carries the secret.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A Vault call failed before anything was changed.
    #[error("{0}")]
    Vault(#[from] VaultError),
    /// A Genesys call failed before anything was changed.
    #[error("{0}")]
    Genesys(#[from] GenesysError),
    /// The entry holds a live secret without this provider's mark.
    #[error("Vault entry {entry} already holds a live secret (version {version}) that this provider did not write; refusing to overwrite it. If it is OAuth client {client_id}'s (e.g. written by a script before this provider), import it (terraform import ... {client_id}:{entry}); else delete it or choose another path.")]
    NotOurs {
        /// The entry.
        entry: KvPath,
        /// Live version found (0 on KV v1).
        version: u64,
        /// The sink's client.
        client_id: String,
    },
    /// The entry holds the live secret of another OAuth client that still
    /// exists (another sink, in this or another Terraform state, keeps it).
    #[error("Vault entry {entry} holds the live secret of OAuth client {owner}, written by this provider (another sink keeps it, in this configuration or another state); refusing to overwrite another client's credentials with those of {client_id}. Choose another path for {client_id}.")]
    OwnedByOther {
        /// The entry.
        entry: KvPath,
        /// The client the entry is marked for.
        owner: String,
        /// The sink's client.
        client_id: String,
    },
    /// The claim of a client in Vault (`crate::vault_secret::claim`) was won by
    /// another sink since the plan: nothing was regenerated.
    #[error("{0}")]
    ClaimTaken(String),
    /// The regenerate got no clear answer: the secret may have been
    /// regenerated, and the one in Vault may no longer work.
    #[error("asked Genesys Cloud to regenerate the secret of OAuth client {client_id} but got no clear answer ({source}): the secret may have been regenerated, so credentials of {client_id} in Vault at {entry} may no longer work. Nothing was written to Vault; the next plan repairs the entry (it regenerates and writes again), whatever the configuration says.")]
    RegenerateUnsettled {
        /// Client id.
        client_id: String,
        /// The entry.
        entry: KvPath,
        /// What the regenerate got.
        source: GenesysError,
    },
    /// Vault changed between plan and apply.
    #[error("Vault entry {entry} changed since the plan (expected {expected}, found {found}); nothing was written and the secret was not rotated. Run plan again to see the change.")]
    ChangedSincePlan {
        /// The entry.
        entry: KvPath,
        /// What the plan saw.
        expected: String,
        /// What is there now.
        found: String,
    },
    /// The OAuth client does not exist (any more).
    #[error("OAuth client {0} does not exist in Genesys Cloud")]
    ClientGone(String),
    /// The sink's standby client does not exist (any more).
    #[error("OAuth client {standby} (standby_client_id) does not exist in Genesys Cloud; nothing was regenerated. Name an existing client-credentials client, or remove standby_client_id (the plan then rotates to client_id if {standby} is the client in Vault).")]
    StandbyGone {
        /// The standby's id.
        standby: String,
    },
    /// A client of a pair does not use the client-credentials grant.
    #[error("OAuth client {client_id} ({attribute}) uses grant type {grant}; the two clients of a sink with a standby_client_id must both be CLIENT-CREDENTIALS clients, which consumers exchange at the token endpoint. Nothing was regenerated.")]
    PairGrant {
        /// The attribute naming the client.
        attribute: &'static str,
        /// Client id.
        client_id: String,
        /// Its grant type.
        grant: String,
    },
    /// The client a rotation would regenerate and write cannot be used:
    /// credentials written for it would not work.
    #[error("OAuth client {client_id} ({attribute}) is the client this rotation would regenerate and write to Vault, but {reason}. Nothing was regenerated or written: the credentials in Vault are untouched. Set its state to active (in Genesys Cloud, or state = \"active\" on its genesyscloud_oauth_client){}", if *.single { ", then apply again." } else { ", or remove standby_client_id or name an active CLIENT-CREDENTIALS client there, then apply again." })]
    TargetUnusable {
        /// The attribute naming the client.
        attribute: &'static str,
        /// Client id.
        client_id: String,
        /// Why its credentials could not work.
        reason: String,
        /// The sink has no standby.
        single: bool,
    },
    /// In a pair, the new secret was refused before it was written.
    #[error("the new secret of OAuth client {client_id} was refused at the token endpoint ({source}), so it was not written: Vault at {entry} still holds the credentials of OAuth client {other}, which keep working. The secret of {client_id} was regenerated (its previous one, which Vault no longer held, stops working). Find why Genesys Cloud refuses {client_id} (its state, grant type, or organization), then apply again.")]
    NewSecretRefused {
        /// The client regenerated.
        client_id: String,
        /// The client whose credentials stay in Vault.
        other: String,
        /// The entry.
        entry: KvPath,
        /// What the token endpoint answered.
        source: GenesysError,
    },
    /// Verification needs the client-credentials grant.
    #[error("OAuth client {client_id} uses grant type {grant}; only CLIENT-CREDENTIALS clients can be verified at the token endpoint. Set verify = false for this sink.")]
    CannotVerify {
        /// Client id.
        client_id: String,
        /// Its grant type.
        grant: String,
    },
    /// The write of a new secret was sent, its answer lost, and Vault does
    /// not hold it as the version the write would have made.
    #[error("the secret of OAuth client {client_id} was regenerated and sent to Vault at {entry}, but Vault's answer was lost ({detail}) and the write did not land: the write would have made {expected}, Vault holds {found}. The previous secret no longer works and the new one is lost. Run plan and apply again: the refresh shows what Vault holds, and the apply regenerates and writes a new secret.")]
    LostWrite {
        /// Client id.
        client_id: String,
        /// The entry.
        entry: KvPath,
        /// The version the write would have made, e.g. `version 4`.
        expected: String,
        /// What Vault holds instead, e.g. `version 5, holding another secret`.
        found: String,
        /// The transport error that lost the answer.
        detail: String,
    },
    /// The integration credential to keep current could not be read before
    /// the regenerate: nothing was changed.
    #[error("could not read integration credential {id} ({source}). Nothing was changed: the secret was not regenerated and the one in use still works.")]
    CredentialUnreadable {
        /// The credential's id.
        id: String,
        /// What the read got.
        source: GenesysError,
    },
    /// The integration credential named does not exist, and the sink never
    /// wrote it, so it does not know the name to make it under.
    #[error("integration credential {id} does not exist in Genesys Cloud, and this sink never wrote it, so it does not know what to make in its place. Nothing was changed. Set integration_credential_id to an existing pureCloudOAuthClient credential (e.g. genesyscloud_oauth_client.<name>.integration_credential_id), or leave it out.")]
    CredentialMissing {
        /// The credential's id.
        id: String,
    },
    /// The integration credential named holds another kind of credential.
    #[error("integration credential {id} is of type {credential_type}, not pureCloudOAuthClient: refusing to write an OAuth client's id and secret into it. Nothing was changed.")]
    NotOAuthCredential {
        /// The credential's id.
        id: String,
        /// Its type.
        credential_type: String,
    },
    /// The new secret is in Vault, but the integration credential still
    /// holds the previous one, which no longer works.
    #[error("the new secret of OAuth client {client_id} is in Vault at {entry}, but writing it into integration credential {name:?} ({id}) failed: {source}. The credential still holds the previous secret, which no longer works: integrations that use it cannot authenticate until it is written. The next plan shows the change, and its apply writes the secret held in Vault into the credential, without regenerating.")]
    CredentialStale {
        /// The credential's id.
        id: String,
        /// Its name.
        name: String,
        /// Client id.
        client_id: String,
        /// The entry holding the new secret.
        entry: KvPath,
        /// What the write got.
        source: GenesysError,
    },
    /// The integration credential deleted outside Terraform could not be
    /// made again.
    #[error("integration credential {name:?} ({id}) was deleted outside Terraform, and making it again with the new secret of OAuth client {client_id} (in Vault at {entry}) failed: {source}. Integrations that used it cannot authenticate. The next plan schedules another rotation, which makes it again.")]
    CredentialNotRemade {
        /// The deleted credential's id.
        id: String,
        /// The name it was to be made under.
        name: String,
        /// Client id.
        client_id: String,
        /// The entry holding the new secret.
        entry: KvPath,
        /// What the create got.
        source: GenesysError,
    },
    /// The secret was regenerated but could not be stored.
    #[error("the secret of OAuth client {client_id} was regenerated, but writing it to Vault at {entry} failed: {source}. The previous secret no longer works and the new one was discarded (nobody else ever held it): fix the cause and run apply again, which regenerates and writes a new secret.")]
    WriteAfterRegenerate {
        /// Client id.
        client_id: String,
        /// The entry.
        entry: KvPath,
        /// The Vault failure.
        source: VaultError,
    },
}

impl SinkError {
    /// The failure as a note with its `summary`: on the attribute it is
    /// about when there is one, else on the whole resource.
    pub fn note(&self, summary: &str) -> Note {
        match self.attribute() {
            Some(a) => Note::AttributeError(AttributeError::new(a, summary, self.to_string())),
            None => Note::Error(summary.to_string(), self.to_string()),
        }
    }

    /// The attribute the user can fix the failure on, if any.
    fn attribute(&self) -> Option<&'static str> {
        match self {
            SinkError::NotOurs { .. }
            | SinkError::OwnedByOther { .. }
            | SinkError::ChangedSincePlan { .. } => Some("path"),
            SinkError::ClientGone(_) | SinkError::ClaimTaken(_) => Some("client_id"),
            SinkError::StandbyGone { .. } => Some("standby_client_id"),
            SinkError::PairGrant { attribute, .. }
            | SinkError::TargetUnusable { attribute, .. } => Some(*attribute),
            SinkError::CannotVerify { .. } | SinkError::NewSecretRefused { .. } => Some("verify"),
            SinkError::CredentialUnreadable { .. }
            | SinkError::CredentialMissing { .. }
            | SinkError::NotOAuthCredential { .. } => Some("integration_credential_id"),
            _ => None,
        }
    }

    /// Whether the secret may have been regenerated without reaching
    /// Vault: the credentials there may no longer work, and the next plan
    /// must repair the entry whatever the configuration says.
    pub fn maybe_dead(&self) -> bool {
        matches!(
            self,
            SinkError::RegenerateUnsettled { .. }
                | SinkError::WriteAfterRegenerate { .. }
                | SinkError::LostWrite { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failure_after_the_regenerate_may_leave_a_dead_secret() {
        let entry = || KvPath::checked("secret", "p", ["mount", "path"]).expect("entry");
        let setup = || VaultError::Setup("x".into());
        let cases = [
            (
                SinkError::RegenerateUnsettled {
                    client_id: "a".into(),
                    entry: entry(),
                    source: GenesysError::Incomplete {
                        operation: "o".into(),
                        detail: "d".into(),
                    },
                },
                true,
            ),
            (
                SinkError::WriteAfterRegenerate {
                    client_id: "a".into(),
                    entry: entry(),
                    source: setup(),
                },
                true,
            ),
            (
                SinkError::LostWrite {
                    client_id: "a".into(),
                    entry: entry(),
                    expected: "version 2".into(),
                    found: "version 3".into(),
                    detail: "reset".into(),
                },
                true,
            ),
            (SinkError::ClientGone("a".into()), false),
            (SinkError::Vault(setup()), false),
        ];
        for (e, dead) in cases {
            assert_eq!(e.maybe_dead(), dead, "{e:?}");
        }
    }
}
