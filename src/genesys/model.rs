//! Genesys Cloud OAuth client JSON, as the Platform API sends and takes it.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// A role granted to a client-credentials client, in one division.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDivision {
    /// Role id.
    pub role_id: String,
    /// Division id; `*` means every division. Genesys fills in the home
    /// division when it is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_id: Option<String>,
}

/// Body of `POST /api/v2/oauth/clients` and `PUT /api/v2/oauth/clients/{id}`
/// (PUT replaces the whole client).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Default))]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientRequest {
    /// Client name (duplicates are allowed by Genesys).
    pub name: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lifetime of the tokens the client obtains
    /// (`VALIDITY_RANGE` in `oauth_client/rules.rs`).
    pub access_token_validity_seconds: i64,
    /// Redirect URIs (code and token grants).
    pub registered_redirect_uri: Vec<String>,
    /// CODE, TOKEN, SAML2-BEARER, PASSWORD or CLIENT-CREDENTIALS.
    pub authorized_grant_type: String,
    /// Scopes (grants other than client credentials).
    pub scope: Vec<String>,
    /// Roles (client credentials).
    pub role_divisions: Vec<RoleDivision>,
    /// active, disabled or inactive.
    pub state: String,
}

/// Token lifetime of a client that does not say (Genesys Cloud's default).
pub const DEFAULT_TOKEN_VALIDITY: i64 = 86_400;
/// State of a client that does not say.
pub const DEFAULT_CLIENT_STATE: &str = "active";

/// An OAuth client as GET, PUT and list answer it (never with the secret).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    /// Client id (also the OAuth `client_id`).
    pub id: String,
    /// Client name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Token lifetime in seconds.
    #[serde(default)]
    pub access_token_validity_seconds: Option<i64>,
    /// Redirect URIs.
    #[serde(default)]
    pub registered_redirect_uri: Option<Vec<String>>,
    /// Grant type as Genesys spells it; empty when the answer leaves it out
    /// (list entries may).
    #[serde(default)]
    pub authorized_grant_type: String,
    /// Scopes.
    #[serde(default)]
    pub scope: Option<Vec<String>>,
    /// Roles with divisions.
    #[serde(default)]
    pub role_divisions: Option<Vec<RoleDivision>>,
    /// active, disabled, inactive, or deleted while a removal completes.
    #[serde(default)]
    pub state: Option<String>,
    /// ISO-8601 creation time.
    #[serde(default)]
    pub date_created: Option<String>,
    /// When Genesys will remove a deleted client (older clients deactivate
    /// for seven days first).
    #[serde(default)]
    pub date_to_delete: Option<String>,
}

impl OAuthClient {
    /// True once Genesys reports the client as deleted (it may linger in GET
    /// and list answers for a while).
    pub fn is_deleted(&self) -> bool {
        self.state.as_deref() == Some("deleted")
    }

    /// The request that would PUT this client back unchanged; a field the
    /// answer left out is taken from `known` (what the caller last wrote),
    /// so that a full-replace PUT never clears it.
    pub fn to_request_over(&self, known: &OAuthClientRequest) -> OAuthClientRequest {
        let answered = self.to_request();
        OAuthClientRequest {
            name: answered.name,
            description: self.description.clone().or(known.description.clone()),
            access_token_validity_seconds: self
                .access_token_validity_seconds
                .unwrap_or(known.access_token_validity_seconds),
            registered_redirect_uri: self
                .registered_redirect_uri
                .clone()
                .unwrap_or_else(|| known.registered_redirect_uri.clone()),
            authorized_grant_type: if self.authorized_grant_type.is_empty() {
                known.authorized_grant_type.clone()
            } else {
                answered.authorized_grant_type
            },
            scope: self.scope.clone().unwrap_or_else(|| known.scope.clone()),
            role_divisions: self
                .role_divisions
                .clone()
                .unwrap_or_else(|| known.role_divisions.clone()),
            state: self.state.clone().unwrap_or_else(|| known.state.clone()),
        }
    }

    /// The request that would PUT this client back unchanged.
    pub fn to_request(&self) -> OAuthClientRequest {
        OAuthClientRequest {
            name: self.name.clone(),
            description: self.description.clone(),
            access_token_validity_seconds: self
                .access_token_validity_seconds
                .unwrap_or(DEFAULT_TOKEN_VALIDITY),
            registered_redirect_uri: self.registered_redirect_uri.clone().unwrap_or_default(),
            authorized_grant_type: self.authorized_grant_type.clone(),
            scope: self.scope.clone().unwrap_or_default(),
            role_divisions: self.role_divisions.clone().unwrap_or_default(),
            state: self
                .state
                .clone()
                .unwrap_or_else(|| DEFAULT_CLIENT_STATE.into()),
        }
    }
}

/// The answer of create and regenerate: the client plus its new secret.
#[derive(Debug, Deserialize)]
pub struct ClientWithSecret {
    /// The client.
    #[serde(flatten)]
    pub client: OAuthClient,
    /// Present only in create and regenerate answers.
    #[serde(default)]
    pub secret: Option<Secret>,
}

/// A successful token exchange.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: Secret,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// The grant type as Genesys answers it: upper case, and `SAML2BEARER`
/// (accepted on input) spelled `SAML2-BEARER`.
pub fn canonical_grant_type(grant: &str) -> String {
    let upper = grant.trim().to_ascii_uppercase();
    if upper == "SAML2BEARER" {
        "SAML2-BEARER".into()
    } else {
        upper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_answer_keeps_the_secret_apart_and_hidden() {
        let body = r#"{"id":"c1","name":"n","authorizedGrantType":"CLIENT-CREDENTIALS","secret":"top-secret","state":"active"}"#;
        let parsed: ClientWithSecret = serde_json::from_str(body).expect("valid");
        assert_eq!(parsed.client.id, "c1");
        assert_eq!(
            parsed.secret.as_ref().map(|s| s.expose()),
            Some("top-secret")
        );
        assert!(!format!("{parsed:?}").contains("top-secret"));
    }

    #[test]
    fn saml2bearer_is_answered_as_saml2_bearer() {
        assert_eq!(canonical_grant_type("SAML2BEARER"), "SAML2-BEARER");
        assert_eq!(
            canonical_grant_type("client-credentials"),
            "CLIENT-CREDENTIALS"
        );
    }

    #[test]
    fn a_put_built_from_a_partial_answer_keeps_what_was_written() {
        let known = OAuthClientRequest {
            name: "n".into(),
            description: Some("d".into()),
            access_token_validity_seconds: 600,
            registered_redirect_uri: vec![],
            authorized_grant_type: "CLIENT-CREDENTIALS".into(),
            scope: vec![],
            role_divisions: vec![RoleDivision {
                role_id: "r".into(),
                division_id: Some("home".into()),
            }],
            state: "active".into(),
        };
        let partial: OAuthClient = serde_json::from_value(
            serde_json::json!({"id": "c", "name": "n", "state": "inactive"}),
        )
        .expect("valid");
        assert_eq!(
            partial.to_request_over(&known),
            OAuthClientRequest {
                state: "inactive".into(),
                ..known.clone()
            }
        );
    }
}
