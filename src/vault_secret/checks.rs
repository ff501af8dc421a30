//! The sink's checks outside a rotation, each an async step over plain
//! types that returns what to say as [`Note`]s: at plan, may the token
//! write the entry (`vault_writable`); at import, may the entry be adopted
//! (`adoptable`); at refresh, what the stored credentials' check says
//! (`stored_note`); at destroy, what a removal that left the entry says
//! (`left_in_place`). The decisions are the pure functions next to each,
//! table-tested below.

use time::OffsetDateTime;

use super::preflight::{holder, observe, Holder};
use super::spec::SinkSpec;
use super::verify::Stored;
use crate::attribute_error::AttributeError;
use crate::note::Note;
use crate::process_records::claims::Claims;
use crate::vault::{KvPath, VaultClient, VaultError};
use crate::vault_secret::import::ImportId;
use crate::vault_secret::pair::Pair;

/// At plan, before anything is destroyed or regenerated: the entry's mount
/// exists and is KV, and the token may write the entry the way a rotation
/// does (`exists`: the entry is the sink's already). Vault out of reach is
/// only a warning: the apply checks again before it regenerates; so is a
/// missing capability when the user allows a read-only plan token
/// ([`VaultClient::read_only_plan`]).
pub async fn vault_writable(vault: &VaultClient, entry: &KvPath, exists: bool) -> Option<Note> {
    let e = vault.check_can_write(entry, exists).await.err()?;
    Some(refusal_note(entry, &e, vault.read_only_plan()))
}

/// What a failed write check says: on `mount` or `path` when the user can
/// fix it there, a warning when Vault could not be asked, or when the token
/// lacks a capability and `read_only_plan` allows that at plan.
fn refusal_note(entry: &KvPath, e: &VaultError, read_only_plan: bool) -> Note {
    let attribute = match e {
        VaultError::MissingCapabilities { .. } if read_only_plan => {
            return Note::AttributeWarning(AttributeError::new(
                "path",
                format!("The plan's Vault token may not write {entry}"),
                format!("{e}. vault.allow_read_only_plan is set, so the plan goes on: the apply asks again, with its own token, before it regenerates a secret anyone may hold, and stops there, the old secret still working, if that token may not write the entry either. A client created in the same apply has no such holder: its secret is written without asking, and a refused write discards it (the next apply writes a new one)."),
            ));
        }
        VaultError::MountUnknown { .. }
        | VaultError::NotAMount { .. }
        | VaultError::NotKv { .. } => "mount",
        VaultError::MissingCapabilities { .. } | VaultError::PermissionDenied { .. } => "path",
        VaultError::Transport { .. } | VaultError::Unavailable { .. } => {
            return Note::Warning(
                "Vault could not be checked at plan".into(),
                format!("{e}. The apply checks {entry} again before it regenerates any secret."),
            );
        }
        _ => {
            return Note::Error(
                format!("Could not check the Vault entry {entry}"),
                e.to_string(),
            )
        }
    };
    Note::AttributeError(AttributeError::new(
        attribute,
        format!("The secret could not be written to {entry}"),
        nothing_changed(&e.to_string()),
    ))
}

/// Claims the sink's `clients` (each with its attribute: its client and
/// its standby) for `entry`: one client, one sink. An error on the
/// attribute of each client another entry holds.
pub fn claim(
    claims: &Claims,
    entry: &KvPath,
    clients: [(&'static str, Option<&str>); 2],
) -> Vec<Note> {
    clients
        .into_iter()
        .filter_map(|(attribute, id)| {
            let client_id = id?;
            let holder = claims.claim(client_id, entry).err()?;
            Some(Note::AttributeError(AttributeError::new(
                attribute,
                "OAuth client kept by two sinks",
                format!("OAuth client {client_id} is already kept by the sink at {holder}; this one writes {entry}. A regenerate kills the previous secret, so two sinks for one client kill each other's secret at every rotation. Keep one sink per client (a consumer that needs the secret elsewhere can read it from {holder}), or give this one a client of its own."),
            )))
        })
        .collect()
}

/// Import adopts what is there: never an empty path, and never an entry
/// this provider wrote for another client (the next rotation would
/// overwrite that client's live credentials). Returns the client whose
/// credentials the entry holds and when its version was written, or the
/// error to say.
pub async fn adoptable(
    vault: &VaultClient,
    parsed: &ImportId,
) -> Result<(String, Option<OffsetDateTime>), Note> {
    let unreadable = |e: VaultError| {
        Note::Error(
            "Could not read the Vault entry to import".into(),
            e.to_string(),
        )
    };
    let found = holder(vault, &parsed.entry, "client_id")
        .await
        .map_err(unreadable)?;
    let active = adopt(parsed, found)?;
    let seen = observe(vault, &parsed.entry, "client_id")
        .await
        .map_err(unreadable)?;
    Ok((active, seen.written_at))
}

/// Whom an imported entry's credentials belong to, given who holds it.
fn adopt(parsed: &ImportId, found: Holder) -> Result<String, Note> {
    let (entry, client_id) = (&parsed.entry, &parsed.client_id);
    let pair = Pair::new(client_id, parsed.standby.as_deref());
    match found {
        Holder::Nobody => Err(Note::Error(
            "Nothing to import".into(),
            format!("{entry} holds no live secret. Create the sink instead (remove the import): it writes a new secret there."),
        )),
        Holder::Client { owner, .. } if !pair.keeps(&owner) => Err(Note::Error(
            "The entry belongs to another OAuth client".into(),
            format!("{entry} was written by this provider for OAuth client {owner}, not {client_id}. Import it as {owner}:{entry} (or {owner},<standby_client_id>:{entry}), or choose another path for {client_id}."),
        )),
        // The client it holds, even one that is not the sink's (then the
        // plan rotates to client_id).
        Holder::Client { active, .. } => Ok(active),
        Holder::Unmarked(_) => Ok(client_id.to_string()),
    }
}

/// What a verify-on-read that found the client not active says, on
/// `verify_on_read`; nothing for the other outcomes (a rejection is
/// recorded for the plan to repair).
pub fn stored_note(spec: &SinkSpec, stored: &Stored) -> Option<Note> {
    let Stored::ClientNotActive(client_state) = stored else {
        return None;
    };
    Some(Note::AttributeWarning(AttributeError::new(
        "verify_on_read",
        "The sink's OAuth client is not active",
        format!("OAuth client {} is {client_state}: Genesys Cloud refuses its credentials whatever the secret, so the secret at {} is not rotated. Set the client's state to active to let consumers in again.", spec.client_id, spec.entry),
    )))
}

/// What a destroy that found someone else's entry says (`removed` is
/// what `super::remove` answered).
pub fn left_in_place(spec: &SinkSpec, removed: bool) -> Option<Note> {
    (!removed).then(|| {
        Note::Warning(
            "Vault entry left in place".into(),
            format!("{} now holds an entry this provider did not write for client {}; it was not deleted.", spec.entry, spec.client_id),
        )
    })
}

/// A plan-time refusal's text: the error, then that nothing was changed
/// and the fix comes first, said once even when the error says it already.
pub fn nothing_changed(error: &str) -> String {
    let error = error.trim_end().trim_end_matches('.');
    match error.strip_suffix("Nothing was changed") {
        Some(head) => format!("{head}Nothing was changed: fix this before applying."),
        None => format!("{error}. Nothing was changed: fix this before applying."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> KvPath {
        KvPath::checked("secret", "genesys/ci", ["mount", "path"]).expect("entry")
    }

    fn kind(note: &Note) -> (&'static str, Option<&'static str>) {
        match note {
            Note::Warning(..) => ("warning", None),
            Note::Error(..) => ("error", None),
            Note::AttributeWarning(e) => ("warning", Some(e.attribute)),
            Note::AttributeError(e) => ("error", Some(e.attribute)),
            Note::Failed(_) => ("error", None),
        }
    }

    #[test]
    fn a_refused_write_check_points_at_what_to_fix() {
        let op = || "check".to_string();
        let cases = [
            (
                VaultError::MountUnknown { mount: "x".into() },
                ("error", Some("mount")),
            ),
            (
                VaultError::NotKv {
                    mount: "x".into(),
                    kind: "pki".into(),
                },
                ("error", Some("mount")),
            ),
            (
                VaultError::MissingCapabilities {
                    operation: op(),
                    missing: vec![],
                },
                ("error", Some("path")),
            ),
            (
                VaultError::Transport {
                    operation: op(),
                    address: "http://127.0.0.1:8200/".into(),
                    detail: "refused".into(),
                    attempts: 1,
                },
                ("warning", None),
            ),
            (
                VaultError::Unavailable {
                    operation: op(),
                    attempts: 1,
                },
                ("warning", None),
            ),
            (VaultError::Setup("bad CA".into()), ("error", None)),
        ];
        for (e, expected) in cases {
            assert_eq!(kind(&refusal_note(&entry(), &e, false)), expected, "{e:?}");
            // A read-only plan token is allowed to lack capabilities, and
            // nothing else: a wrong mount is still refused.
            let allowed = match e {
                VaultError::MissingCapabilities { .. } => ("warning", Some("path")),
                _ => expected,
            };
            assert_eq!(kind(&refusal_note(&entry(), &e, true)), allowed, "{e:?}");
        }
    }

    #[test]
    fn a_client_is_kept_by_one_entry_only() {
        let claims = Claims::default();
        let other = KvPath::checked("secret", "other", ["mount", "path"]).expect("entry");
        assert!(claim(
            &claims,
            &other,
            [("client_id", Some("b")), ("standby_client_id", None)]
        )
        .is_empty());
        type Clients = [(&'static str, Option<&'static str>); 2];
        let cases: [(Clients, Vec<&str>); 3] = [
            (
                [("client_id", Some("a")), ("standby_client_id", None)],
                vec![],
            ),
            (
                [("client_id", Some("a")), ("standby_client_id", Some("b"))],
                vec!["standby_client_id"],
            ),
            (
                [("client_id", Some("b")), ("standby_client_id", Some("c"))],
                vec!["client_id"],
            ),
        ];
        for (clients, refused) in cases {
            let notes = claim(&claims, &entry(), clients);
            let attributes: Vec<&str> = notes.iter().map(|n| kind(n).1.unwrap_or("")).collect();
            assert_eq!(attributes, refused, "{clients:?}");
            assert!(notes.iter().all(Note::is_error));
        }
    }

    #[test]
    fn an_import_adopts_only_its_own_clients_entry() {
        let parsed = |standby: Option<&str>| ImportId {
            client_id: "a".into(),
            standby: standby.map(str::to_string),
            entry: entry(),
        };
        let held = |owner: &str, active: &str| Holder::Client {
            owner: owner.into(),
            active: active.into(),
        };
        let cases = [
            (parsed(None), Holder::Nobody, Err("Nothing to import")),
            (
                parsed(None),
                held("b", "b"),
                Err("The entry belongs to another OAuth client"),
            ),
            (parsed(Some("b")), held("b", "b"), Ok("b")),
            (parsed(None), held("a", "c"), Ok("c")),
            (parsed(None), Holder::Unmarked(3), Ok("a")),
        ];
        for (id, found, expected) in cases {
            let got = adopt(&id, found.clone());
            let got = match &got {
                Ok(active) => Ok(active.as_str()),
                Err(Note::Error(summary, _)) => Err(summary.as_str()),
                Err(other) => panic!("{other:?}"),
            };
            assert_eq!(got, expected, "{found:?}");
        }
    }

    #[test]
    fn only_a_client_not_active_is_said_after_a_stored_check() {
        let spec = SinkSpec::for_tests(None);
        assert_eq!(stored_note(&spec, &Stored::Work), None);
        assert_eq!(stored_note(&spec, &Stored::Rejected), None);
        let note = stored_note(&spec, &Stored::ClientNotActive("inactive".into()));
        assert_eq!(
            note.as_ref().map(kind),
            Some(("warning", Some("verify_on_read")))
        );
        assert_eq!(left_in_place(&spec, true), None);
        assert_eq!(
            left_in_place(&spec, false).as_ref().map(kind),
            Some(("warning", None))
        );
    }

    #[test]
    fn nothing_was_changed_is_said_once() {
        let cases = [
            (
                "mount x is unknown",
                "mount x is unknown. Nothing was changed: fix this before applying.",
            ),
            (
                "it lacks update. Nothing was changed.",
                "it lacks update. Nothing was changed: fix this before applying.",
            ),
            (
                "it lacks update. Nothing was changed",
                "it lacks update. Nothing was changed: fix this before applying.",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(nothing_changed(error), expected);
        }
    }
}
