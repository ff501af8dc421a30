//! The organization's home division: what a role granted without a division
//! is granted in. Looked up once per provider process, as the official
//! provider and the admin UI do, and sent explicitly, so the state holds the
//! id that was sent whatever the API echoes.

use serde::Deserialize;

use super::client::GenesysClient;
use super::error::GenesysError;

/// `GET /api/v2/authorization/divisions/home` (only the id is used).
#[derive(Deserialize)]
struct Division {
    id: String,
}

impl GenesysClient {
    /// The home division's id; the first caller asks Genesys, every caller
    /// after it (and any caller waiting meanwhile) gets the same answer.
    pub async fn home_division(&self) -> Result<String, GenesysError> {
        self.home_division
            .get_or_try_init(|| async {
                let division: Division = self
                    .get_json(
                        "read the home division",
                        "/api/v2/authorization/divisions/home",
                    )
                    .await?;
                Ok::<_, GenesysError>(division.id)
            })
            .await
            .cloned()
    }
}
