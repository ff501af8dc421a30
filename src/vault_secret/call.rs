//! What one Terraform call hands the sink's steps (`apply.rs`,
//! `refresh.rs`, `planning.rs`): the API clients, asked for only when a
//! step needs one, the process-wide registries, and the notes the steps
//! collect for the glue to say. A leaf of `vault_secret/`.

use std::sync::Arc;

use crate::genesys::GenesysClient;
use crate::note::Note;
use crate::process_records::claims::Claims;
use crate::process_records::integration_credentials::IntegrationCredentials;
use crate::vault::VaultClient;
use crate::vault_secret::claim::PlannedClaim;

/// Where the configured API clients come from; a missing one is the note
/// that says how to configure it.
pub trait Apis: Sync {
    /// The Genesys Cloud client.
    fn genesys(&self) -> Result<Arc<GenesysClient>, Note>;
    /// The Vault client.
    fn vault(&self) -> Result<Arc<VaultClient>, Note>;
}

/// One call's context and what its steps said.
pub struct Run<'a> {
    apis: &'a dyn Apis,
    /// Which sink keeps which OAuth client in this process.
    pub claims: &'a Claims,
    /// Each client's integration credential, recorded in this process.
    pub credentials: &'a IntegrationCredentials,
    /// What the steps said, in order.
    pub notes: Vec<Note>,
    /// What a plan saw of the claims of the clients the sink starts
    /// keeping, for its apply (kept in the plan's private state).
    pub planned_claims: Vec<PlannedClaim>,
}

impl<'a> Run<'a> {
    /// A run with nothing said yet.
    pub fn new(
        apis: &'a dyn Apis,
        claims: &'a Claims,
        credentials: &'a IntegrationCredentials,
    ) -> Run<'a> {
        Run {
            apis,
            claims,
            credentials,
            notes: Vec::new(),
            planned_claims: Vec::new(),
        }
    }

    /// The API clients, for a step that asks for one while another call
    /// is under way (it says an unconfigured one's note itself).
    pub fn apis(&self) -> &'a dyn Apis {
        self.apis
    }

    /// The Genesys client; `None` (said) when it is not configured.
    pub fn genesys(&mut self) -> Option<Arc<GenesysClient>> {
        self.apis.genesys().map_err(|n| self.notes.push(n)).ok()
    }

    /// The Vault client; `None` (said) when it is not configured.
    pub fn vault(&mut self) -> Option<Arc<VaultClient>> {
        self.apis.vault().map_err(|n| self.notes.push(n)).ok()
    }

    /// Says `notes`; `None` when one of them is an error (the step stops).
    pub fn say(&mut self, notes: impl IntoIterator<Item = Note>) -> Option<()> {
        let mut stopped = false;
        for note in notes {
            stopped |= note.is_error();
            self.notes.push(note);
        }
        (!stopped).then_some(())
    }

    /// Says an error on the whole resource; always `None`.
    pub fn fail<T>(&mut self, summary: &str, detail: impl ToString) -> Option<T> {
        self.notes
            .push(Note::Error(summary.to_string(), detail.to_string()));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute_error::AttributeError;

    struct Unconfigured;

    impl Apis for Unconfigured {
        fn genesys(&self) -> Result<Arc<GenesysClient>, Note> {
            Err(Note::Error("no genesys".into(), String::new()))
        }
        fn vault(&self) -> Result<Arc<VaultClient>, Note> {
            Err(Note::Error("no vault".into(), String::new()))
        }
    }

    #[test]
    fn a_step_stops_at_an_error_and_every_note_is_kept() {
        let (claims, credentials) = (Claims::default(), IntegrationCredentials::default());
        let mut run = Run::new(&Unconfigured, &claims, &credentials);
        let warning = Note::AttributeWarning(AttributeError::new("path", "w", "d"));
        assert_eq!(run.say([warning.clone()]), Some(()));
        assert_eq!(
            run.say([warning, Note::Error("e".into(), "d".into())]),
            None
        );
        assert!(run.vault().is_none() && run.genesys().is_none());
        assert_eq!(run.fail::<()>("f", "why"), None);
        let summaries: Vec<String> = run
            .notes
            .iter()
            .map(|n| match n {
                Note::Error(s, _) | Note::Warning(s, _) => s.clone(),
                Note::AttributeError(e) | Note::AttributeWarning(e) => e.summary.clone(),
                Note::Failed(f) => f.summary.clone(),
            })
            .collect();
        assert_eq!(summaries, ["w", "w", "e", "no vault", "no genesys", "f"]);
    }
}
