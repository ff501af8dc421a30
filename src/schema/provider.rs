//! The provider block: the Genesys login, the transport's ranges and
//! defaults, and the `vault` and `oauthclient_from_vault` blocks. Ranges,
//! defaults and environment variables come from `config`, where the checks
//! use them (`Bounds::sentence`, `env::sentence`).

use super::Kind::{Bool, Number, Str};
use super::Nesting;
use super::Presence::{Optional, Required};
use super::{Block, Entry};
use crate::config::env::sentence;
use crate::config::genesys::{
    CONSISTENCY_TIMEOUT, DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY,
    DEFAULT_FROM_VAULT_MOUNT, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
    ENV_REGION,
};
use crate::config::transport::{MAX_RETRIES, REQUEST_TIMEOUT, RETRY_DEADLINE};
use crate::config::vault::{
    auth_order_markdown, DEFAULT_APPROLE_MOUNT, DEFAULT_JWT_MOUNT, ENV_ADDRESS, ENV_CA_CERT,
    ENV_JWT, ENV_NAMESPACE, ENV_ROLE_ID, ENV_SECRET_ID, ENV_SKIP_VERIFY, ENV_TOKEN, ENV_TOKEN_FILE,
};
use crate::genesys::region::DEFAULT_REGION;

/// The provider block.
pub fn block() -> Block {
    Block::new(
        "Manages Genesys Cloud OAuth clients and keeps their secrets in HashiCorp Vault, never in Terraform state.",
        attributes(),
    )
    .nest("vault", Nesting::Optional, vault())
    .nest("oauthclient_from_vault", Nesting::Optional, from_vault())
}

/// The attributes outside the nested blocks.
fn attributes() -> Vec<Entry> {
    vec![
        Entry::new("oauthclient_id", Str, Optional, format!("Client id of the OAuth client (client-credentials grant) the provider authenticates with. {}", sentence(ENV_CLIENT_ID))),
        Entry::new("oauthclient_secret", Str, Optional, format!("Secret of that OAuth client. {}", sentence(ENV_CLIENT_SECRET))).sensitive(),
        Entry::new("aws_region", Str, Optional, format!("Genesys Cloud region, e.g. `us-east-1`, `eu-west-1`, `ap-southeast-2`. {} Default `{DEFAULT_REGION}`.", sentence(ENV_REGION))),
        Entry::new("base_url", Str, Optional, format!("API root URL, overriding the region (the login host is derived by replacing `api.` with `login.`). {}", sentence(ENV_BASE_URL))),
        Entry::new("access_token", Str, Optional, format!("A ready access token to use instead of client credentials (it is not refreshed). {}", sentence(ENV_ACCESS_TOKEN))).sensitive(),
        Entry::new(MAX_RETRIES.attribute, Number, Optional, format!("Retries of one API call after throttling (429), server errors (5xx) or lost connections. {}", MAX_RETRIES.sentence())),
        Entry::new(RETRY_DEADLINE.attribute, Number, Optional, format!("No retry of an API call starts later than this many seconds after its first attempt. {}", RETRY_DEADLINE.sentence())),
        Entry::new(REQUEST_TIMEOUT.attribute, Number, Optional, format!("Timeout of one HTTP attempt in seconds. {}", REQUEST_TIMEOUT.sentence())),
        Entry::new(CONSISTENCY_TIMEOUT.attribute, Number, Optional, format!("Genesys Cloud is eventually consistent: for a few seconds after a client is created it may answer 404 for it, and a new secret may be refused at the token endpoint. For this many seconds after the provider creates a client or regenerates its secret, such answers are waited out (with backoff) instead of failing; after it, a 404 means the client is gone. {}", CONSISTENCY_TIMEOUT.sentence())),
    ]
}

/// `vault { … }`, with its login blocks.
fn vault() -> Block {
    Block::new(
        format!("The Vault (or OpenBao) the secret sinks write to and `oauthclient_from_vault` reads from, and how the provider authenticates to it. Attributes fall back to Vault's standard environment variables; an empty block (or none) works with `VAULT_ADDR` and `VAULT_TOKEN`, as HCP Terraform's dynamic credentials set them. {}", auth_order_markdown()),
        vec![
            Entry::new("address", Str, Optional, format!("Vault address, e.g. `https://vault.example.com:8200`. {}", sentence(ENV_ADDRESS))),
            Entry::new("token", Str, Optional, format!("Vault token. Environment: `{ENV_TOKEN}`, else the file `~/.vault-token`.")).sensitive(),
            Entry::new("namespace", Str, Optional, format!("Vault Enterprise / HCP Vault namespace, sent as `X-Vault-Namespace`. {}", sentence(ENV_NAMESPACE))),
            Entry::new("ca_cert_file", Str, Optional, format!("PEM file of the CA that signed Vault's certificate. {}", sentence(ENV_CA_CERT))),
            Entry::new("skip_tls_verify", Bool, Optional, format!("Do not verify Vault's TLS certificate (testing only; the provider warns). {}", sentence(ENV_SKIP_VERIFY))),
            Entry::new("token_file", Str, Optional, format!("File holding a Vault token, read at configuration: HCP Terraform's dynamic credentials for several configurations write one (`var.tfc_vault_dynamic_credentials.default.token_filename`). Environment: `{ENV_TOKEN_FILE}` (after `{ENV_TOKEN}`).")),
        ],
    )
    .nest("auth_login_jwt", Nesting::Optional, jwt_login())
    .nest("auth_login_approle", Nesting::Optional, approle_login())
}

/// What both login blocks say of the token they obtain.
const LOGIN_TOKEN: &str = "The token obtained is renewed while the provider runs, obtained again only when renewal cannot cover an operation, and revoked when it is replaced and when the provider exits.";

/// `vault { auth_login_jwt { … } }`.
fn jwt_login() -> Block {
    Block::new(
        format!("Log in with a JWT (`POST /v1/auth/<mount>/login`), e.g. HCP Terraform's workload identity token. {LOGIN_TOKEN}"),
        vec![
            Entry::new("mount", Str, Optional, format!("Path of the JWT auth method. Default `{DEFAULT_JWT_MOUNT}`.")),
            Entry::new("role", Str, Required, "Vault role to log in as."),
            Entry::new("jwt", Str, Optional, format!("The JWT. Environment: `{ENV_JWT}`, or `{ENV_JWT}_<TAG>` when `tag` is set.")).sensitive(),
            Entry::new("tag", Str, Optional, format!("Tag of an HCP Terraform workload identity token (`TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>`): the JWT is then read from `{ENV_JWT}_<TAG>`.")),
        ],
    )
}

/// `vault { auth_login_approle { … } }`.
fn approle_login() -> Block {
    Block::new(
        format!("Log in with AppRole (`POST /v1/auth/<mount>/login`). {LOGIN_TOKEN}"),
        vec![
            Entry::new("mount", Str, Optional, format!("Path of the AppRole auth method. Default `{DEFAULT_APPROLE_MOUNT}`.")),
            Entry::new("role_id", Str, Optional, format!("Role ID of the AppRole (`vault read auth/<mount>/role/<role>/role-id`). {}", sentence(ENV_ROLE_ID))).sensitive(),
            Entry::new("secret_id", Str, Optional, format!("A secret ID of that role (`vault write -f auth/<mount>/role/<role>/secret-id`); secret IDs may expire or be limited in uses. {}", sentence(ENV_SECRET_ID))).sensitive(),
        ],
    )
}

/// `oauthclient_from_vault { … }`.
fn from_vault() -> Block {
    Block::new(
        "Read the provider's own client credentials from a Vault KV entry (v1 or v2) at configuration, instead of `oauthclient_id`/`oauthclient_secret`: a Terraform Cloud workspace then needs only Vault access. Needs the `vault` block (or `VAULT_ADDR`).",
        vec![
            Entry::new("mount", Str, Optional, format!("KV mount. Default `{DEFAULT_FROM_VAULT_MOUNT}`.")),
            Entry::new("path", Str, Required, "Entry path within the mount, e.g. `genesys/oauth/terraform-admin`."),
            Entry::new("client_id_key", Str, Optional, format!("Key holding the client id. Default `{DEFAULT_CLIENT_ID_KEY}` (as a secret sink writes it).")),
            Entry::new("client_secret_key", Str, Optional, format!("Key holding the client secret. Default `{DEFAULT_CLIENT_SECRET_KEY}`.")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: &Block, name: &str) -> String {
        b.entry(name).map(Entry::description).unwrap_or_default()
    }

    #[test]
    fn the_table_is_well_formed() {
        crate::schema::assert_well_formed("provider", &block());
    }

    #[test]
    fn the_texts_name_the_ranges_and_defaults_the_checks_use() {
        let b = block();
        for bounds in [
            &MAX_RETRIES,
            &RETRY_DEADLINE,
            &REQUEST_TIMEOUT,
            &CONSISTENCY_TIMEOUT,
        ] {
            let t = text(&b, bounds.attribute);
            assert!(t.contains(&format!("default {}.", bounds.default)), "{t}");
            assert!(t.contains(&format!("{}..", bounds.range.start())), "{t}");
        }
        assert!(text(&b, "aws_region").contains(&format!("`{DEFAULT_REGION}`")));
        let from_vault = &b.blocks[1].block;
        assert!(text(from_vault, "mount").contains(DEFAULT_FROM_VAULT_MOUNT));
        let vault = &b.blocks[0].block;
        assert!(vault.description.contains(&auth_order_markdown()));
        assert!(text(&vault.blocks[0].block, "mount").contains(DEFAULT_JWT_MOUNT));
        assert!(text(&vault.blocks[1].block, "mount").contains(DEFAULT_APPROLE_MOUNT));
    }

    #[test]
    fn credentials_are_sensitive() {
        let b = block();
        let vault = &b.blocks[0].block;
        let approle = &vault.blocks[1].block;
        for (block, name) in [
            (&b, "oauthclient_secret"),
            (&b, "access_token"),
            (vault, "token"),
            (&vault.blocks[0].block, "jwt"),
            (approle, "role_id"),
            (approle, "secret_id"),
        ] {
            assert!(block.entry(name).is_some_and(|e| e.sensitive), "{name}");
        }
        assert!(!b.entry("oauthclient_id").is_some_and(|e| e.sensitive));
    }
}
