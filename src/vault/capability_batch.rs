//! Capability checks shared inside one provider process. `sys/capabilities-self`
//! takes many paths in one request; what this keeps true:
//!
//! - callers asking at the same moment share one request: the first one
//!   collects the paths asked for until no new path has come for [`IDLE`]
//!   (at most [`MAX_WAIT`]), then asks for them all;
//! - a path answered once is never asked again by this process (Terraform
//!   starts the provider anew for each plan and each apply, so an answer
//!   lasts one phase);
//! - a request that fails, or whose caller is cancelled, shares nothing:
//!   each caller that waited for it asks again on its own, so each gets its
//!   own error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::error::VaultError;

/// How long a batch stays open after the last path joined it.
pub(super) const IDLE: Duration = Duration::from_millis(5);

/// How long a batch stays open at most.
pub(super) const MAX_WAIT: Duration = Duration::from_millis(40);

/// Each path's capabilities, as Vault reports them.
pub(super) type Granted = BTreeMap<String, Vec<String>>;

/// The batch being collected.
struct Open {
    id: u64,
    paths: BTreeSet<String>,
    /// A path joined since the collecting caller last looked.
    joined: bool,
    /// `Some(true)` once the batch was answered, `Some(false)` if it failed.
    done: watch::Receiver<Option<bool>>,
}

#[derive(Default)]
struct State {
    answered: HashMap<String, Vec<String>>,
    open: Option<Open>,
    batches: u64,
}

/// What a caller does with its paths.
enum Role {
    /// All answered already.
    Known(Granted),
    /// Collects the batch and sends it.
    Lead(u64, watch::Sender<Option<bool>>),
    /// Waits for the batch it joined.
    Wait(watch::Receiver<Option<bool>>),
}

/// The shared capability answers (see the module documentation).
#[derive(Default)]
pub(super) struct CapabilityBatch {
    state: Mutex<State>,
}

impl std::fmt::Debug for CapabilityBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapabilityBatch").finish_non_exhaustive()
    }
}

impl CapabilityBatch {
    /// The capabilities on `paths`: known, shared with the callers asking
    /// at the same moment, or asked with `ask` (one request per call).
    pub(super) async fn capabilities<F, Fut>(
        &self,
        paths: &[String],
        ask: F,
    ) -> Result<Granted, VaultError>
    where
        F: Fn(Vec<String>) -> Fut,
        Fut: Future<Output = Result<Granted, VaultError>>,
    {
        let answered = match self.role(paths) {
            Role::Known(granted) => return Ok(granted),
            Role::Lead(id, done) => {
                let abandoned = Abandoned { batch: self, id };
                self.collect().await;
                let batch = self.take();
                drop(abandoned);
                let answer = ask(batch).await;
                let ok = answer.is_ok();
                if let Ok(granted) = answer {
                    self.remember(granted);
                }
                let _ = done.send(Some(ok));
                ok
            }
            Role::Wait(mut done) => done
                .wait_for(Option::is_some)
                .await
                .is_ok_and(|v| *v == Some(true)),
        };
        if !answered {
            let granted = ask(paths.to_vec()).await?;
            self.remember(granted);
        }
        Ok(self.known(paths).unwrap_or_default())
    }

    /// Joins or opens the batch for the paths not answered yet.
    fn role(&self, paths: &[String]) -> Role {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let missing: Vec<String> = paths
            .iter()
            .filter(|p| !state.answered.contains_key(*p))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Role::Known(known_in(&state.answered, paths));
        }
        if let Some(open) = state.open.as_mut() {
            open.paths.extend(missing);
            open.joined = true;
            return Role::Wait(open.done.clone());
        }
        state.batches += 1;
        let id = state.batches;
        let (sender, done) = watch::channel(None);
        state.open = Some(Open {
            id,
            paths: missing.into_iter().collect(),
            joined: false,
            done,
        });
        Role::Lead(id, sender)
    }

    /// Waits until no path has joined the open batch for [`IDLE`], or
    /// [`MAX_WAIT`] has passed.
    async fn collect(&self) {
        let started = Instant::now();
        loop {
            tokio::time::sleep(IDLE).await;
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let Some(open) = state.open.as_mut() else {
                return;
            };
            if !open.joined || started.elapsed() >= MAX_WAIT {
                return;
            }
            open.joined = false;
        }
    }

    /// Closes the open batch (only its collecting caller does) and returns
    /// its paths.
    fn take(&self) -> Vec<String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .open
            .take()
            .map(|open| open.paths.into_iter().collect())
            .unwrap_or_default()
    }

    fn remember(&self, granted: Granted) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.answered.extend(granted);
    }

    /// The answers for `paths`, if all are known.
    fn known(&self, paths: &[String]) -> Option<Granted> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        paths
            .iter()
            .all(|p| state.answered.contains_key(p))
            .then(|| known_in(&state.answered, paths))
    }
}

fn known_in(answered: &HashMap<String, Vec<String>>, paths: &[String]) -> Granted {
    paths
        .iter()
        .filter_map(|p| Some((p.clone(), answered.get(p)?.clone())))
        .collect()
}

/// Held by the collecting caller until it has closed its batch: if it is
/// cancelled first, the batch is dropped, and the callers that joined it
/// (their wait ends with the sender) ask on their own.
struct Abandoned<'a> {
    batch: &'a CapabilityBatch,
    id: u64,
}

impl Drop for Abandoned<'_> {
    fn drop(&mut self) {
        let mut state = self.batch.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.open.as_ref().is_some_and(|o| o.id == self.id) {
            state.open = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Requests sent, by the paths each carried.
    type Sent = Mutex<Vec<Vec<String>>>;

    /// Answers `update` on every path after 10 ms, or fails when `fail`
    /// says so for this request (numbered from 0).
    async fn ask(
        sent: &Sent,
        fail: impl Fn(usize) -> bool,
        paths: Vec<String>,
    ) -> Result<Granted, VaultError> {
        let n = {
            let mut sent = sent.lock().expect("lock");
            sent.push(paths.clone());
            sent.len() - 1
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        if fail(n) {
            return Err(VaultError::Transport {
                operation: "ask".into(),
                address: "http://127.0.0.1:8200/".into(),
                detail: "connection reset".into(),
                attempts: 1,
            });
        }
        Ok(paths
            .into_iter()
            .map(|p| (p, vec!["update".into()]))
            .collect())
    }

    fn paths(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[tokio::test]
    async fn callers_at_the_same_moment_share_one_request_and_answers_are_kept() {
        let (batch, sent) = (CapabilityBatch::default(), Sent::default());
        let check = |names: &'static [&'static str]| {
            let sent = &sent;
            let batch = &batch;
            async move {
                batch
                    .capabilities(&paths(names), |p| ask(sent, |_| false, p))
                    .await
            }
        };
        let (a, b, c) = tokio::join!(check(&["a/1", "b/1"]), check(&["a/2"]), check(&["a/3"]));
        for (answer, names) in [(a, &["a/1", "b/1"][..]), (b, &["a/2"]), (c, &["a/3"])] {
            assert_eq!(
                answer
                    .expect("answered")
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>(),
                paths(names)
            );
        }
        assert_eq!(sent.lock().expect("lock").len(), 1);
        assert_eq!(
            sent.lock().expect("lock")[0],
            paths(&["a/1", "a/2", "a/3", "b/1"])
        );
        // Answered paths are not asked again; a new one is.
        check(&["a/2", "b/1"]).await.expect("known");
        assert_eq!(sent.lock().expect("lock").len(), 1);
        check(&["a/2", "a/4"]).await.expect("answered");
        assert_eq!(sent.lock().expect("lock").last(), Some(&paths(&["a/4"])));
    }

    #[tokio::test]
    async fn a_failed_request_is_asked_again_by_each_caller() {
        let (batch, sent) = (CapabilityBatch::default(), Sent::default());
        let check = |names: &'static [&'static str]| {
            let (sent, batch) = (&sent, &batch);
            async move {
                batch
                    .capabilities(&paths(names), |p| ask(sent, |n| n == 0, p))
                    .await
            }
        };
        let (a, b) = tokio::join!(check(&["a/1"]), check(&["a/2"]));
        // The leader's own retry fails only if its request was the first.
        assert!(a.is_ok() && b.is_ok());
        let sent = sent.lock().expect("lock").clone();
        assert_eq!(sent[0], paths(&["a/1", "a/2"]));
        assert_eq!(sent.len(), 3, "{sent:?}");
    }

    #[tokio::test]
    async fn a_cancelled_leader_leaves_the_others_to_ask() {
        let (batch, sent) = (CapabilityBatch::default(), Sent::default());
        let calls = AtomicUsize::new(0);
        let first = paths(&["a/1"]);
        let leader = batch.capabilities(&first, |p| {
            calls.fetch_add(1, Ordering::SeqCst);
            ask(&sent, |_| false, p)
        });
        let waiting = async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            batch
                .capabilities(&paths(&["a/2"]), |p| ask(&sent, |_| false, p))
                .await
        };
        let cancelled = async {
            tokio::time::timeout(Duration::from_millis(2), leader)
                .await
                .is_err()
        };
        let (cancelled, waited) = tokio::join!(cancelled, waiting);
        assert!(cancelled);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(waited.expect("asked on its own").len(), 1);
        assert_eq!(sent.lock().expect("lock").clone(), vec![paths(&["a/2"])]);
    }
}
