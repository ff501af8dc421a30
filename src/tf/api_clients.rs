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
}

impl ApiClients {
    /// Stores what `configure` built (Vault is optional).
    pub fn set(&self, genesys: GenesysClient, vault: Option<Arc<VaultClient>>) {
        *self.genesys.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(genesys));
        *self.vault.write().unwrap_or_else(|e| e.into_inner()) = vault;
    }

    /// The Genesys client, or an error diagnostic when the provider was not
    /// configured (Terraform always configures before any read or apply).
    pub fn genesys(&self, diags: &mut Diagnostics) -> Option<Arc<GenesysClient>> {
        let client = self
            .genesys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if client.is_none() {
            diags.root_error_short("The genesyscloud provider is not configured");
        }
        client
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
        if client.is_none() {
            diags.root_error(
                "Vault is not configured",
                format!("The secret sinks need Vault: set vault {{ address }} in the provider block or VAULT_ADDR, and a way to authenticate ({}).", crate::config::vault::auth_choices()),
            );
        }
        client
    }
}
