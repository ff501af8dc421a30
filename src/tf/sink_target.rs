//! At plan, the client a planned rotation will regenerate and write: an
//! error on its attribute when the configuration makes it unusable, a
//! warning when Genesys Cloud says it is unusable now. Glue only: the rule
//! is `plan::pair::check_target`; the apply checks again before any
//! regenerate (`sink::clients`).

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::clients::Clients;
use super::diag::{attribute_error, attribute_warning};
use super::sink_state::SinkState;
use crate::plan::client_states::configured_states;
use crate::plan::pair::{self, Pair};

/// Checks the client a rotation planned for `planned` will write, given the
/// client state records in Vault (`active`). `None` when the plan must
/// stop. Unknown ids, or a read that fails, are left to the apply.
pub(super) async fn check(
    diags: &mut Diagnostics,
    clients: &Clients,
    planned: &SinkState,
    active: Option<&str>,
) -> Option<()> {
    let Value::Value(client_id) = &planned.client_id else {
        return Some(());
    };
    let standby = match &planned.standby_client_id {
        Value::Value(id) => Some(id.as_str()),
        Value::Null => None,
        Value::Unknown => return Some(()),
    };
    let target = Pair::new(client_id, standby).next(active);
    let attribute = if target == client_id {
        "client_id"
    } else {
        "standby_client_id"
    };
    let configured = configured_states().of(target);
    let read = match configured {
        Some(_) => None,
        None => {
            let genesys = clients.genesys(diags)?;
            genesys.get_client(target, None).await.ok().flatten()
        }
    };
    let facts = read.as_ref().map(|c| {
        let grant = if standby.is_some() {
            c.authorized_grant_type.as_str()
        } else {
            ""
        };
        (c.state.as_deref(), grant)
    });
    match pair::check_target(target, attribute, configured.as_deref(), facts) {
        Some((true, e)) => {
            attribute_error(diags, e);
            None
        }
        Some((false, e)) => {
            attribute_warning(diags, e);
            Some(())
        }
        None => Some(()),
    }
}
