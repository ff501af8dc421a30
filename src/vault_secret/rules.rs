//! Rules of the sink (`genesyscloud_oauth_client_vault_secret`): input
//! checks, when to rotate, what counts as drift, who owns a Vault entry, and which
//! check-and-set version a write must carry.

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

use crate::attribute_error::AttributeError;

/// `custom_metadata` key marking entries this provider wrote.
pub const MANAGED_BY_KEY: &str = "managed-by";
/// Value of [`MANAGED_BY_KEY`].
pub const MANAGED_BY_VALUE: &str = "terraform-provider-genesyscloud";
/// `custom_metadata` key holding the sink's OAuth client id (`client_id`):
/// the ownership mark.
pub const CLIENT_ID_KEY: &str = "genesys-client-id";
/// `custom_metadata` key holding the OAuth client whose credentials the
/// entry holds (`client_id`, or with a standby, whichever was written last).
pub const ACTIVE_CLIENT_ID_KEY: &str = "genesys-active-client-id";
/// `custom_metadata` key holding the integration credential the sink keeps
/// current (`integration_credential_id`): the record that survives a state
/// that lost it (`crate::vault_secret::credential_rules::recover`).
pub const CREDENTIAL_ID_KEY: &str = "genesys-integration-credential-id";
/// Terraform Cloud run variables recorded in the custom metadata, and
/// their keys.
pub const TFC_KEYS: [(&str, &str); 3] = [
    ("TFC_WORKSPACE_NAME", "tfc-workspace"),
    ("TFC_RUN_ID", "tfc-run-id"),
    ("TFC_PROJECT_NAME", "tfc-project"),
];

/// Every custom metadata key the provider may write itself.
pub fn reserved_metadata_keys() -> impl Iterator<Item = &'static str> {
    [
        MANAGED_BY_KEY,
        CLIENT_ID_KEY,
        ACTIVE_CLIENT_ID_KEY,
        CREDENTIAL_ID_KEY,
    ]
    .into_iter()
    .chain(TFC_KEYS.iter().map(|(_, key)| *key))
}

/// What destroying the sink does to the Vault entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDestroy {
    /// Delete every version and the metadata (KV v1: delete the entry).
    DeleteAll,
    /// Soft-delete the latest version (recoverable with `undelete`).
    SoftDelete,
    /// Leave the entry as it is.
    Retain,
}

/// Whether a rotation exchanges the new credentials when `verify` is not
/// set.
pub const DEFAULT_VERIFY: bool = true;

/// Whether a refresh exchanges the stored credentials when
/// `verify_on_read` is not set.
pub const DEFAULT_VERIFY_ON_READ: bool = false;

impl OnDestroy {
    /// Accepted spellings.
    pub const NAMES: &'static [&'static str] = &["delete_all", "soft_delete", "retain"];

    /// What destroy does when `on_destroy` is not set.
    pub const DEFAULT: OnDestroy = OnDestroy::DeleteAll;

    /// The attribute's spelling.
    pub fn name(self) -> &'static str {
        match self {
            OnDestroy::DeleteAll => "delete_all",
            OnDestroy::SoftDelete => "soft_delete",
            OnDestroy::Retain => "retain",
        }
    }

    /// The value state holds; one that does not parse (validated at plan,
    /// so only a hand-edited state) counts as the default.
    pub fn or_default(s: &str) -> OnDestroy {
        Self::parse(s).unwrap_or(Self::DEFAULT)
    }

    /// Parses the attribute.
    pub fn parse(s: &str) -> Result<OnDestroy, AttributeError> {
        match s {
            "delete_all" => Ok(OnDestroy::DeleteAll),
            "soft_delete" => Ok(OnDestroy::SoftDelete),
            "retain" => Ok(OnDestroy::Retain),
            other => Err(AttributeError {
                attribute: "on_destroy",
                summary: format!("Unsupported on_destroy {other:?}"),
                detail: format!("on_destroy must be one of {}.", Self::NAMES.join(", ")),
            }),
        }
    }
}

/// Parses `rotation_period`: a duration such as `2160h`, `90d`, `1h30m`.
pub fn parse_period(value: &str) -> Result<Duration, AttributeError> {
    let error = |why: String| AttributeError {
        attribute: "rotation_period",
        summary: format!("Invalid rotation_period {value:?}"),
        detail: format!("{why}. Use a duration such as \"2160h\", \"90d\" or \"1h30m\"."),
    };
    let d = humantime::parse_duration(value.trim()).map_err(|e| error(e.to_string()))?;
    if d < Duration::from_secs(1) {
        return Err(error("it must be at least one second".into()));
    }
    Ok(d)
}

/// RFC 3339 text of an instant, as kept in state.
pub fn format_time(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Parses a time kept in state.
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// When the next rotation is due.
pub fn rotate_after(rotated_at: OffsetDateTime, period: Duration) -> OffsetDateTime {
    rotated_at + period
}

/// What Vault holds at the sink's path, as far as drift is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// Latest version number (KV v2); `None` when the path does not exist.
    pub current_version: Option<u64>,
    /// False when the latest version is deleted or destroyed.
    pub latest_live: bool,
}

impl Observed {
    /// The version this provider counts as its own write after a refresh:
    /// the one recorded (`written`), else, for an import (nothing
    /// recorded), the live version there: adopting never rotates.
    pub fn adopted_written(self, written: Option<u64>) -> Option<u64> {
        match written {
            None if self.latest_live => self.current_version,
            _ => written,
        }
    }

    /// The version state shows: the latest, when it is live.
    pub fn live_version(self) -> Option<u64> {
        self.current_version.filter(|_| self.latest_live)
    }
}

/// The `vault_version` state records after a write: the KV v2 version
/// written, 0 on KV v1 (which has no versions).
pub fn version_in_state(written: Option<u64>) -> i64 {
    written.map_or(0, |v| i64::try_from(v).unwrap_or(i64::MAX))
}

/// Why the sink must be rewritten although its configuration did not change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Someone wrote a newer version than the one Terraform wrote.
    Overwritten {
        /// The version Terraform wrote.
        written: u64,
        /// The version Vault has now.
        current: u64,
    },
    /// The latest version was deleted or destroyed.
    LatestDeleted,
    /// The path (all its versions) is gone.
    PathGone,
    /// Verify-on-read: the token endpoint rejected the credentials in Vault.
    SecretRejected,
    /// The last rotation wrote a secret the verify did not accept.
    Unverified,
    /// A regenerate got no clear answer: the secret in Vault may be dead.
    MaybeDead,
    /// The integration credential the sink keeps current was deleted
    /// outside Terraform: a rotation makes it again under its name.
    CredentialGone {
        /// Its id.
        id: String,
        /// Its name.
        name: String,
    },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repair::Overwritten { written, current } => write!(
                f,
                "version {current} was written outside Terraform (Terraform wrote version {written})"
            ),
            Repair::LatestDeleted => f.write_str("the latest version was deleted or destroyed"),
            Repair::PathGone => f.write_str("the entry no longer exists"),
            Repair::SecretRejected => f.write_str("Genesys Cloud rejects the credentials stored there"),
            Repair::Unverified => f.write_str("the secret written by the last apply did not pass its verify"),
            Repair::MaybeDead => f.write_str("the last apply may have regenerated the secret without writing it (Genesys' answer was lost), so the one stored may no longer work"),
            Repair::CredentialGone { id, name } => write!(f, "integration credential {name:?} ({id}) was deleted outside Terraform"),
        }
    }
}

/// What must be repaired, if anything: first what the last apply left
/// undone (a secret that may be dead, one that did not verify), then the
/// drift between what Terraform wrote and what Vault holds.
pub fn repair(
    pending_maybe_dead: bool,
    pending_unverified: bool,
    written: Option<u64>,
    observed: Observed,
    secret_rejected: bool,
) -> Option<Repair> {
    if pending_maybe_dead {
        Some(Repair::MaybeDead)
    } else if pending_unverified {
        Some(Repair::Unverified)
    } else {
        drift(written, observed, secret_rejected)
    }
}

/// Compares what Terraform wrote with what Vault holds.
pub fn drift(written: Option<u64>, observed: Observed, secret_rejected: bool) -> Option<Repair> {
    match observed.current_version {
        None => return Some(Repair::PathGone),
        Some(_) if !observed.latest_live => return Some(Repair::LatestDeleted),
        Some(current) => {
            if let Some(written) = written.filter(|w| *w != current) {
                return Some(Repair::Overwritten { written, current });
            }
        }
    }
    secret_rejected.then_some(Repair::SecretRejected)
}

/// What an update of a sink does, once its configuration and Vault have
/// been compared with the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Regenerate the secret and write it.
    Rotate {
        /// Why, for people (the repair first, when there is one).
        reasons: Vec<String>,
        /// True when Vault drifted: the plan says the entry is repaired.
        repair: bool,
    },
    /// Same secret, new layout (key names or extra values): a new version
    /// without rotating.
    Rewrite,
    /// Nothing to write (custom metadata may still be relabelled).
    Keep,
}

/// Decides an update: rotate when Vault drifted (`repair`), when the client
/// in Vault left the sink's pair (`left_pair`, see `crate::vault_secret::pair`), when
/// `rotation_triggers` changed or when `rotate_after` has passed; else
/// rewrite when the entry's layout changed; else keep.
pub fn rotate_rewrite_or_keep(
    repair: Option<Repair>,
    left_pair: Option<String>,
    triggers_changed: bool,
    rotate_after: Option<OffsetDateTime>,
    now: OffsetDateTime,
    layout_changed: bool,
) -> Update {
    let mut reasons = Vec::new();
    let repairing = repair.is_some();
    if let Some(repair) = repair {
        reasons.push(repair.to_string());
    }
    reasons.extend(left_pair);
    if triggers_changed {
        reasons.push("rotation_triggers changed".into());
    }
    if let Some(after) = rotate_after.filter(|after| now >= *after) {
        reasons.push(format!(
            "the rotation period ended at {}",
            format_time(after)
        ));
    }
    if !reasons.is_empty() {
        Update::Rotate {
            reasons,
            repair: repairing,
        }
    } else if layout_changed {
        Update::Rewrite
    } else {
        Update::Keep
    }
}

/// What an update's apply writes, read from what its plan left to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateWrite {
    /// The plan rotates (`secret_hash` unknown): regenerate and write.
    Rotate,
    /// The plan rewrites (`vault_version` unknown): the same secret in a
    /// new version.
    Rewrite,
    /// New labels, or the same pair with its ids swapped: only the entry's
    /// metadata, so the ownership mark names the new `client_id`.
    Relabel,
    /// Nothing in Vault changes.
    Nothing,
}

/// Decides what an update's apply writes: `secret_unknown` and
/// `version_unknown` are what the plan left unknown (see [`Update`]),
/// `labels_changed` whether `custom_metadata` changed, `client_changed`
/// whether `client_id` did (a swap within the pair: a change of client
/// otherwise replaces the sink).
pub fn update_write(
    secret_unknown: bool,
    version_unknown: bool,
    labels_changed: bool,
    client_changed: bool,
) -> UpdateWrite {
    if secret_unknown {
        UpdateWrite::Rotate
    } else if version_unknown {
        UpdateWrite::Rewrite
    } else if labels_changed || client_changed {
        UpdateWrite::Relabel
    } else {
        UpdateWrite::Nothing
    }
}

/// The warning of a plan that repairs the entry at `mount`/`path`: what
/// was found (`reasons`), and that the apply writes it again.
pub fn repair_notice(mount: &str, path: &str, reasons: &[String]) -> AttributeError {
    AttributeError::new(
        "vault_version",
        "The Vault entry will be repaired",
        format!(
            "{mount}/{path}: {}. Apply regenerates the client secret and writes it again.",
            reasons.join("; ")
        ),
    )
}

/// The warning of a plan that replaces a sink because its client is gone
/// from Genesys Cloud (the sink writes `entry`).
pub fn client_gone_notice(client_id: &str, entry: &str) -> AttributeError {
    AttributeError::new(
        "client_id",
        "The sink's OAuth client no longer exists",
        format!("OAuth client {client_id} is gone from Genesys Cloud, so the secret at {entry} can no longer work. The sink is replaced: its entry is removed as on_destroy says, and a new sink is created for client_id."),
    )
}

/// The check-and-set version of a write: 0 when the path is new, else the
/// version observed (so a write that happened since is detected, not
/// overwritten). KV v1 has no CAS (`None`).
pub fn cas_for_write(observed: Option<Observed>) -> Option<u64> {
    observed.map(|o| o.current_version.unwrap_or(0))
}

/// The OAuth client an entry's custom metadata marks it as written for by
/// this provider (its sink's `client_id`); `None` without this provider's
/// mark.
pub fn owner_of(custom_metadata: &BTreeMap<String, String>) -> Option<&str> {
    if custom_metadata.get(MANAGED_BY_KEY).map(String::as_str) != Some(MANAGED_BY_VALUE) {
        return None;
    }
    custom_metadata.get(CLIENT_ID_KEY).map(String::as_str)
}

/// Whether an existing Vault entry was written by this provider for this
/// client (then a new sink may take it over).
pub fn owned_by(custom_metadata: &BTreeMap<String, String>, client_id: &str) -> bool {
    owner_of(custom_metadata) == Some(client_id)
}

/// The client an entry this provider wrote holds credentials of: its
/// record, or the sink's client for entries written before the record
/// existed. `None` for an entry without this provider's mark.
pub fn active_of(custom_metadata: &BTreeMap<String, String>) -> Option<&str> {
    let owner = owner_of(custom_metadata)?;
    Some(
        custom_metadata
            .get(ACTIVE_CLIENT_ID_KEY)
            .map_or(owner, String::as_str),
    )
}

/// The custom metadata written with the secret: the user's, then ours
/// (ours wins: the sink's client, and the client whose credentials the
/// entry holds when known), plus the Terraform Cloud workspace and run when
/// present.
pub fn custom_metadata(
    user: &BTreeMap<String, String>,
    client_id: &str,
    active: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, String> {
    let mut out = user.clone();
    out.insert(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into());
    out.insert(CLIENT_ID_KEY.into(), client_id.into());
    if let Some(active) = active {
        out.insert(ACTIVE_CLIENT_ID_KEY.into(), active.into());
    }
    for (var, key) in TFC_KEYS {
        if let Some(v) = env(var).filter(|v| !v.is_empty()) {
            out.insert(key.into(), v);
        }
    }
    out
}

/// Adds to custom metadata `md` the integration credential the sink keeps
/// current, when it keeps one.
pub fn record_credential(md: &mut BTreeMap<String, String>, credential: Option<&str>) {
    if let Some(id) = credential {
        md.insert(CREDENTIAL_ID_KEY.into(), id.into());
    }
}

/// The integration credential an entry this provider wrote for client
/// `client_id` names as the one its sink keeps current; `None` for an
/// entry without the mark, or marked for another client.
pub fn credential_of<'a>(
    custom_metadata: &'a BTreeMap<String, String>,
    client_id: &str,
) -> Option<&'a str> {
    if !owned_by(custom_metadata, client_id) {
        return None;
    }
    custom_metadata
        .get(CREDENTIAL_ID_KEY)
        .map(String::as_str)
        .filter(|id| !id.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_writes_what_its_plan_left_to_compute() {
        use UpdateWrite::*;
        // (secret unknown, version unknown, labels changed, client changed)
        let cases = [
            ((true, true, true, true), Rotate),
            ((true, false, false, false), Rotate),
            ((false, true, true, true), Rewrite),
            ((false, true, false, false), Rewrite),
            ((false, false, true, false), Relabel),
            ((false, false, false, true), Relabel),
            ((false, false, true, true), Relabel),
            ((false, false, false, false), Nothing),
        ];
        for ((secret, version, labels, client), expected) in cases {
            assert_eq!(
                update_write(secret, version, labels, client),
                expected,
                "{secret} {version} {labels} {client}"
            );
        }
    }

    #[test]
    fn periods_parse_like_go_durations_and_more() {
        assert_eq!(
            parse_period("2160h").ok(),
            Some(Duration::from_secs(2160 * 3600))
        );
        assert_eq!(parse_period("1h30m").ok(), Some(Duration::from_secs(5400)));
        assert_eq!(
            parse_period("90d").ok(),
            Some(Duration::from_secs(90 * 86400))
        );
        assert!(parse_period("soon").is_err());
        assert!(parse_period("0s").is_err());
    }

    #[test]
    fn drift_is_classified() {
        let live = |v| Observed {
            current_version: Some(v),
            latest_live: true,
        };
        assert_eq!(drift(Some(2), live(2), false), None);
        assert_eq!(
            drift(Some(2), live(3), false),
            Some(Repair::Overwritten {
                written: 2,
                current: 3
            })
        );
        assert_eq!(
            drift(
                Some(2),
                Observed {
                    current_version: Some(2),
                    latest_live: false
                },
                false
            ),
            Some(Repair::LatestDeleted)
        );
        assert_eq!(
            drift(
                Some(2),
                Observed {
                    current_version: None,
                    latest_live: false
                },
                false
            ),
            Some(Repair::PathGone)
        );
        assert_eq!(drift(Some(2), live(2), true), Some(Repair::SecretRejected));
        // Imported: nothing written yet, whatever is live is adopted.
        assert_eq!(drift(None, live(7), false), None);
    }

    #[test]
    fn updates_rotate_for_drift_triggers_or_age_else_rewrite_or_keep() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("valid");
        let later = now + Duration::from_secs(60);
        assert_eq!(
            rotate_rewrite_or_keep(None, None, false, Some(later), now, false),
            Update::Keep
        );
        assert_eq!(
            rotate_rewrite_or_keep(None, None, false, None, now, true),
            Update::Rewrite
        );
        assert_eq!(
            rotate_rewrite_or_keep(
                Some(Repair::PathGone),
                Some("the client left the pair".into()),
                true,
                Some(now),
                now,
                true
            ),
            Update::Rotate {
                reasons: vec![
                    "the entry no longer exists".into(),
                    "the client left the pair".into(),
                    "rotation_triggers changed".into(),
                    "the rotation period ended at 2027-01-15T08:00:00Z".into(),
                ],
                repair: true,
            }
        );
        assert_eq!(
            rotate_rewrite_or_keep(None, None, true, None, now, false),
            Update::Rotate {
                reasons: vec!["rotation_triggers changed".into()],
                repair: false,
            }
        );
        assert_eq!(
            rotate_rewrite_or_keep(None, Some("left".into()), false, None, now, false),
            Update::Rotate {
                reasons: vec!["left".into()],
                repair: false,
            }
        );
    }

    #[test]
    fn what_the_last_apply_left_undone_is_repaired_first() {
        let live = Observed {
            current_version: Some(2),
            latest_live: true,
        };
        assert_eq!(repair(false, false, Some(2), live, false), None);
        assert_eq!(
            repair(false, true, Some(2), live, false),
            Some(Repair::Unverified)
        );
        assert_eq!(
            repair(true, true, Some(2), live, true),
            Some(Repair::MaybeDead)
        );
        assert_eq!(
            repair(false, false, Some(1), live, false),
            Some(Repair::Overwritten {
                written: 1,
                current: 2
            })
        );
    }

    #[test]
    fn cas_follows_what_was_observed() {
        assert_eq!(cas_for_write(None), None);
        assert_eq!(
            cas_for_write(Some(Observed {
                current_version: None,
                latest_live: false
            })),
            Some(0)
        );
        assert_eq!(
            cas_for_write(Some(Observed {
                current_version: Some(4),
                latest_live: false
            })),
            Some(4)
        );
    }

    #[test]
    fn ownership_and_metadata() {
        let env = |k: &str| (k == "TFC_RUN_ID").then(|| "run-123".to_string());
        let user: BTreeMap<String, String> = [
            ("team".to_string(), "ops".to_string()),
            (MANAGED_BY_KEY.to_string(), "me".to_string()),
        ]
        .into();
        let md = custom_metadata(&user, "c1", None, &env);
        assert_eq!(md.get("team").map(String::as_str), Some("ops"));
        assert_eq!(md.get("tfc-run-id").map(String::as_str), Some("run-123"));
        assert!(owned_by(&md, "c1"));
        assert!(!owned_by(&md, "c2"));
        assert!(!owned_by(&user, "c1"));
        assert_eq!(active_of(&md), Some("c1"), "written before the record");
        assert_eq!(active_of(&user), None);
        let pair = custom_metadata(&user, "c1", Some("c2"), &env);
        assert!(owned_by(&pair, "c1"), "the mark stays the sink's client");
        assert_eq!(active_of(&pair), Some("c2"));
    }

    #[test]
    fn the_kept_credential_is_read_back_only_from_the_clients_own_entry() {
        let env = |_: &str| None;
        let mut md = custom_metadata(&BTreeMap::new(), "c1", Some("c2"), &env);
        assert_eq!(credential_of(&md, "c1"), None, "none recorded");
        record_credential(&mut md, None);
        assert_eq!(credential_of(&md, "c1"), None);
        record_credential(&mut md, Some("k1"));
        assert_eq!(credential_of(&md, "c1"), Some("k1"));
        assert_eq!(credential_of(&md, "c2"), None, "the mark is c1's");
        let unmarked: BTreeMap<String, String> =
            [(CREDENTIAL_ID_KEY.to_string(), "k1".to_string())].into();
        assert_eq!(credential_of(&unmarked, "c1"), None, "not written here");
        assert!(reserved_metadata_keys().any(|k| k == CREDENTIAL_ID_KEY));
    }

    #[test]
    fn times_round_trip_without_fractions() {
        let t = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("valid");
        let text = format_time(t + Duration::from_millis(123));
        assert_eq!(text, "2027-01-15T08:00:00Z");
        assert_eq!(parse_time(&text), Some(t));
        assert_eq!(
            rotate_after(t, Duration::from_secs(60)),
            t + Duration::from_secs(60)
        );
    }

    #[test]
    fn the_repair_and_replacement_warnings_name_the_entry_and_why() {
        let reasons = ["a".to_string(), "b".to_string()];
        let cases = [
            (
                repair_notice("secret", "ci", &reasons),
                "vault_version",
                "secret/ci: a; b. Apply",
            ),
            (
                client_gone_notice("c1", "secret/ci"),
                "client_id",
                "OAuth client c1 is gone from Genesys Cloud, so the secret at secret/ci can",
            ),
        ];
        for (notice, attribute, start) in cases {
            assert_eq!(notice.attribute, attribute);
            assert!(notice.detail.starts_with(start), "{}", notice.detail);
        }
    }

    #[test]
    fn on_destroy_names_parse_back_and_anything_else_is_the_default() {
        for name in OnDestroy::NAMES {
            assert_eq!(OnDestroy::or_default(name).name(), *name);
        }
        let cases = [
            ("", OnDestroy::DEFAULT),
            ("keep", OnDestroy::DEFAULT),
            ("retain", OnDestroy::Retain),
        ];
        for (text, expected) in cases {
            assert_eq!(OnDestroy::or_default(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_refresh_adopts_only_a_live_version_and_shows_only_a_live_one() {
        let seen = |current_version, latest_live| Observed {
            current_version,
            latest_live,
        };
        let cases = [
            (seen(Some(4), true), None, Some(4), Some(4)),
            (seen(Some(4), true), Some(3), Some(3), Some(4)),
            (seen(Some(4), false), None, None, None),
            (seen(Some(4), false), Some(3), Some(3), None),
            (seen(None, false), None, None, None),
        ];
        for (observed, written, adopted, shown) in cases {
            assert_eq!(observed.adopted_written(written), adopted, "{observed:?}");
            assert_eq!(observed.live_version(), shown, "{observed:?}");
        }
    }

    #[test]
    fn kv1_writes_show_version_zero() {
        let cases = [(None, 0), (Some(1), 1), (Some(u64::MAX), i64::MAX)];
        for (written, shown) in cases {
            assert_eq!(version_in_state(written), shown);
        }
    }
}
