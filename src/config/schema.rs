//! The provider's schema: the Genesys login, the transport's ranges and
//! defaults, and the `oauthclient_from_vault` block, beside the inputs and
//! constants of the other `config` files, where the checks use them
//! (`Bounds::sentence`, `env::sentence`). The `vault` block is
//! [`super::vault::vault_block`], assembled from its login
//! methods.

use super::env::sentence;
use super::genesys::CONSISTENCY_TIMEOUT;
use super::genesys_input::{
    DEFAULT_CLIENT_ID_KEY, DEFAULT_CLIENT_SECRET_KEY, DEFAULT_FROM_VAULT_MOUNT, ENV_ACCESS_TOKEN,
    ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REGION,
};
use super::login::PRECEDENCE;
use super::retry_limits::{MAX_RETRIES, REQUEST_TIMEOUT, RETRY_DEADLINE};
use super::vault::vault_block;
use crate::genesys::region::DEFAULT_REGION;
use crate::schema::Kind::{Number, Str};
use crate::schema::Presence::{Optional, Required};
use crate::schema::{Block, Entry, Nesting};

/// The provider block.
pub fn block() -> Block {
    Block::new(
        format!("Manages Genesys Cloud OAuth clients and keeps their secrets in HashiCorp Vault, never in Terraform state. {PRECEDENCE}"),
        attributes(),
    )
    .nest("vault", Nesting::Optional, vault_block())
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
    use crate::config::vault::{auth_order_markdown, DEFAULT_APPROLE_MOUNT, DEFAULT_JWT_MOUNT};

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
