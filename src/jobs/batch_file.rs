//! What the imports of batch files (claims, benefit decisions) share: the command-line
//! job (the file named, or the sent bytes spooled beside the data file), the row count for
//! the progress bar, and the end of the import (audit row, publication when asked).

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::claims::{ClaimImportError, ClaimImportSummary};
use super::{JobError, JobIo};
use crate::audit::{Action, Actor, AuditEntry};
use crate::claims::{Batch, PublishError, publish};
use crate::store::{Store, Writer};

/// The import of one kind of batch file (claims, benefit decisions) from a stream of
/// `rows` rows: [`import_claims`] or `jobs::benefits::import_benefits`.
pub(super) type ImportFn = fn(
    &Store,
    Box<dyn Read>,
    u64,
    bool,
    DateTime<Utc>,
    &str,
    &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<ClaimImportSummary, ClaimImportError>;

/// The command-line job of a batch file: the file named, or the sent bytes spooled beside
/// the data file as a `.kenpo-{kind}-….tmp`, imported with progress and cancellation.
pub(super) fn run_batch_file(
    store: &Store,
    publish: bool,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
    kind: &str,
    import: ImportFn,
) -> Result<(), JobError> {
    let spooled;
    let path = match io.input_path() {
        Some(path) => path,
        None => {
            spooled = Spool::beside_named(store.path(), kind);
            spooled.fill(&mut io.input()?)?;
            spooled.path.clone()
        }
    };
    let actor = Actor::Cli.to_string();
    let summary = import_batch_file(
        store,
        &path,
        publish,
        now,
        &actor,
        &mut |done, total| io.step("取り込み", done, total),
        import,
    )?;
    io.say(&summary.to_string());
    Ok(())
}

/// A batch file at `path`: its rows counted first (for progress), then imported.
pub(super) fn import_batch_file(
    store: &Store,
    path: &Path,
    publish: bool,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
    import: ImportFn,
) -> Result<ClaimImportSummary, ClaimImportError> {
    let rows = count_rows(path)?;
    if progress(0, rows).is_break() {
        return Err(ClaimImportError::Cancelled);
    }
    let file =
        File::open(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let source = Box::new(BufReader::with_capacity(256 * 1024, file));
    import(store, source, rows, publish, now, actor, progress)
}

/// The end of a batch file's import, inside its write transaction: the audit row of
/// `action` with the counts, then publication when asked.
pub(super) fn close_batch(
    w: &mut Writer,
    batch: Batch,
    action: Action,
    publish_now: bool,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<ClaimImportSummary, ClaimImportError> {
    AuditEntry::new(now, actor, action)
        .target(format!("batch:{}", batch.number()))
        .detail(format!(
            "rows={} added={} replaced={} unchanged={}",
            batch.rows, batch.added, batch.replaced, batch.unchanged
        ))
        .record(w)?;
    let published = if publish_now {
        Some(publish(w, &batch.id, now, actor).map_err(|e| match e {
            PublishError::NotFound(_) => ClaimImportError::Refused(e.to_string()),
            PublishError::Unexpected(e) => ClaimImportError::Unexpected(e),
        })?)
    } else {
        None
    };
    Ok(ClaimImportSummary { batch, published })
}

/// Data rows of the file: its lines less the header (a quoted line break counts twice,
/// which only makes the progress bar end a little early).
pub(super) fn count_rows(path: &Path) -> anyhow::Result<u64> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Ok(lines.saturating_sub(1))
}

/// The kinds of spooled file: a claim or benefits file (the control socket or the staff
/// upload), a member file (the staff upload), a job's output on its way to the command line
/// (postcards with temporary passwords, a backup) and that output as the command line
/// received it. The start-up sweep removes every kind.
const SPOOL_KINDS: &[&str] = &[
    "claims",
    "benefits",
    "members",
    "postcards",
    "backup",
    "received",
];

/// A sent claim file, kept beside the data file (not in a possibly RAM-backed /tmp) and
/// removed when dropped.
pub struct Spool {
    pub path: PathBuf,
}

impl Spool {
    /// A fresh, unguessable file name in the data file's directory (nothing is created yet).
    pub fn beside(data: &Path) -> Spool {
        Self::beside_named(data, "claims")
    }

    /// The same, for a file of another `kind` (the name says what it holds).
    pub fn beside_named(data: &Path, kind: &str) -> Spool {
        let dir = crate::store::files::dir_of(data);
        let name = format!(".kenpo-{kind}-{}.tmp", crate::auth::tokens::random_token());
        Spool {
            path: dir.join(name),
        }
    }

    /// Removes the spooled files a crash (SIGKILL, power loss) left beside the data file:
    /// they hold members' personal and medical data, or temporary passwords, that nothing
    /// would read again. Called
    /// when the server has just opened the data file, so no import can be using one.
    /// Returns how many it removed.
    pub fn remove_stale(data: &Path) -> usize {
        let dir = crate::store::files::dir_of(data);
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                SPOOL_KINDS
                    .iter()
                    .any(|kind| name.starts_with(&format!(".kenpo-{kind}-")))
                    && name.ends_with(".tmp")
            })
            .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
            .count()
    }

    pub(super) fn fill(&self, input: &mut dyn Read) -> anyhow::Result<()> {
        let mut file = crate::store::files::create_private(&self.path)?;
        std::io::copy(input, &mut file)?;
        file.sync_all()?;
        Ok(())
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
