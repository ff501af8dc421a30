//! What a rotation's outcome says besides its state: its warnings, and a
//! rotation in a pair whose new credentials did not work and whose
//! previous ones (the other client's) were put back in Vault, with what
//! state records then. Glue only: the restore itself is
//! `crate::sink::restore`.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::sink_state::{SinkPrivate, SinkState};
use crate::sink::{Restored, Rotated, SinkError, SinkSpec};

/// The state (and private state) a rotation leaves, when it was handled
/// here: `None` when nothing was put back (the caller records the rotation
/// as usual), `Some(None)` for a create (nothing to record: the entry holds
/// what it held before), `Some(Some(..))` for an update (the prior state,
/// at the version the restore wrote).
pub(super) type Outcome = Option<Option<(Value<SinkState>, Value<SinkPrivate>)>>;

/// Reports a restore after a failed verify and says what state keeps.
pub(super) fn after_restore(
    diags: &mut Diagnostics,
    spec: &SinkSpec,
    prior: Option<&(SinkState, SinkPrivate)>,
    r: &mut Rotated,
) -> Outcome {
    let restored = match r.restored.take()? {
        Ok(restored) => restored,
        Err(e) => {
            diags.error(
                "The previous credentials could not be put back",
                format!("The new credentials of OAuth client {} in {} do not work, and writing back the credentials the entry held before failed: {e}. The entry holds the new credentials.", r.client_id, spec.entry),
                AttributePath::new("verify"),
            );
            return None;
        }
    };
    let verify_error = r
        .verify_error
        .as_ref()
        .map(|e| e.to_string().trim_end_matches('.').to_string())
        .unwrap_or_default();
    diags.error(
        "The new secret does not work; the previous credentials are back in Vault",
        format!("OAuth client {}'s new credentials, written to {}, were refused: {verify_error}. The credentials of OAuth client {}, which this rotation did not touch, were written to the entry again, so consumers reading it keep working. The secret of {} was regenerated (its old one no longer works) and is not kept. Find why its credentials are refused (its state, its grant type), then apply again: the rotation is still to be done.", r.client_id, spec.entry, restored.client_id, r.client_id),
        AttributePath::new("verify"),
    );
    credential_warning(diags, &restored);
    let (state, private) = prior?;
    let mut state = state.clone();
    state.vault_version = Value::Value(restored.version.map(|v| v as i64).unwrap_or(0));
    let mut after = SinkPrivate::after_write(restored.version);
    after.credential = private.credential.clone();
    Some(Some((Value::Value(state), Value::Value(after))))
}

/// A warning when the integration credential still holds the dead secret.
fn credential_warning(diags: &mut Diagnostics, restored: &Restored) {
    let error: Option<&SinkError> = match &restored.credential {
        Some(Ok(written)) => written.error.as_ref(),
        Some(Err(e)) => Some(e),
        None => None,
    };
    if let Some(e) = error {
        diags.warning(
            "The integration credential was not put back",
            format!("The credentials of OAuth client {} are back in Vault, but the integration credential could not be given them again: {e}. Apply again: the rotation still to be done writes the credential too.", restored.client_id),
            AttributePath::new("integration_credential_id"),
        );
    }
}

/// The warnings of a rotation that went through: a pair's clients with
/// different roles, metadata that does not name the client written.
pub(super) fn warnings(diags: &mut Diagnostics, spec: &SinkSpec, r: &Rotated) {
    if let (Some(difference), Some(standby)) = (&r.roles_differ, &spec.standby_client_id) {
        diags.warning(
            "The sink's two OAuth clients have different roles",
            format!("{difference}. Consumers' permissions change at every rotation, as {} alternates between {} and {standby}: give both clients the same roles in the same divisions.", spec.entry, spec.client_id),
            AttributePath::new("standby_client_id"),
        );
    }
    if let Some(e) = &r.label_error {
        diags.root_warning(
            "The Vault entry's metadata does not name its client",
            format!("The secret of OAuth client {} was written to {}, but its custom metadata could not be updated to say so ({e}). State records it, and the next rotation or metadata change writes the metadata again.", r.client_id, spec.entry),
        );
    }
}
