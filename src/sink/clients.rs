//! The OAuth clients a rotation works with, read before anything changes:
//! the sink's client and its standby both exist; a pair's clients both use
//! the client-credentials grant (and a single client does when it is to be
//! verified). Roles that differ between the two are reported, never
//! refused.

use super::error::SinkError;
use super::spec::SinkSpec;
use crate::genesys::model::{canonical_grant_type, OAuthClient};
use crate::genesys::GenesysClient;
use crate::plan::pair;

/// Reads the sink's clients (overlapped) and checks them. Returns how the
/// two clients' roles differ, if they do.
pub(super) async fn check_clients(
    genesys: &GenesysClient,
    spec: &SinkSpec,
) -> Result<Option<String>, SinkError> {
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
        return Ok(None);
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
    Ok(pair::role_difference(
        (&spec.client_id, client.role_divisions.as_deref()),
        (standby_id, standby.role_divisions.as_deref()),
    ))
}

/// A client that exists and is not being deleted.
fn live(client: Option<OAuthClient>) -> Option<OAuthClient> {
    client.filter(|c| !c.is_deleted())
}
