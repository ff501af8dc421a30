//! The sink's private record ([`SinkRecord`], kept by Terraform as the
//! resource's private state): what the last apply wrote and what the last
//! read saw, version numbers and flags only, never a secret; and the
//! rules read from it (the repair due, the client state can be trusted
//! for, whether the triggers changed).

use serde::{Deserialize, Serialize};

use super::claim::PlannedClaim;
use super::credential_rules::Kept;
use super::fields::{plain_map, same_map, FieldMap};
use super::rules::{Observed, Repair};

/// Private state: what Terraform wrote and what the last read saw. The
/// field names are the stored format: renaming one loses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SinkRecord {
    /// The version the last write made (0 on KV v1).
    pub written_version: Option<u64>,
    /// The latest version the last read saw (`None`: no entry).
    pub observed_version: Option<u64>,
    /// Whether that version was live (not deleted or destroyed).
    pub observed_live: bool,
    /// Verify-on-read: the token endpoint refused the stored credentials.
    pub secret_rejected: bool,
    /// The last read found the OAuth client gone from Genesys: the sink is
    /// planned for replacement (never silently dropped from state).
    pub client_gone: bool,
    /// The last rotation's verify failed on an update: the next plan
    /// rotates again.
    pub unverified: bool,
    /// A regenerate got no clear answer on an update: the secret in Vault
    /// may be dead, and the next plan repairs it whatever the config says.
    pub maybe_dead: bool,
    /// The integration credential the sink wrote last (ids and name).
    pub credential: Option<Kept>,
    /// Imported, and not applied since: the entry is taken as it is
    /// (`crate::vault_secret::import::triggers_changed`).
    pub adopted: bool,
    /// At plan, what the claims of the clients the sink starts keeping
    /// looked like, for the apply's check-and-set (`crate::vault_secret::claim`); empty
    /// after an apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<PlannedClaim>,
}

impl SinkRecord {
    /// What the last read saw, as the drift rules take it.
    pub fn observed(&self) -> Observed {
        Observed {
            current_version: self.observed_version,
            latest_live: self.observed_live,
        }
    }

    /// The repair the next plan owes (`crate::vault_secret::rules::repair`), if any.
    pub fn repair(&self) -> Option<Repair> {
        super::rules::repair(
            self.maybe_dead,
            self.unverified,
            self.written_version,
            self.observed(),
            self.secret_rejected,
        )
    }

    /// The client state says is in Vault (`active`), when Vault still holds
    /// what this sink last wrote.
    pub fn trusted(&self, active: Option<&str>) -> Option<String> {
        super::pair::trusted_state_record(active, self.written_version, self.observed_version)
            .map(str::to_string)
    }

    /// Whether `rotation_triggers` changed from `prior` (state) to
    /// `config`, for the rotation rule: triggers first seen after an import
    /// are adopted, not a change.
    pub fn triggers_changed(&self, prior: &FieldMap, config: &FieldMap) -> bool {
        super::import::triggers_changed(
            self.adopted,
            !plain_map(prior).is_empty(),
            !same_map(prior, config),
        )
    }

    /// The record right after a write of `version` (`None` on KV v1).
    pub fn after_write(version: Option<u64>) -> SinkRecord {
        let v = version.unwrap_or(0);
        SinkRecord {
            written_version: Some(v),
            observed_version: Some(v),
            observed_live: true,
            ..SinkRecord::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault_secret::fields::Field;

    #[test]
    fn a_write_leaves_nothing_to_repair() {
        let cases = [(Some(4), 4), (None, 0)];
        for (version, recorded) in cases {
            let r = SinkRecord::after_write(version);
            assert_eq!(r.written_version, Some(recorded));
            assert_eq!(r.repair(), None, "{r:?}");
            assert!(!r.client_gone && !r.adopted && r.credential.is_none());
        }
    }

    #[test]
    fn the_record_says_what_to_repair_first() {
        let after = SinkRecord::after_write(Some(2));
        let cases = [
            (
                SinkRecord {
                    maybe_dead: true,
                    unverified: true,
                    ..after.clone()
                },
                Some(Repair::MaybeDead),
            ),
            (
                SinkRecord {
                    unverified: true,
                    ..after.clone()
                },
                Some(Repair::Unverified),
            ),
            (
                SinkRecord {
                    observed_version: Some(3),
                    ..after.clone()
                },
                Some(Repair::Overwritten {
                    written: 2,
                    current: 3,
                }),
            ),
            (
                SinkRecord {
                    secret_rejected: true,
                    ..after.clone()
                },
                Some(Repair::SecretRejected),
            ),
            (after, None),
        ];
        for (record, repair) in cases {
            assert_eq!(record.repair(), repair, "{record:?}");
        }
    }

    #[test]
    fn state_is_trusted_while_vault_holds_the_last_write() {
        let after = SinkRecord::after_write(Some(2));
        assert_eq!(after.trusted(Some("b")), Some("b".to_string()));
        let overwritten = SinkRecord {
            observed_version: Some(3),
            ..after
        };
        assert_eq!(overwritten.trusted(Some("b")), None);
    }

    #[test]
    fn triggers_first_seen_after_an_import_are_adopted() {
        let some = Field::Known([("k".to_string(), Field::Known("1".to_string()))].into());
        let adopted = SinkRecord {
            adopted: true,
            ..SinkRecord::default()
        };
        let cases = [
            (adopted.clone(), Field::Null, some.clone(), false),
            (SinkRecord::default(), Field::Null, some.clone(), true),
            (adopted, some.clone(), Field::Null, true),
            (SinkRecord::default(), some.clone(), some.clone(), false),
        ];
        for (record, prior, config, changed) in cases {
            assert_eq!(
                record.triggers_changed(&prior, &config),
                changed,
                "{record:?}"
            );
        }
    }

    #[test]
    fn the_stored_format_keeps_its_field_names() {
        let json =
            r#"{"written_version":2,"observed_version":2,"observed_live":true,"client_gone":true}"#;
        let r: SinkRecord = serde_json::from_str(json).expect("record");
        assert!(r.client_gone && r.observed_live && !r.maybe_dead);
        assert_eq!(r.written_version, Some(2));
    }
}
