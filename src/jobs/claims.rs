//! `kenpo import claims FILE [--publish]` (SPEC §6.2): one batch, all rows or none,
//! streamed row by row into one write transaction so that a file of a million rows is
//! never held in memory.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{JobError, JobIo};
use crate::audit::{Action, Actor, AuditEntry};
use crate::claims::{BatchWriter, Outcome, PublishError, publish};
use crate::domain::claim::Claim;
use crate::domain::member::Person;
use crate::import::{ClaimReader, ImportError, LineError, MAX_LINE_ERRORS};
use crate::store::{OpenTables, Store, WriteTx as _, key_into, tables};

/// Progress is reported every this many rows.
pub(super) const PROGRESS_EVERY: u64 = 2_000;

mod outcome;
pub use outcome::{ClaimImportError, ClaimImportSummary};

/// Runs the job: finds the file (or copies the sent bytes beside the data file), counts
/// its lines for the progress bar, and imports it.
pub fn run(
    store: &Store,
    publish: bool,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let spooled;
    let path = match io.input_path() {
        Some(path) => path,
        None => {
            spooled = Spool::beside(store.path());
            spooled.fill(&mut io.input()?)?;
            spooled.path.clone()
        }
    };
    let summary = import_claims_file(
        store,
        &path,
        publish,
        now,
        &Actor::Cli.to_string(),
        &mut |done, total| {
            io.progress("取り込み", done, total);
            if io.cancelled() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )?;
    io.say(&summary.to_string());
    Ok(())
}

/// Imports the claim file at `path` (counting its rows first, for progress) as one batch;
/// the CLI job and the staff console's upload both come here.
pub fn import_claims_file(
    store: &Store,
    path: &Path,
    publish: bool,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<ClaimImportSummary, ClaimImportError> {
    let rows = count_rows(path)?;
    if progress(0, rows).is_break() {
        return Err(ClaimImportError::Cancelled);
    }
    let file =
        File::open(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    import_claims(
        store,
        Box::new(BufReader::with_capacity(256 * 1024, file)),
        rows,
        publish,
        now,
        actor,
        progress,
    )
}

/// Imports a claim file as one batch, publishing it too when `publish`.
pub fn import_claims(
    store: &Store,
    source: Box<dyn Read>,
    rows: u64,
    publish_now: bool,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<ClaimImportSummary, ClaimImportError> {
    let mut reader = ClaimReader::open(source).map_err(ClaimImportError::File)?;
    store.write_blocking(|w| {
        let mut batch = BatchWriter::start(w, now, actor, publish_now)?;
        let mut open = BatchWriter::TABLES.to_vec();
        open.push(tables::PEOPLE);
        let errors = w.with_tables(&open, |t| {
            stream_rows(t, &mut reader, &mut batch, rows, progress)
        })?;
        if !errors.is_empty() {
            return Err(ClaimImportError::File(ImportError::Lines(errors)));
        }
        let batch = batch.finish(w)?;
        AuditEntry::new(now, actor, Action::ClaimsImported)
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
    })
}

/// Stores every row while the file is clean; after the first problem only checks the rest,
/// collecting up to [`MAX_LINE_ERRORS`] problems (the caller then aborts the transaction).
fn stream_rows(
    w: &mut OpenTables<'_>,
    reader: &mut ClaimReader,
    batch: &mut BatchWriter,
    rows: u64,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Vec<LineError>, ClaimImportError> {
    let mut known_people: HashSet<String> = HashSet::new();
    let mut person = String::new();
    let mut errors = Vec::new();
    let mut done = 0u64;
    // The limit is checked here too: an unknown person's row skips the check below.
    while errors.len() < MAX_LINE_ERRORS
        && let Some(item) = reader.next_claim()
    {
        match item {
            Err(error) => errors.push(error),
            Ok((line, claim)) => {
                done += 1;
                let h = &claim.household;
                key_into(&mut person, &[&h.symbol, &h.number, &claim.branch]);
                if !known_people.contains(&person) {
                    if !w.exists::<Person>(&person)? {
                        errors.push(unknown_person(line, &claim));
                        continue;
                    }
                    known_people.insert(person.clone());
                }
                if errors.is_empty() && batch.put(w, claim)? == Outcome::Duplicate {
                    errors.push(LineError::new(
                        line,
                        Some("レセプト番号"),
                        "このレセプト番号は、このファイルのより前の行にもあります（レセプト番号は1件ごとに別の番号にしてください）",
                    ));
                }
                if done.is_multiple_of(PROGRESS_EVERY) && progress(done, rows.max(done)).is_break()
                {
                    return Err(ClaimImportError::Cancelled);
                }
            }
        }
        if errors.len() >= MAX_LINE_ERRORS {
            errors.truncate(MAX_LINE_ERRORS);
            break;
        }
    }
    if progress(done, done).is_break() {
        return Err(ClaimImportError::Cancelled);
    }
    Ok(errors)
}

fn unknown_person(line: u64, claim: &Claim) -> LineError {
    LineError::new(
        line,
        None,
        format!(
            "記号・番号・枝番「{}-{}」の加入者が登録されていません。先に加入者ファイルを取り込んでください",
            claim.household, claim.branch
        ),
    )
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
/// upload) and a member file (the staff upload).
const SPOOL_KINDS: &[&str] = &["claims", "benefits", "members"];

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
        let dir = data.parent().unwrap_or(Path::new("."));
        let name = format!(".kenpo-{kind}-{}.tmp", crate::auth::tokens::random_token());
        Spool {
            path: dir.join(name),
        }
    }

    /// Removes the spooled uploads a crash (SIGKILL, power loss) left beside the data file:
    /// they hold members' personal and medical data that nothing would read again. Called
    /// when the server has just opened the data file, so no import can be using one.
    /// Returns how many it removed.
    pub fn remove_stale(data: &Path) -> usize {
        let dir = data.parent().unwrap_or(Path::new("."));
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

#[cfg(test)]
mod tests;
