//! What a rotation's outcome says besides the state it leaves: its
//! warnings (a pair's clients with different roles, metadata that does not
//! name the client written), a new secret that does not work, and a
//! restore of the previous credentials after that, each as a [`Note`]. The
//! state each outcome leaves is recorded by `apply.rs` (`rotate_into`).

use super::error::SinkError;
use super::restore::Restored;
use super::rotation::Rotated;
use super::spec::SinkSpec;
use crate::attribute_error::AttributeError;
use crate::note::Note;

/// The warnings of a rotation that went through.
pub fn rotated_notes(spec: &SinkSpec, r: &Rotated) -> Vec<Note> {
    let mut notes = Vec::new();
    if let (Some(difference), Some(standby)) = (&r.roles_differ, &spec.standby_client_id) {
        notes.push(Note::AttributeWarning(AttributeError::new(
            "standby_client_id",
            "The sink's two OAuth clients have different roles",
            format!("{difference}. Consumers' permissions change at every rotation, as {} alternates between {} and {standby}: give both clients the same roles in the same divisions.", spec.entry, spec.client_id),
        )));
    }
    if let Some(e) = &r.label_error {
        notes.push(Note::Warning(
            "The Vault entry's metadata does not name its client".into(),
            format!("The secret of OAuth client {} was written to {}, but its custom metadata could not be updated to say so ({e}). State records it, and the next rotation or metadata change writes the metadata again.", r.client_id, spec.entry),
        ));
    }
    notes
}

/// The error of a new secret written but refused when read back. Terraform
/// taints a resource whose create fails, never one whose update does: an
/// update (`updating`) records the failure for the next plan.
pub fn verify_failed(spec: &SinkSpec, e: &SinkError, updating: bool) -> Note {
    let next = if updating {
        "The next plan rotates it again."
    } else {
        "The sink is tainted: the next apply replaces it."
    };
    Note::AttributeError(AttributeError::new(
        "verify",
        "The new secret does not work",
        format!("The secret was written to Vault ({}), but the credentials read back from it do not work: {e}. {next}", spec.entry),
    ))
}

/// What a restore after a failed verify says: that the previous
/// credentials are back (and whether the integration credential is), or
/// that they could not be put back.
pub fn restore_notes(
    spec: &SinkSpec,
    r: &Rotated,
    restored: &Result<Restored, SinkError>,
) -> Vec<Note> {
    let restored = match restored {
        Ok(restored) => restored,
        Err(e) => return vec![Note::AttributeError(AttributeError::new(
            "verify",
            "The previous credentials could not be put back",
            format!("The new credentials of OAuth client {} in {} do not work, and writing back the credentials the entry held before failed: {e}. The entry holds the new credentials.", r.client_id, spec.entry),
        ))],
    };
    let verify_error = r
        .verify_error
        .as_ref()
        .map(|e| e.to_string().trim_end_matches('.').to_string())
        .unwrap_or_default();
    let mut notes = vec![Note::AttributeError(AttributeError::new(
        "verify",
        "The new secret does not work; the previous credentials are back in Vault",
        format!("OAuth client {}'s new credentials, written to {}, were refused: {verify_error}. The credentials of OAuth client {}, which this rotation did not touch, were written to the entry again, so consumers reading it keep working. The secret of {} was regenerated (its old one no longer works) and is not kept. Find why its credentials are refused (its state, its grant type), then apply again: the rotation is still to be done.", r.client_id, spec.entry, restored.client_id, r.client_id),
    ))];
    let error: Option<&SinkError> = match &restored.credential {
        Some(Ok(written)) => written.error.as_ref(),
        Some(Err(e)) => Some(e),
        None => None,
    };
    if let Some(e) = error {
        notes.push(Note::AttributeWarning(AttributeError::new(
            "integration_credential_id",
            "The integration credential was not put back",
            format!("The credentials of OAuth client {} are back in Vault, but the integration credential could not be given them again: {e}. Apply again: the rotation still to be done writes the credential too.", restored.client_id),
        )));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outcomes below come from rotations that verify.
    fn spec(standby: Option<&str>) -> SinkSpec {
        SinkSpec {
            verify: true,
            ..SinkSpec::for_tests(standby)
        }
    }

    fn rotated(roles_differ: bool, label_error: bool) -> Rotated {
        Rotated {
            client_id: "b".into(),
            roles_differ: roles_differ.then(|| "roles differ".to_string()),
            label_error: label_error.then(|| crate::vault::VaultError::Setup("x".into())),
            version: Some(2),
            hash: "h".into(),
            rotated_at: time::OffsetDateTime::UNIX_EPOCH,
            verified_at: None,
            verify_error: Some(SinkError::ClientGone("b".into())),
            credential: None,
            restored: None,
            claim_notes: Vec::new(),
        }
    }

    fn summaries(notes: &[Note]) -> Vec<&str> {
        notes
            .iter()
            .map(|n| match n {
                Note::Warning(s, _) | Note::Error(s, _) => s.as_str(),
                Note::AttributeWarning(e) | Note::AttributeError(e) => e.summary.as_str(),
                Note::Failed(f) => f.summary.as_str(),
            })
            .collect()
    }

    #[test]
    fn a_rotation_warns_of_unequal_roles_only_in_a_pair_and_of_an_unlabelled_entry() {
        let roles = "The sink's two OAuth clients have different roles";
        let label = "The Vault entry's metadata does not name its client";
        let cases: [(Option<&str>, bool, bool, &[&str]); 4] = [
            (None, false, false, &[]),
            (None, true, false, &[]),
            (Some("b"), true, false, &[roles]),
            (Some("b"), true, true, &[roles, label]),
        ];
        for (standby, differ, unlabelled, expected) in cases {
            let notes = rotated_notes(&spec(standby), &rotated(differ, unlabelled));
            assert_eq!(summaries(&notes), expected);
        }
    }

    #[test]
    fn a_refused_secret_says_what_the_next_run_does() {
        let e = SinkError::ClientGone("b".into());
        let cases = [
            (true, "The next plan rotates it again."),
            (false, "The sink is tainted: the next apply replaces it."),
        ];
        for (updating, end) in cases {
            let Note::AttributeError(note) = verify_failed(&spec(None), &e, updating) else {
                panic!("not an error on an attribute");
            };
            assert_eq!(note.attribute, "verify");
            assert!(note.detail.ends_with(end), "{}", note.detail);
        }
    }

    #[test]
    fn a_restore_says_whether_the_previous_credentials_and_the_credential_are_back() {
        let back = |credential| Restored {
            client_id: "a".into(),
            version: Some(3),
            credential,
        };
        let failed = || SinkError::ClientGone("a".into());
        let refused = "The new secret does not work; the previous credentials are back in Vault";
        let not_back = "The integration credential was not put back";
        let cases: [(Result<Restored, SinkError>, &[&str]); 3] = [
            (
                Err(failed()),
                &["The previous credentials could not be put back"],
            ),
            (Ok(back(None)), &[refused]),
            (Ok(back(Some(Err(failed())))), &[refused, not_back]),
        ];
        for (restored, expected) in cases {
            let notes = restore_notes(&spec(Some("b")), &rotated(false, false), &restored);
            assert_eq!(summaries(&notes), expected);
        }
    }
}
