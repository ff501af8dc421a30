//! At plan, the client a planned rotation will regenerate and write, and
//! the warning every plan that regenerates gives. Glue only: the ids the
//! plan knows go to `crate::sink::planned_target`, whose notes are said
//! here.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::api_clients::ApiClients;
use super::diag::sink_notes;
use super::sink_state::SinkState;
use crate::sink;

/// Checks the client a rotation planned for `planned` will write, given the
/// client state records in Vault (`active`), and announces the regenerate
/// with its `reasons`. `None` when the plan must stop.
pub(super) async fn check(
    diags: &mut Diagnostics,
    clients: &ApiClients,
    planned: &SinkState,
    active: Option<&str>,
    reasons: &[String],
) -> Option<()> {
    let standby = match &planned.standby_client_id {
        Value::Value(id) => Some(Some(id.as_str())),
        Value::Null => Some(None),
        Value::Unknown => None,
    };
    let client_id = planned.client_id.as_ref_option().map(String::as_str);
    let genesys = || clients.genesys(diags);
    let notes = sink::planned_target(genesys, client_id, standby, active, reasons).await;
    sink_notes(diags, notes?)
}
