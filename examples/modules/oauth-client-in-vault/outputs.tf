output "client_id" {
  description = "The OAuth client's id."
  value       = genesyscloud_oauth_client.this.client_id
}

output "vault_path" {
  description = "<mount>/<path> of the Vault entry holding client_id, client_secret, base_url and token_url."
  value       = genesyscloud_oauth_client_vault_secret.this.id
}

output "vault_version" {
  description = "KV version written last (0 on a KV v1 mount)."
  value       = genesyscloud_oauth_client_vault_secret.this.vault_version
}
