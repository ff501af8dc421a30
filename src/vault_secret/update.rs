//! An update of the sink, over its plain fields: what the plan decides
//! ([`decide`]: rotate, rewrite or keep, from the fields, the private
//! record and the integration credential's repair), and what the apply
//! then writes ([`write_of`], read from what the plan left unknown). The
//! rules themselves are `super::rules::rotate_rewrite_or_keep` and `update_write`.

use time::OffsetDateTime;

use super::fields::{same_map, SinkFields};
use super::pair::{left_pair, Pair};
use super::record::SinkRecord;
use super::rules::{parse_time, rotate_rewrite_or_keep, update_write, Repair, Update, UpdateWrite};

/// Decides an update of the sink from `prior` (state) to `planned` (its
/// computed values carried), with `config` as written and `record` as the
/// last read left it; `remake` is the integration credential's repair. A
/// standby the plan does not know yet cannot be assumed to keep the client
/// in Vault.
pub fn decide(
    prior: &SinkFields,
    planned: &SinkFields,
    config: &SinkFields,
    record: &SinkRecord,
    remake: Option<Repair>,
    now: OffsetDateTime,
) -> Update {
    let (client_id, standby) = planned.pair_ids();
    let pair = Pair::new(client_id.unwrap_or_default(), standby);
    rotate_rewrite_or_keep(
        record.repair().or(remake),
        left_pair(prior.active_client_id.str(), pair),
        record.triggers_changed(&prior.rotation_triggers, &config.rotation_triggers),
        planned.rotate_after.str().and_then(parse_time),
        now,
        planned.layout_changed(prior),
    )
}

/// What an update's apply writes, from `prior` (state) to `planned`.
pub fn write_of(prior: &SinkFields, planned: &SinkFields) -> UpdateWrite {
    update_write(
        planned.secret_hash.is_unknown(),
        planned.vault_version.is_unknown(),
        !same_map(&prior.custom_metadata, &planned.custom_metadata),
        prior.client_id != planned.client_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault_secret::fields::{Field, FieldMap};

    fn text(s: &str) -> Field<String> {
        Field::Known(s.to_string())
    }

    fn labels(v: &str) -> FieldMap {
        Field::Known([("team".to_string(), text(v))].into())
    }

    fn prior() -> SinkFields {
        SinkFields {
            client_id: text("a"),
            active_client_id: text("a"),
            client_id_key: text("client_id"),
            rotate_after: text("2026-06-01T00:00:00Z"),
            ..SinkFields::default()
        }
    }

    fn now() -> OffsetDateTime {
        parse_time("2026-03-01T00:00:00Z").expect("time")
    }

    fn kind(u: &Update) -> &'static str {
        match u {
            Update::Rotate { repair: true, .. } => "repair",
            Update::Rotate { .. } => "rotate",
            Update::Rewrite => "rewrite",
            Update::Keep => "keep",
        }
    }

    #[test]
    fn an_update_rotates_rewrites_or_keeps() {
        let written = SinkRecord::after_write(Some(2));
        let overwritten = SinkRecord {
            observed_version: Some(3),
            ..written.clone()
        };
        let gone = Some(Repair::CredentialGone {
            id: "k".into(),
            name: "n".into(),
        });
        let same = prior();
        let renamed = SinkFields {
            client_id_key: text("id"),
            ..prior()
        };
        let due = SinkFields {
            rotate_after: text("2026-01-01T00:00:00Z"),
            ..prior()
        };
        let moved = SinkFields {
            client_id: text("b"),
            ..prior()
        };
        let triggered = SinkFields {
            rotation_triggers: labels("1"),
            ..prior()
        };
        // (planned, config, record, remake) -> decision
        let cases = [
            (&same, &same, &written, None, "keep"),
            (&renamed, &renamed, &written, None, "rewrite"),
            (&due, &due, &written, None, "rotate"),
            (&moved, &moved, &written, None, "rotate"),
            (&same, &triggered, &written, None, "rotate"),
            (&same, &same, &overwritten, None, "repair"),
            (&renamed, &renamed, &written, gone, "repair"),
        ];
        for (planned, config, record, remake, expected) in cases {
            let update = decide(&prior(), planned, config, record, remake, now());
            assert_eq!(kind(&update), expected, "{planned:?} {record:?}");
        }
    }

    #[test]
    fn the_apply_writes_what_the_plan_left_unknown() {
        let unknown_version = SinkFields {
            vault_version: Field::Unknown,
            ..prior()
        };
        let mut rotating = prior();
        rotating.mark_rotation_unknown();
        let relabelled = SinkFields {
            custom_metadata: labels("x"),
            ..prior()
        };
        let swapped = SinkFields {
            client_id: text("b"),
            ..prior()
        };
        let cases = [
            (rotating, UpdateWrite::Rotate),
            (unknown_version, UpdateWrite::Rewrite),
            (relabelled, UpdateWrite::Relabel),
            (swapped, UpdateWrite::Relabel),
            (prior(), UpdateWrite::Nothing),
        ];
        for (planned, expected) in cases {
            assert_eq!(write_of(&prior(), &planned), expected, "{planned:?}");
        }
    }
}
