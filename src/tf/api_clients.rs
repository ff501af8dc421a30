//! The API clients (Genesys Cloud, Vault) that `configure` builds and
//! every resource and data source uses. A leaf: it knows the clients, not
//! who fills or reads them.

use std::sync::{Arc, RwLock};

use tf_provider::Diagnostics;

use crate::genesys::GenesysClient;
use crate::vault::VaultClient;

/// The configured API clients, shared by the provider and its resources.
#[derive(Default)]
pub struct ApiClients {
    genesys: RwLock<Option<Arc<GenesysClient>>>,
    vault: RwLock<Option<Arc<VaultClient>>>,
    /// The provider block's attributes whose values Terraform knows only
    /// at apply, when `configure` built no client for that reason.
    known_at_apply: RwLock<Vec<String>>,
}

impl ApiClients {
    /// Stores what `configure` built (Vault is optional).
    pub fn set(&self, genesys: GenesysClient, vault: Option<Arc<VaultClient>>) {
        *self.genesys.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(genesys));
        *self.vault.write().unwrap_or_else(|e| e.into_inner()) = vault;
    }

    /// Records that `configure` built no client because these attributes of
    /// the provider block are known only at apply (an attribute in the block
    /// wins over the environment even before its value is known).
    pub fn known_at_apply(&self, attributes: Vec<String>) {
        *self
            .known_at_apply
            .write()
            .unwrap_or_else(|e| e.into_inner()) = attributes;
    }

    /// The Genesys client, or an error diagnostic when the provider was not
    /// configured (Terraform always configures before any read or apply).
    pub fn genesys(&self, diags: &mut Diagnostics) -> Option<Arc<GenesysClient>> {
        let client = self
            .genesys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if client.is_none() && !self.say_known_at_apply(diags) {
            diags.root_error_short("The genesyscloud provider is not configured");
        }
        client
    }

    /// Says why nothing can be called yet when the block's values are known
    /// only at apply; false when that is not the reason.
    fn say_known_at_apply(&self, diags: &mut Diagnostics) -> bool {
        let unknown = self
            .known_at_apply
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(text) = known_at_apply_text(&unknown) else {
            return false;
        };
        diags.root_error("The provider's configuration is known only at apply", text);
        true
    }

    /// Ends what the clients hold as the provider exits: the Vault login
    /// token, if the provider logged in, is revoked.
    pub async fn close(&self) {
        let vault = self.vault.read().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(vault) = vault {
            vault.close().await;
        }
    }

    /// The Vault client, or an error diagnostic saying how to configure one.
    pub fn vault(&self, diags: &mut Diagnostics) -> Option<Arc<VaultClient>> {
        let client = self.vault.read().unwrap_or_else(|e| e.into_inner()).clone();
        if client.is_none() && !self.say_known_at_apply(diags) {
            diags.root_error(
                "Vault is not configured",
                format!("The secret sinks need Vault: set vault {{ address }} in the provider block or VAULT_ADDR, and a way to authenticate ({}).", crate::config::vault::auth_choices()),
            );
        }
        client
    }
}

/// What a call at plan through a provider whose block is known only at
/// apply says; `None` when every attribute is known.
fn known_at_apply_text(unknown: &[String]) -> Option<String> {
    let names = unknown
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    (!unknown.is_empty()).then(|| format!(
        "This provider block sets {names} from a value Terraform knows only at apply (an ephemeral resource opened at apply, or a resource not created yet). An attribute in the block wins over any environment variable even before its value is known, so the provider does not log in with the environment's settings in its place, and nothing that needs Genesys Cloud or Vault can run through it at plan. Give each data source read through this provider `depends_on` naming the resource the value comes from, so that it is read at apply. A resource already in the state under this provider is refreshed at plan: configure the provider from values known at plan, or plan with `-refresh=false`."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_known_only_at_apply_names_its_attributes() {
        assert_eq!(known_at_apply_text(&[]), None);
        let text =
            known_at_apply_text(&["oauthclient_id".into(), "vault.token".into()]).expect("a text");
        assert!(text.contains("`oauthclient_id`, `vault.token`"), "{text}");
        assert!(text.contains("depends_on"), "{text}");
    }

    #[test]
    fn no_client_is_handed_out_while_the_block_is_known_only_at_apply() {
        let clients = ApiClients::default();
        clients.known_at_apply(vec!["oauthclient_id".into()]);
        let mut diags = Diagnostics::default();
        assert!(clients.genesys(&mut diags).is_none());
        assert!(clients.vault(&mut diags).is_none());
        let said = format!("{diags:?}");
        assert_eq!(said.matches("known only at apply").count(), 2, "{said}");
        assert!(!said.contains("not configured"), "{said}");
    }
}
