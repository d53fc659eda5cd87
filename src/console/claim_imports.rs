//! Claim files and benefits files uploaded in the staff console: each import runs on the
//! blocking pool (a million rows take a while) through the CLI's importer, while its
//! progress and outcome are kept here in memory for the status page to poll. A restart
//! forgets the statuses, never data: an import is one transaction, so an interrupted one
//! left nothing behind.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use crate::auth::tokens::random_token;
use crate::import::ImportError;
use crate::jobs::{
    ClaimImportError, ClaimImportSummary, Spool, import_benefits_file, import_claims_file,
};
use crate::store::Store;

/// Finished statuses are forgotten after this long.
const KEEP_FOR: Duration = Duration::hours(24);

/// Which file an upload is: both go through the same job machinery and status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// claims.csv (医療費ファイル)
    Claims,
    /// benefits.csv (支給決定ファイル)
    Benefits,
}

impl ImportKind {
    /// The path segment of its routes: `/staff/import/{segment}`.
    pub fn segment(self) -> &'static str {
        match self {
            ImportKind::Claims => "claims",
            ImportKind::Benefits => "benefits",
        }
    }

    /// What the file is called on screen.
    pub fn file_label(self) -> &'static str {
        match self {
            ImportKind::Claims => "医療費ファイル",
            ImportKind::Benefits => "支給決定ファイル",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Phase {
    /// Rows read so far, of the rows the file has (0 while counting).
    Running { done: u64, total: u64 },
    Done {
        summary: ClaimImportSummary,
        millis: u128,
    },
    /// The file has errors: nothing imported.
    Refused(ImportError),
    /// Something went wrong on our side (logged): nothing imported.
    Failed,
}

#[derive(Debug, Clone)]
pub struct ImportStatus {
    pub kind: ImportKind,
    pub file_name: String,
    /// `staff:<login>`.
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub phase: Phase,
}

impl ImportStatus {
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }
}

/// The statuses of browser imports, by random job id.
#[derive(Default)]
pub struct ClaimImports {
    jobs: Mutex<HashMap<String, ImportStatus>>,
    /// Set when the server stops: an import not yet committed rolls back at its next
    /// progress step rather than hold redb's one writer through the stop.
    stopping: AtomicBool,
    /// Counts finished imports, so that [`ClaimImports::finished`] can wait without polling.
    ended: tokio::sync::watch::Sender<u64>,
}

impl ClaimImports {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ImportStatus>> {
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_phase(&self, id: &str, phase: Phase) {
        let over = !matches!(phase, Phase::Running { .. });
        if let Some(status) = self.lock().get_mut(id) {
            status.phase = phase;
        }
        if over {
            self.ended.send_modify(|n| *n += 1);
        }
    }

    /// The status of an import once it is over (`None` for an unknown id): what a test
    /// or a caller awaits instead of polling the status page.
    pub async fn finished(&self, id: &str) -> Option<ImportStatus> {
        let mut ended = self.ended.subscribe();
        loop {
            let status = self.status(id)?;
            if !status.is_running() {
                return Some(status);
            }
            ended.changed().await.ok()?;
        }
    }

    pub fn status(&self, id: &str) -> Option<ImportStatus> {
        self.lock().get(id).cloned()
    }

    /// The server stops: imports in progress roll back at their next progress step, as
    /// those of the control socket do, and one started after this rolls back at once.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// Starts importing the spooled file (removed when done) as one unpublished batch;
    /// returns the job id for [`ClaimImports::status`]. Must be called within the runtime.
    pub fn start(
        self: &Arc<Self>,
        kind: ImportKind,
        store: Store,
        spool: Spool,
        file_name: String,
        actor: String,
        now: DateTime<Utc>,
    ) -> String {
        let id = random_token();
        {
            let mut jobs = self.lock();
            jobs.retain(|_, s| s.is_running() || now - s.started_at < KEEP_FOR);
            jobs.insert(
                id.clone(),
                ImportStatus {
                    kind,
                    file_name,
                    started_by: actor.clone(),
                    started_at: now,
                    phase: Phase::Running { done: 0, total: 0 },
                },
            );
        }
        let (jobs, job) = (self.clone(), id.clone());
        let work = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let mut progress = |done, total| {
                jobs.set_phase(&job, Phase::Running { done, total });
                if jobs.stopping.load(Ordering::SeqCst) {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            };
            let import = match kind {
                ImportKind::Claims => import_claims_file,
                ImportKind::Benefits => import_benefits_file,
            };
            let result = import(&store, &spool.path, false, now, &actor, &mut progress);
            drop(spool);
            let phase = match result {
                Ok(summary) => {
                    let millis = started.elapsed().as_millis();
                    tracing::info!(
                        ms = millis as u64,
                        rows = summary.batch.rows,
                        kind = kind.segment(),
                        "file imported from the browser"
                    );
                    Phase::Done { summary, millis }
                }
                Err(ClaimImportError::File(error)) => Phase::Refused(error),
                Err(ClaimImportError::Refused(message)) => Phase::Refused(ImportError::Io(message)),
                Err(e @ ClaimImportError::Cancelled) => {
                    Phase::Refused(ImportError::Io(e.to_string()))
                }
                Err(ClaimImportError::Unexpected(e)) => {
                    tracing::error!(
                        error = format!("{e:#}"),
                        kind = kind.segment(),
                        "an import from the browser failed"
                    );
                    Phase::Failed
                }
            };
            jobs.set_phase(&job, phase);
        });
        let (jobs, job) = (self.clone(), id.clone());
        tokio::spawn(async move {
            if work.await.is_err() {
                tracing::error!("an import from the browser stopped unexpectedly");
                jobs.set_phase(&job, Phase::Failed);
            }
        });
        id
    }
}
