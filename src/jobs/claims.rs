//! `kenpo import claims FILE [--publish]` (SPEC §6.2): one batch, all rows or none,
//! streamed row by row into one write transaction so that a file of a million rows is
//! never held in memory.

use std::collections::HashSet;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{JobError, JobIo};
use crate::audit::Action;
use crate::claims::{BatchWriter, Outcome};
use crate::domain::claim::Claim;
use crate::domain::member::Person;
use crate::import::{ClaimReader, ImportError, LineError, MAX_LINE_ERRORS};
use crate::store::{OpenTables, Store, WriteTx as _, key_into, tables};

/// Progress is reported every this many rows.
pub(super) const PROGRESS_EVERY: u64 = 2_000;

mod outcome;
pub use outcome::{ClaimImportError, ClaimImportSummary};

use super::batch_file::{close_batch, import_batch_file, run_batch_file};

/// Runs the job: finds the file (or copies the sent bytes beside the data file), counts
/// its lines for the progress bar, and imports it.
pub fn run(
    store: &Store,
    publish: bool,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    run_batch_file(store, publish, now, io, "claims", import_claims)
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
    import_batch_file(store, path, publish, now, actor, progress, import_claims)
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
            BatchWriter::defer_writes(t)?;
            let errors = stream_rows(t, &mut reader, &mut batch, rows, progress)?;
            if !errors.is_empty() {
                // All or nothing: the transaction is rolled back, nothing to write.
                t.discard_deferred();
            }
            Ok::<_, ClaimImportError>(errors)
        })?;
        if !errors.is_empty() {
            return Err(ClaimImportError::File(ImportError::Lines(errors)));
        }
        let batch = batch.finish(w)?;
        close_batch(w, batch, Action::ClaimsImported, publish_now, now, actor)
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
    let mut unchanged = Unchanged::default();
    // Whether the first problem is a number found repeated row by row.
    let mut repeat_first = false;
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
                w.label(line);
                if errors.is_empty() {
                    if put(w, batch, claim, &mut unchanged)? == Outcome::Duplicate {
                        errors.push(repeated_number(line));
                        repeat_first = true;
                    } else if w.deferred_bytes() > held_back_bytes() {
                        write_held_back(w, &mut errors)?;
                    }
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
    // A number twice among the rows held back came before any problem found so far (rows
    // are stored only while there is none), and before a repeat found row by row, which
    // the writer would then not have reached.
    if let Some(line) = first_repeat(w) {
        if repeat_first {
            errors[0] = repeated_number(line);
        } else {
            errors.insert(0, repeated_number(line));
            errors.truncate(MAX_LINE_ERRORS);
        }
    }
    Ok(errors)
}

/// Held-back writes of the claim tables (`BatchWriter::defer_writes`) past this many bytes
/// are written before the file ends, so that the import's memory stays bounded: one write
/// in key order for files up to about a million rows (BENCHMARKS.md, P3).
/// (Small in unit tests, so that they write held-back rows before the end of a file too.)
/// The server lowers it for the imports it runs ([`hold_back_less`]).
static HELD_BACK_BYTES: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(if cfg!(test) { 2 << 10 } else { 144 << 20 });

/// Claim imports in this process hold back at most 32 MiB of rows (and 8 MiB of changes to
/// the sums): the server's imports
/// (staff upload, `kenpo import` through the control socket) share the process with the
/// pages, and its memory stays close to its cache. A larger file is written in a few
/// runs, which leaves some leaves half full.
pub fn hold_back_less() {
    let less = if cfg!(test) { 2 << 10 } else { 32 << 20 };
    HELD_BACK_BYTES.store(less, std::sync::atomic::Ordering::Relaxed);
    crate::claims::totals::gather_less();
}

fn held_back_bytes() -> usize {
    HELD_BACK_BYTES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes the held-back rows, unless a receipt number came twice among them.
fn write_held_back(w: &mut OpenTables<'_>, errors: &mut Vec<LineError>) -> anyhow::Result<()> {
    match first_repeat(w) {
        Some(line) => {
            errors.push(repeated_number(line));
            w.discard_deferred();
            Ok(())
        }
        None => w.apply_deferred(),
    }
}

/// The line of the first row whose receipt number came earlier among the held-back rows.
fn first_repeat(w: &mut OpenTables<'_>) -> Option<u64> {
    BatchWriter::repeated(w).iter().map(|r| r.label).min()
}

/// The receipt numbers of this file's unchanged rows, as keyed 64-bit hashes. An unchanged
/// row leaves its index entry on the older batch, so once the held-back writes are written
/// before the end of the file (`HELD_BACK_BYTES`), the number coming again can no longer
/// be seen there; a fresh import (every row new) keeps nothing here. A hash shared by two
/// numbers (about one in 10^7 files of a million unchanged rows) refuses that line as
/// repeated; the keys are new in every import, so importing the file again reads it.
#[derive(Default)]
struct Unchanged {
    keys: std::hash::RandomState,
    seen: HashSet<u64>,
}

/// Stores a claim unless its number came earlier in the file as an unchanged row.
fn put(
    w: &mut OpenTables<'_>,
    batch: &mut BatchWriter,
    claim: Claim,
    unchanged: &mut Unchanged,
) -> anyhow::Result<Outcome> {
    use std::hash::BuildHasher as _;
    let hash = unchanged.keys.hash_one(&claim.receipt_number);
    if unchanged.seen.contains(&hash) {
        return Ok(Outcome::Duplicate);
    }
    let outcome = batch.put(w, claim)?;
    if outcome == Outcome::Unchanged {
        unchanged.seen.insert(hash);
    }
    Ok(outcome)
}

/// A receipt number that came earlier in the file.
fn repeated_number(line: u64) -> LineError {
    LineError::new(
        line,
        Some("レセプト番号"),
        "このレセプト番号は、このファイルのより前の行にもあります（レセプト番号は1件ごとに別の番号にしてください）",
    )
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

#[cfg(test)]
mod held_back_tests;
#[cfg(test)]
mod tests;
