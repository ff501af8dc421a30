//! At plan, the client a planned rotation will regenerate and write: an
//! error on its attribute when the plan leaves it unusable, a warning when
//! Genesys Cloud says it is unusable now; then the warning every plan that
//! regenerates gives (which client, why), and a pair's roles difference.
//! Glue only: the rules are in `plan::pair`; the apply checks again before
//! any regenerate (`sink::clients`).

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::api_clients::ApiClients;
use super::diag::{attribute_error, attribute_warning};
use super::sink_state::SinkState;
use crate::genesys::model::OAuthClient;
use crate::plan::pair::{self, Pair};
use crate::registry::client_states::configured_states;

/// Checks the client a rotation planned for `planned` will write, given the
/// client state records in Vault (`active`), and announces the regenerate
/// with its `reasons`. `None` when the plan must stop. Unknown ids, or
/// reads that fail, are left to the apply.
pub(super) async fn check(
    diags: &mut Diagnostics,
    clients: &ApiClients,
    planned: &SinkState,
    active: Option<&str>,
    reasons: &[String],
) -> Option<()> {
    let standby = match &planned.standby_client_id {
        Value::Value(id) => Some(id.as_str()),
        Value::Null => None,
        Value::Unknown => {
            let unknown = "client_id or standby_client_id (ids known after apply)";
            attribute_warning(
                diags,
                pair::regenerate_notice(unknown, "client_id", None, reasons),
            );
            return Some(());
        }
    };
    let Value::Value(client_id) = &planned.client_id else {
        let unknown = "client_id (its id is known after apply)";
        attribute_warning(
            diags,
            pair::regenerate_notice(unknown, "client_id", None, reasons),
        );
        return Some(());
    };
    let target = Pair::new(client_id, standby).next(active);
    let attribute = if target == client_id {
        "client_id"
    } else {
        "standby_client_id"
    };
    let configured = configured_states().of(target);
    let read = if configured.is_none() || standby.is_some() {
        let genesys = clients.genesys(diags)?;
        let other = standby.map(|s| if s == target { client_id.as_str() } else { s });
        let (target, other) = tokio::join!(genesys.get_client(target, None), async {
            match other {
                Some(id) => genesys.get_client(id, None).await.ok().flatten(),
                None => None,
            }
        });
        (target.ok().flatten(), other)
    } else {
        (None, None)
    };
    let facts = read.0.as_ref().map(|c| {
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
            return None;
        }
        Some((false, e)) => attribute_warning(diags, e),
        None => {}
    }
    let in_vault = active.or(standby.map(|_| client_id.as_str()));
    attribute_warning(
        diags,
        pair::regenerate_notice(target, attribute, in_vault, reasons),
    );
    roles_warning(diags, read);
    Some(())
}

/// A pair's two clients with different roles, warned of at plan.
fn roles_warning(diags: &mut Diagnostics, read: (Option<OAuthClient>, Option<OAuthClient>)) {
    let (Some(a), Some(b)) = read else {
        return;
    };
    let Some(difference) = pair::role_difference(
        (&a.id, a.role_divisions.as_deref()),
        (&b.id, b.role_divisions.as_deref()),
    ) else {
        return;
    };
    diags.warning(
        "The sink's two OAuth clients have different roles",
        format!("{difference}. Consumers' permissions change at every rotation, as the entry alternates between {} and {}: give both clients the same roles in the same divisions.", a.id, b.id),
        AttributePath::new("standby_client_id"),
    );
}
