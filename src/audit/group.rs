//! Group commit of audit rows that must be durable before the caller goes on (a member's
//! view of medical data): one writer thread commits every row that arrived while its
//! previous commit ran, in ONE write transaction (one `fdatasync`), and answers each row's
//! caller with that transaction's result.
//!
//! The guarantee of a lone `Store::write` stays: [`Receipt::wait`] returns `Ok` only after
//! the transaction holding the row has committed, and a failed commit fails every caller
//! of its group (nothing of the group is written). There is no waiting window: an idle
//! writer commits a lone row at once, and under load the rows that queue during one commit
//! form the next group.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use anyhow::Context as _;
use tokio::sync::oneshot;

use super::AuditEntry;
use crate::store::Store;

/// Most rows in one transaction; more wait for the next one.
const MAX_GROUP: usize = 512;

type Outcome = Result<(), Arc<anyhow::Error>>;

enum Message {
    Row(Box<AuditEntry>, oneshot::Sender<Outcome>),
    Stop,
}

/// What the writer has done, for the tests that prove rows share commits.
#[derive(Default)]
struct Counters {
    submitted: AtomicU64,
    committed_rows: AtomicU64,
    commits: AtomicU64,
    /// An errno every group fails with, instead of committing (0: none). Test hook.
    fail_with: AtomicI32,
}

/// The writer of durable audit rows. [`GroupCommit::stop`] commits what is queued and lets
/// go of the data file; a row submitted after that fails (the caller shows nothing).
pub struct GroupCommit {
    queue: mpsc::Sender<Message>,
    counters: Arc<Counters>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// A submitted row; [`Receipt::wait`] resolves once its group's commit has ended.
pub struct Receipt {
    answer: Result<oneshot::Receiver<Outcome>, anyhow::Error>,
}

impl GroupCommit {
    /// Starts the writer thread over `store`.
    pub fn start(store: Store) -> anyhow::Result<GroupCommit> {
        let (queue, rows) = mpsc::channel();
        let counters = Arc::new(Counters::default());
        let theirs = counters.clone();
        let writer = std::thread::Builder::new()
            .name("kenpo-audit".into())
            .spawn(move || run(store, rows, &theirs))
            .context("start the audit writer")?;
        Ok(GroupCommit {
            queue,
            counters,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Queues `entry` for the next commit.
    pub fn submit(&self, entry: AuditEntry) -> Receipt {
        let (answer, receiver) = oneshot::channel();
        let sent = self.queue.send(Message::Row(Box::new(entry), answer));
        self.counters.submitted.fetch_add(1, Ordering::SeqCst);
        Receipt {
            answer: sent
                .map(|()| receiver)
                .map_err(|_| anyhow::anyhow!("the audit writer has stopped")),
        }
    }

    /// Writes `entry` durably: returns once the transaction holding it has committed.
    pub async fn record(&self, entry: AuditEntry) -> anyhow::Result<()> {
        self.submit(entry).wait().await
    }

    /// Commits every row already queued, then ends the writer, which lets go of the data
    /// file. Returns once it has.
    pub async fn stop(&self) {
        let _ = self.queue.send(Message::Stop);
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
        let Some(writer) = writer else { return };
        match tokio::task::spawn_blocking(move || writer.join()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => tracing::error!("the audit writer ended with a panic"),
            Err(e) => tracing::error!(error = %e, "the audit writer could not be joined"),
        }
    }

    /// Rows submitted so far.
    pub fn submitted(&self) -> u64 {
        self.counters.submitted.load(Ordering::SeqCst)
    }

    /// Rows committed so far.
    pub fn committed_rows(&self) -> u64 {
        self.counters.committed_rows.load(Ordering::SeqCst)
    }

    /// Transactions committed so far (each holds one or more rows).
    pub fn commits(&self) -> u64 {
        self.counters.commits.load(Ordering::SeqCst)
    }

    /// Test hook: until called again with `None`, every group fails with the OS error
    /// `errno` (28 is ENOSPC) at its commit, as a full disk would fail it: nothing of it is
    /// written.
    #[doc(hidden)]
    pub fn fail_commits(&self, errno: Option<i32>) {
        let errno = errno.unwrap_or(0);
        self.counters.fail_with.store(errno, Ordering::SeqCst);
    }
}

impl Receipt {
    /// `Ok` once the row is durable; the commit's error (its whole chain, so that a full
    /// disk is still recognised as one) if its group failed.
    pub async fn wait(self) -> anyhow::Result<()> {
        let outcome = self.answer?.await.map_err(|_| {
            anyhow::anyhow!("the audit writer stopped before the row was committed")
        })?;
        outcome.map_err(|e| anyhow::Error::new(GroupFailed(e)))
    }
}

/// The commit error a whole group shares.
#[derive(Debug)]
struct GroupFailed(Arc<anyhow::Error>);

impl std::fmt::Display for GroupFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the audit rows could not be committed")
    }
}

impl std::error::Error for GroupFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let inner: &anyhow::Error = &self.0;
        Some(inner.as_ref())
    }
}

/// The writer thread: a group per round, until stopped or every sender is gone.
fn run(store: Store, queue: mpsc::Receiver<Message>, counters: &Counters) {
    while let Ok(first) = queue.recv() {
        let mut group = Vec::new();
        let mut stopping = false;
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Row(entry, answer) => group.push((entry, answer)),
                Message::Stop => stopping = true,
            }
            next = (group.len() < MAX_GROUP || stopping)
                .then(|| queue.try_recv().ok())
                .flatten();
        }
        if !group.is_empty() {
            commit(&store, group, counters);
        }
        if stopping {
            break;
        }
    }
}

/// Commits one group in one transaction and answers each of its rows.
fn commit(store: &Store, group: Vec<(Box<AuditEntry>, oneshot::Sender<Outcome>)>, c: &Counters) {
    let (entries, answers): (Vec<_>, Vec<_>) = group.into_iter().unzip();
    let rows = entries.len() as u64;
    let fail = c.fail_with.load(Ordering::SeqCst);
    let written = catch_unwind(AssertUnwindSafe(|| {
        store.write_blocking(|w| {
            AuditEntry::record_all(w, entries.into_iter().map(|e| *e).collect())?;
            if fail != 0 {
                return Err(anyhow::Error::from(std::io::Error::from_raw_os_error(fail))
                    .context("commit (injected failure)"));
            }
            Ok(())
        })
    }))
    .unwrap_or_else(|_| Err(anyhow::anyhow!("the audit writer panicked in a commit")));
    let outcome = match written {
        Ok(()) => {
            c.commits.fetch_add(1, Ordering::SeqCst);
            c.committed_rows.fetch_add(rows, Ordering::SeqCst);
            Ok(())
        }
        Err(e) => {
            tracing::error!(rows, "a group of audit rows could not be committed: {e:#}");
            Err(Arc::new(e))
        }
    };
    for answer in answers {
        let _ = answer.send(outcome.clone());
    }
}

#[cfg(test)]
mod tests;
