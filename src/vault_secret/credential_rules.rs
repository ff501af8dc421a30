//! Rules of the integration credential a sink keeps current
//! (`integration_credential_id` of `genesyscloud_oauth_client_vault_secret`).
//! What they keep true:
//! - every rotation writes the new secret into the credential as well as
//!   into Vault, so integrations never keep a dead secret; the sink's
//!   private state remembers which credential holds the current secret
//!   ([`Kept`]: ids and a name, never a secret);
//! - a credential the last apply could not write is not current: the
//!   state's `integration_credential_id` is left null, so the next plan
//!   shows the change, explains it ([`stale`]), and its apply writes the
//!   secret held in Vault into the credential without regenerating
//!   ([`step`]); the same happens to a credential newly wired to the sink;
//! - a credential the sink already wrote is only recorded;
//! - a credential deleted outside Terraform is made again under its name by
//!   a rotation, which the plan schedules ([`repair`]): a new credential,
//!   never one found by its name. The sink keeps the new one current; the
//!   OAuth client records it at its next refresh where Genesys shows whose
//!   a credential is (the credential's GET shows the client id), and the
//!   sink then follows the client's id without a write. Where it does not,
//!   the client keeps the id it recorded until it is imported with the new
//!   one ([`made_here`]), and the sink's destroy hands the new one to the
//!   client's destroy ([`to_hand_over`]);
//! - a sink never writes into a credential recorded as another client's
//!   ([`foreign`]): a credential holds one client's id and secret;
//! - a sink whose client has a credential it does not keep current is
//!   warned ([`unkept`]): the credential goes stale at its first rotation;
//! - a credential the sink kept current is found again when state lost it
//!   ([`recover`]), and only from the provider's own record: every write
//!   of the entry's custom metadata names the credential the sink keeps
//!   (`genesys-integration-credential-id`, beside the `genesys-client-id`
//!   mark). A release from before credentials drops the sink's
//!   `integration_credential_id` and private state on refresh, but not the
//!   entry's metadata. That id is certain to be the one this sink kept
//!   current for its client: the provider wrote it itself, into an entry it
//!   marked as this client's, as the credential it had just written (or was
//!   about to write) this client's id and secret into. A name is never
//!   used (a name is no proof of whose a credential is). It is taken
//!   as current: a rotation by an older release rewrites the metadata
//!   without the record, so a record still there has missed no rotation
//!   (the one case left: this release's last write into it failed and
//!   state was lost after that; the next rotation writes it again). The sink
//!   keeps a recovered credential while the configured id is null, as the
//!   client's attribute is after such a refresh ([`planned_id`]), and hands
//!   it to its client's destroy (`oauth_client/credential_rules.rs`).

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::rules::{credential_of, Repair};
use crate::attribute_error::AttributeError;

/// The sink's attribute naming the credential.
const ATTRIBUTE: &str = "integration_credential_id";

/// The credential a sink wrote last, as its private state remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// The id `integration_credential_id` held when the sink wrote it.
    pub wired: String,
    /// Its id in Genesys Cloud: `wired`, or the credential the sink made
    /// under the same name after `wired` was deleted outside Terraform.
    pub id: String,
    /// Its name, as last read or written: a deleted credential is made
    /// again under it.
    pub name: String,
    /// It holds the secret the sink wrote last to Vault; false when the
    /// last write into it failed.
    pub current: bool,
    /// The last refresh found it deleted.
    #[serde(default)]
    pub gone: bool,
    /// Found again from the entry's record after state lost it
    /// ([`recover`]): kept while the configured id is null.
    #[serde(default)]
    pub recovered: bool,
}

impl Kept {
    /// True when `input` (the configured id) names this credential: the id
    /// it was wired as, or the id it has now.
    pub fn stands_for(&self, input: &str) -> bool {
        self.wired == input || self.id == input
    }
}

/// The credential to take again as the one this sink keeps current for
/// client `client_id`: the one the entry's custom metadata names
/// (`metadata`), when neither state (`state_id`) nor private state
/// (`kept`) knows one and the entry carries this client's mark. The
/// caller still checks that it exists in Genesys Cloud.
pub fn recover(
    client_id: &str,
    state_id: Option<&str>,
    kept: Option<&Kept>,
    metadata: &BTreeMap<String, String>,
) -> Option<String> {
    if state_id.is_some() || kept.is_some() {
        return None;
    }
    credential_of(metadata, client_id).map(str::to_string)
}

/// The credential a recovered id stands for, as private state keeps it.
pub fn recovered(id: &str, name: &str) -> Kept {
    Kept {
        wired: id.to_string(),
        id: id.to_string(),
        name: name.to_string(),
        current: true,
        gone: false,
        recovered: true,
    }
}

/// The planned `integration_credential_id` when the configured value is
/// known (`config`): the configured id, else the id in state (`prior`)
/// while it is a credential recovered from the entry's record.
pub fn planned_id(
    config: Option<&str>,
    prior: Option<&str>,
    kept: Option<&Kept>,
) -> Option<String> {
    if let Some(id) = config {
        return Some(id.to_string());
    }
    let prior = prior?;
    kept.filter(|k| k.recovered && k.stands_for(prior))
        .map(|_| prior.to_string())
}

/// Where a rotation or a sync writes the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The credential's id.
    pub id: String,
    /// The name to make it again under when it no longer exists; known only
    /// for a credential the sink wrote before.
    pub remake_as: Option<String>,
}

/// The credential a write goes to, for the configured id `input`.
pub fn target(input: Option<&str>, kept: Option<&Kept>) -> Option<Target> {
    let input = input?;
    Some(match kept.filter(|k| k.stands_for(input)) {
        Some(k) => Target {
            id: k.id.clone(),
            remake_as: Some(k.name.clone()),
        },
        None => Target {
            id: input.to_string(),
            remake_as: None,
        },
    })
}

/// What an update that does not rotate does about the credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No credential is configured: nothing is kept any more.
    Forget,
    /// The credential already holds the secret in Vault: only the
    /// configured id is recorded.
    Record,
    /// Write the secret held in Vault into this credential (no regenerate).
    Sync(Target),
}

/// Decides [`Step`] for the configured id `input`.
pub fn step(input: Option<&str>, kept: Option<&Kept>) -> Step {
    let Some(id) = input else {
        return Step::Forget;
    };
    match kept {
        Some(k) if k.stands_for(id) && k.current && !k.gone => Step::Record,
        _ => target(input, kept).map_or(Step::Forget, Step::Sync),
    }
}

/// The repair a plan schedules: the configured credential, which the sink
/// kept, was deleted outside Terraform, so a rotation makes it again.
pub fn repair(input: Option<&str>, kept: Option<&Kept>) -> Option<Repair> {
    let input = input?;
    kept.filter(|k| k.gone && k.stands_for(input))
        .map(|k| Repair::CredentialGone {
            id: k.id.clone(),
            name: k.name.clone(),
        })
}

/// The warning of the plan that schedules [`repair`].
pub fn remade(repair: &Repair) -> AttributeError {
    AttributeError::new(
        ATTRIBUTE,
        "The integration credential will be made again",
        format!(
            "{repair}, so integrations that used it cannot authenticate. Apply regenerates \
             the client secret, writes it to Vault and makes the credential again under the \
             same name, holding the new secret, and keeps that one current at every rotation. \
             No credential of the same name is adopted instead: a name is no proof of \
             whose id and secret a credential holds. Where Genesys Cloud shows it (the \
             credential's GET answers its clientId), the OAuth client records the new \
             credential at the next refresh, and the plan after this apply moves this sink \
             to it without a write."
        ),
    )
}

/// The warning for a sink that keeps a credential it made in place of the
/// configured one, deleted outside Terraform, while the configuration still
/// names the deleted id: the OAuth client records the deleted id because
/// Genesys did not show whose the new one is, and only an import tells it.
pub fn made_here(input: Option<&str>, kept: Option<&Kept>) -> Option<AttributeError> {
    let input = input?;
    let k = kept.filter(|k| k.wired == input && k.id != input && !k.gone)?;
    Some(AttributeError::new(
        ATTRIBUTE,
        format!(
            "Integration credential {input} was replaced by {} ({:?})",
            k.id, k.name
        ),
        format!(
            "Credential {input} was deleted outside Terraform, and this sink made credential \
             {} under its name, holding the client's id and secret; every rotation keeps it \
             current. The OAuth client still records {input}: Genesys Cloud did not show \
             whose id {} holds (its GET answered no clientId), and a credential is never \
             taken for the client's by its name alone. Destroying this sink with its client \
             deletes {} too (the sink hands it to the client's destroy); destroying the \
             client alone leaves it behind. To record it on the client: terraform state rm \
             on the genesyscloud_oauth_client, then terraform import it as <client id>:{}.",
            k.id, k.id, k.id, k.id
        ),
    ))
}

/// The error for a sink configured to write into credential `input`, which
/// this process recorded as client `owner`'s, when `owner` is none of the
/// sink's clients (`clients`: its client, and its standby if any).
pub fn foreign(input: &str, owner: Option<&str>, clients: &[&str]) -> Option<AttributeError> {
    let owner = owner?;
    if clients.contains(&owner) {
        return None;
    }
    Some(AttributeError::new(
        ATTRIBUTE,
        format!("Integration credential {input} belongs to OAuth client {owner}"),
        format!(
            "This sink keeps OAuth client {}, and every rotation would write its id and secret \
             into credential {input}, which OAuth client {owner} authenticates integrations \
             with. Set integration_credential_id to this sink's own client's credential \
             (genesyscloud_oauth_client.<name>.integration_credential_id), or leave it out.",
            clients.join(" / ")
        ),
    ))
}

/// [`foreign`] over the sink's client and standby as the plan knows them
/// (`None`: unknown yet, so nothing is refused; `Some(None)`: none).
pub fn check_owner(
    input: &str,
    owner: Option<&str>,
    client: Option<Option<&str>>,
    standby: Option<Option<&str>>,
) -> Result<(), AttributeError> {
    let (Some(client), Some(standby)) = (client, standby) else {
        return Ok(());
    };
    let clients: Vec<&str> = [client, standby].into_iter().flatten().collect();
    foreign(input, owner, &clients).map_or(Ok(()), Err)
}

/// The warning of a plan whose apply writes the secret held in Vault into
/// a credential the last apply could not write.
pub fn stale(input: Option<&str>, kept: Option<&Kept>) -> Option<AttributeError> {
    let input = input?;
    let k = kept.filter(|k| k.stands_for(input) && !k.current && !k.gone)?;
    Some(AttributeError::new(
        ATTRIBUTE,
        format!(
            "Integration credential {:?} ({}) holds a secret that no longer works",
            k.name, k.id
        ),
        "The last apply wrote the new secret to Vault but could not write it into this \
         credential, which still holds the previous secret. Apply writes the secret held in \
         Vault into it, without regenerating.",
    ))
}

/// The warning for a sink whose client has an integration credential
/// (`registered`) that the sink does not keep current. `input` is the
/// configured id, `None` while unknown (then nothing is said).
pub fn unkept(
    client_id: &str,
    registered: Option<&str>,
    input: Option<Option<&str>>,
    kept: Option<&Kept>,
) -> Option<AttributeError> {
    let registered = registered?;
    let input = input?;
    let keeps = |id: &str| {
        id == registered || kept.is_some_and(|k| k.stands_for(id) && k.stands_for(registered))
    };
    if input.is_some_and(keeps) {
        return None;
    }
    let instead = input
        .map(|other| format!(" (it keeps credential {other} instead)"))
        .unwrap_or_default();
    Some(AttributeError::new(
        ATTRIBUTE,
        format!("Integration credential {registered} of OAuth client {client_id} is not kept current"),
        format!(
            "This sink{instead} regenerates the client's secret at every rotation, its create \
             included, and the previous secret stops working: the credential, which \
             integrations such as data actions authenticate with, then holds a dead secret. \
             Set integration_credential_id on this sink to the client's (e.g. \
             integration_credential_id = genesyscloud_oauth_client.<name>.integration_credential_id) \
             so that every rotation writes the new secret into it too."
        ),
    ))
}

/// Checks a configured credential id: not blank.
pub fn check_id(id: &str) -> Result<(), AttributeError> {
    if id.trim().is_empty() || id.contains('/') {
        return Err(AttributeError::new(
            ATTRIBUTE,
            format!("Invalid integration_credential_id {id:?}"),
            "Use the id of a pureCloudOAuthClient integration credential, e.g. \
             genesyscloud_oauth_client.<name>.integration_credential_id, or leave it out.",
        ));
    }
    Ok(())
}

/// The credential a sink's destroy hands over to its client's destroy:
/// the kept one, when the state's id (`id`) names it and the client may not
/// know it: it was recovered from the entry's record, or the sink made it
/// in place of the configured one, deleted outside Terraform (the client
/// records the deleted id where Genesys does not show whose a credential
/// is). The client's destroy deletes it only under its own credential name.
pub fn to_hand_over<'a>(id: &str, kept: Option<&'a Kept>) -> Option<&'a Kept> {
    kept.filter(|k| (k.recovered || k.id != k.wired) && k.stands_for(id))
}

/// What a plan says about the configured credential (`input`): its
/// warnings, in the order the user reads them, and the repair it
/// schedules (a rotation that makes the credential again), if any.
pub fn at_plan(input: Option<&str>, kept: Option<&Kept>) -> (Vec<AttributeError>, Option<Repair>) {
    let mut warnings: Vec<AttributeError> = [stale(input, kept), made_here(input, kept)]
        .into_iter()
        .flatten()
        .collect();
    let repair = repair(input, kept);
    warnings.extend(repair.as_ref().map(remade));
    (warnings, repair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(wired: &str, id: &str, current: bool, gone: bool) -> Kept {
        Kept {
            wired: wired.into(),
            id: id.into(),
            name: "actions".into(),
            current,
            gone,
            recovered: false,
        }
    }

    type Md = BTreeMap<String, String>;

    #[test]
    fn a_lost_credential_is_found_again_only_from_the_clients_own_entry() {
        use crate::vault_secret::rules::{
            owned_by, CLIENT_ID_KEY, CREDENTIAL_ID_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE,
        };
        let entry = |owner: &str, credential: Option<&str>| {
            let mut md: BTreeMap<String, String> = [
                (MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string()),
                (CLIENT_ID_KEY.to_string(), owner.to_string()),
            ]
            .into();
            if let Some(id) = credential {
                md.insert(CREDENTIAL_ID_KEY.to_string(), id.to_string());
            }
            assert!(owned_by(&md, owner));
            md
        };
        let named = entry("c1", Some("k1"));
        let known = kept("k1", "k1", true, false);
        // (state id, private record, entry) -> found again
        type Row<'a> = (Option<&'a str>, Option<&'a Kept>, &'a Md, Option<&'a str>);
        let table: [Row; 6] = [
            (None, None, &named, Some("k1")),
            (Some("k1"), None, &named, None),
            (None, Some(&known), &named, None),
            (None, None, &entry("c1", None), None),
            (None, None, &entry("c2", Some("k1")), None),
            (None, None, &BTreeMap::new(), None),
        ];
        for (state, private, md, want) in table {
            assert_eq!(
                recover("c1", state, private, md).as_deref(),
                want,
                "{state:?} {private:?} {md:?}"
            );
        }
        let k = recovered("k1", "actions");
        assert!(k.recovered && k.current && !k.gone && k.stands_for("k1"));
    }

    #[test]
    fn a_recovered_credential_is_kept_while_the_configured_id_is_null() {
        let found = recovered("k1", "actions");
        let known = kept("k1", "k1", true, false);
        // (configured, in state, private record) -> planned
        type Row<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a Kept>,
            Option<&'a str>,
        );
        let table: [Row; 6] = [
            (Some("k2"), Some("k1"), Some(&found), Some("k2")),
            (Some("k1"), None, None, Some("k1")),
            (None, Some("k1"), Some(&found), Some("k1")),
            (None, Some("k1"), Some(&known), None),
            (None, Some("k9"), Some(&found), None),
            (None, None, Some(&found), None),
        ];
        for (config, prior, k, want) in table {
            assert_eq!(
                planned_id(config, prior, k).as_deref(),
                want,
                "{config:?} {prior:?} {k:?}"
            );
        }
    }

    #[test]
    fn a_write_goes_to_the_credential_kept_for_the_configured_id() {
        let remade = kept("k1", "k2", true, false);
        let to = |id: &str, remake: Option<&str>| Target {
            id: id.into(),
            remake_as: remake.map(str::to_string),
        };
        assert_eq!(target(None, Some(&remade)), None);
        assert_eq!(
            target(Some("k1"), Some(&remade)),
            Some(to("k2", Some("actions")))
        );
        assert_eq!(
            target(Some("k2"), Some(&remade)),
            Some(to("k2", Some("actions")))
        );
        assert_eq!(target(Some("k9"), Some(&remade)), Some(to("k9", None)));
        assert_eq!(target(Some("k9"), None), Some(to("k9", None)));
    }

    #[test]
    fn an_update_records_syncs_or_forgets() {
        let current = kept("k1", "k2", true, false);
        // The client adopted the credential the sink made again: no write.
        assert_eq!(step(Some("k2"), Some(&current)), Step::Record);
        assert_eq!(step(Some("k1"), Some(&current)), Step::Record);
        assert_eq!(step(None, Some(&current)), Step::Forget);
        // Newly wired, or left stale by a failed write: the secret in Vault.
        assert!(matches!(step(Some("k9"), Some(&current)), Step::Sync(t) if t.id == "k9"));
        assert!(matches!(step(Some("k9"), None), Step::Sync(t) if t.remake_as.is_none()));
        let stale_one = kept("k1", "k1", false, false);
        assert!(matches!(step(Some("k1"), Some(&stale_one)), Step::Sync(t) if t.id == "k1"));
        let gone = kept("k1", "k1", true, true);
        assert!(
            matches!(step(Some("k1"), Some(&gone)), Step::Sync(t) if t.remake_as.as_deref() == Some("actions"))
        );
    }

    #[test]
    fn a_deleted_credential_is_repaired_by_a_rotation_and_explained() {
        let gone = kept("k1", "k1", true, true);
        let r = repair(Some("k1"), Some(&gone)).expect("repair");
        assert_eq!(
            r.to_string(),
            "integration credential \"actions\" (k1) was deleted outside Terraform"
        );
        assert!(remade(&r).detail.contains("keeps that one current"));
        assert_eq!(
            repair(Some("k9"), Some(&gone)),
            None,
            "another credential now"
        );
        assert_eq!(repair(None, Some(&gone)), None);
        assert_eq!(
            repair(Some("k1"), Some(&kept("k1", "k1", true, false))),
            None
        );
    }

    #[test]
    fn a_failed_write_is_explained_until_repaired() {
        let failed = kept("k1", "k1", false, false);
        let w = stale(Some("k1"), Some(&failed)).expect("warning");
        assert!(
            w.summary.contains("\"actions\" (k1)") && w.detail.contains("without regenerating")
        );
        assert_eq!(
            stale(Some("k1"), Some(&kept("k1", "k1", true, false))),
            None
        );
        assert_eq!(stale(Some("k9"), Some(&failed)), None);
    }

    #[test]
    fn a_client_credential_no_sink_keeps_is_warned_about() {
        let warn = |registered, input, kept: Option<&Kept>| {
            unkept("c1", registered, input, kept).map(|e| e.summary)
        };
        assert_eq!(warn(None, Some(None), None), None, "client has none");
        assert_eq!(warn(Some("k1"), None, None), None, "unknown yet");
        assert_eq!(warn(Some("k1"), Some(Some("k1")), None), None);
        assert_eq!(
            warn(Some("k1"), Some(None), None).as_deref(),
            Some("Integration credential k1 of OAuth client c1 is not kept current")
        );
        let other = unkept("c1", Some("k1"), Some(Some("k7")), None).expect("warned");
        assert!(other.detail.contains("keeps credential k7 instead"));
        // The sink made k1 again as k2; the client still names either one.
        let remade = kept("k1", "k2", true, false);
        assert_eq!(warn(Some("k2"), Some(Some("k1")), Some(&remade)), None);
        assert_eq!(warn(Some("k1"), Some(Some("k2")), Some(&remade)), None);
    }

    #[test]
    fn a_credential_made_in_place_of_a_deleted_one_is_named_until_recorded() {
        let remade = kept("k1", "k2", true, false);
        let w = made_here(Some("k1"), Some(&remade)).expect("warned");
        assert!(w.summary.contains("k1 was replaced by k2") && w.detail.contains("<client id>:k2"));
        assert_eq!(made_here(Some("k2"), Some(&remade)), None, "recorded");
        assert_eq!(
            made_here(Some("k1"), Some(&kept("k1", "k1", true, false))),
            None
        );
        assert_eq!(made_here(None, Some(&remade)), None);
    }

    #[test]
    fn a_sink_never_writes_into_another_clients_credential() {
        assert_eq!(foreign("k1", None, &["c1"]), None, "not recorded here");
        assert_eq!(foreign("k1", Some("c1"), &["c1"]), None);
        assert_eq!(
            foreign("k1", Some("c2"), &["c1", "c2"]),
            None,
            "its standby's"
        );
        let e = foreign("k1", Some("c9"), &["c1"]).expect("refused");
        assert!(e.summary.contains("belongs to OAuth client c9") && e.detail.contains("c1"));
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("9c0f3a52-7e1b-4d2a-8f6e-1b3c5d7e9a20").is_ok());
        assert!(check_id(" ").is_err() && check_id("a/b").is_err());
    }

    #[test]
    fn the_owner_is_checked_once_both_clients_are_known() {
        // (owner, client, standby) -> refused
        let table = [
            (Some("c9"), Some(Some("c1")), Some(None), true),
            (Some("c1"), Some(Some("c1")), Some(None), false),
            (Some("c2"), Some(Some("c1")), Some(Some("c2")), false),
            (Some("c9"), None, Some(None), false),
            (Some("c9"), Some(Some("c1")), None, false),
            (None, Some(Some("c1")), Some(None), false),
        ];
        for (owner, client, standby, refused) in table {
            let said = check_owner("k1", owner, client, standby);
            assert_eq!(said.is_err(), refused, "{owner:?} {client:?} {standby:?}");
        }
    }

    #[test]
    fn a_recovered_or_remade_credential_named_by_state_is_handed_over() {
        let mut recovered = kept("k1", "k1", true, false);
        recovered.recovered = true;
        let remade = kept("k1", "k2", true, false);
        let plain = kept("k1", "k1", true, false);
        // (state id, kept) -> handed over
        let table = [
            ("k1", Some(&recovered), true),
            ("k3", Some(&recovered), false),
            ("k1", Some(&remade), true),
            ("k2", Some(&remade), true),
            ("k3", Some(&remade), false),
            ("k1", Some(&plain), false),
            ("k1", None, false),
        ];
        for (id, private, want) in table {
            assert_eq!(to_hand_over(id, private).is_some(), want, "{id}");
        }
    }

    #[test]
    fn a_plan_warns_of_each_problem_and_schedules_the_remake() {
        let summaries =
            |w: &[AttributeError]| -> Vec<String> { w.iter().map(|e| e.summary.clone()).collect() };
        let stale_one = kept("k1", "k1", false, false);
        let made = kept("k1", "k2", true, false);
        let gone = kept("k1", "k1", true, true);
        let fine = kept("k1", "k1", true, false);
        // (input, kept) -> (warning count, first summary starts, repair?)
        type Row<'a> = (Option<&'a str>, Option<&'a Kept>, usize, &'a str, bool);
        let table: [Row; 6] = [
            (
                Some("k1"),
                Some(&stale_one),
                1,
                "Integration credential \"actions\" (k1)",
                false,
            ),
            (
                Some("k1"),
                Some(&made),
                1,
                "Integration credential k1 was replaced by k2",
                false,
            ),
            (
                Some("k1"),
                Some(&gone),
                1,
                "The integration credential will be made again",
                true,
            ),
            (Some("k1"), Some(&fine), 0, "", false),
            (None, Some(&gone), 0, "", false),
            (Some("k1"), None, 0, "", false),
        ];
        for (input, private, count, first, repairs) in table {
            let (warnings, repair) = at_plan(input, private);
            let said = summaries(&warnings);
            assert_eq!(said.len(), count, "{said:?}");
            assert!(
                said.first().map_or("", String::as_str).starts_with(first),
                "{said:?}"
            );
            assert_eq!(repair.is_some(), repairs, "{input:?}");
        }
    }
}
