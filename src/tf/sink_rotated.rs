//! The state a rotation in a pair leaves when its new credentials did not
//! work and the previous ones (the other client's) were put back in Vault.
//! Glue only: the restore itself is `crate::sink::restore`, what it says
//! `crate::sink::restore_notes`.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::diag::sink_notes;
use super::sink_state::{SinkPrivate, SinkState};
use crate::plan;
use crate::sink::{self, Rotated, SinkSpec};

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
    let restored = r.restored.take()?;
    sink_notes(diags, sink::restore_notes(spec, r, &restored));
    let restored = restored.ok()?;
    let (state, private) = prior?;
    let mut state = state.clone();
    state.vault_version = Value::Value(plan::sink::version_in_state(restored.version));
    let mut after = SinkPrivate::after_write(restored.version);
    after.credential = private.credential.clone();
    Some(Some((Value::Value(state), Value::Value(after))))
}
