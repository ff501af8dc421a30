output "client_ids" {
  description = "The two OAuth clients' ids, blue (client_id) then green (standby_client_id)."
  value       = [for k in ["blue", "green"] : genesyscloud_oauth_client.this[k].client_id]
}

output "active_client_id" {
  description = "The client whose credentials the Vault entry holds now."
  value       = genesyscloud_oauth_client_vault_secret.this.active_client_id
}

output "vault_path" {
  description = "<mount>/<path> of the Vault entry holding client_id, client_secret, base_url and token_url."
  value       = genesyscloud_oauth_client_vault_secret.this.id
}

output "vault_version" {
  description = "KV version written last (0 on a KV v1 mount)."
  value       = genesyscloud_oauth_client_vault_secret.this.vault_version
}
