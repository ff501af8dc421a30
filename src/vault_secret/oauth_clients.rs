//! The OAuth clients a rotation works with, read before anything changes:
//! the sink's client and its standby both exist; a pair's clients both use
//! the client-credentials grant (and a single client does when it is to be
//! verified); the client a rotation will regenerate and write is active
//! and usable (`crate::vault_secret::pair::unusable`), so that credentials that cannot
//! work never replace ones that do. Roles that differ between the two are
//! reported, never refused.

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::model::{canonical_grant_type, OAuthClient};
use crate::genesys::GenesysClient;
use crate::vault_secret::pair;

/// The sink's clients as read before a rotation.
#[derive(Debug)]
pub(super) struct Checked {
    /// How the two clients' roles differ, if they do.
    pub roles_differ: Option<String>,
    /// The clients read: `client_id`, then the standby when there is one.
    clients: Vec<OAuthClient>,
}

impl Checked {
    /// Why a rotation onto `target` is refused, when its credentials
    /// could not work: a pair's target must be active and a client-credentials
    /// client; a single client must be active (its grant was checked
    /// already, when it is to be verified).
    pub fn unusable_target(&self, spec: &SinkSpec, target: &str) -> Option<SinkError> {
        let client = self.clients.iter().find(|c| c.id == target)?;
        let single = spec.standby_client_id.is_none();
        let grant = if single {
            ""
        } else {
            &client.authorized_grant_type
        };
        let reason = pair::unusable(client.state.as_deref(), grant)?;
        Some(SinkError::TargetUnusable {
            attribute: if target == spec.client_id {
                "client_id"
            } else {
                "standby_client_id"
            },
            client_id: target.to_string(),
            reason,
            single,
        })
    }
}

/// Reads the sink's clients (overlapped) and checks them.
pub(super) async fn read_and_check_clients(
    genesys: &GenesysClient,
    spec: &SinkSpec,
) -> Result<Checked, SinkError> {
    let standby = async {
        match &spec.standby_client_id {
            Some(id) => genesys.get_client(id, None).await.map(Some),
            None => Ok(None),
        }
    };
    let (client, standby) = tokio::join!(genesys.get_client(&spec.client_id, None), standby);
    let client = live(client?).ok_or_else(|| SinkError::ClientGone(spec.client_id.clone()))?;
    let Some(standby_id) = &spec.standby_client_id else {
        let grant = canonical_grant_type(&client.authorized_grant_type);
        // An answer without the grant type proves nothing: the verify will.
        if spec.verify && !grant.is_empty() && grant != "CLIENT-CREDENTIALS" {
            return Err(SinkError::CannotVerify {
                client_id: spec.client_id.clone(),
                grant,
            });
        }
        return Ok(Checked {
            roles_differ: None,
            clients: vec![client],
        });
    };
    let standby = live(standby?.flatten()).ok_or_else(|| SinkError::StandbyGone {
        standby: standby_id.clone(),
    })?;
    for (attribute, c) in [("client_id", &client), ("standby_client_id", &standby)] {
        if !pair::usable_grant(&c.authorized_grant_type) {
            return Err(SinkError::PairGrant {
                attribute,
                client_id: c.id.clone(),
                grant: canonical_grant_type(&c.authorized_grant_type),
            });
        }
    }
    let roles_differ = pair::role_difference(
        (&spec.client_id, client.role_divisions.as_deref()),
        (standby_id, standby.role_divisions.as_deref()),
    );
    Ok(Checked {
        roles_differ,
        clients: vec![client, standby],
    })
}

/// A client that exists and is not being deleted.
fn live(client: Option<OAuthClient>) -> Option<OAuthClient> {
    client.filter(|c| !c.is_deleted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, state: &str, grant: &str) -> OAuthClient {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "state": state, "authorizedGrantType": grant,
        }))
        .expect("client")
    }

    #[test]
    fn only_the_client_a_rotation_writes_must_be_usable() {
        let cc = "CLIENT-CREDENTIALS";
        let pair = SinkSpec::for_tests(Some("b"));
        let checked = |a: OAuthClient, b: OAuthClient| Checked {
            roles_differ: None,
            clients: vec![a, b],
        };
        let inactive_standby = checked(client("a", "active", cc), client("b", "inactive", cc));
        let refused = inactive_standby.unusable_target(&pair, "b");
        assert!(
            matches!(
                &refused,
                Some(SinkError::TargetUnusable {
                    attribute: "standby_client_id",
                    single: false,
                    ..
                })
            ),
            "{refused:?}"
        );
        assert!(
            inactive_standby.unusable_target(&pair, "a").is_none(),
            "a is fine"
        );
        let code = checked(client("a", "active", cc), client("b", "active", "CODE"));
        assert!(code.unusable_target(&pair, "b").is_some());

        // A single client: its state counts, its grant was checked already.
        let single = SinkSpec::for_tests(None);
        let alone = |state: &str, grant: &str| Checked {
            roles_differ: None,
            clients: vec![client("a", state, grant)],
        };
        assert!(alone("active", "CODE")
            .unusable_target(&single, "a")
            .is_none());
        assert!(matches!(
            alone("disabled", cc).unusable_target(&single, "a"),
            Some(SinkError::TargetUnusable {
                attribute: "client_id",
                single: true,
                ..
            })
        ));
    }
}
