//! `kenpo import benefits FILE [--publish]` (SPEC §6.4): one batch of decisions, all rows
//! or none, streamed row by row into one write transaction, like `import claims`.

use std::collections::HashSet;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::batch_file::{close_batch, import_batch_file, run_batch_file};
use super::claims::PROGRESS_EVERY;
use super::{JobError, JobIo};
use crate::audit::Action;
use crate::benefits::DecisionWriter;
use crate::claims::Outcome;
use crate::domain::benefit::{BenefitDecision, BenefitKinds};
use crate::domain::member::Person;
use crate::import::benefits::DUPLICATE_NUMBER;
use crate::import::{BenefitReader, ImportError, LineError, MAX_LINE_ERRORS};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{OpenTables, Store, WriteTx as _, key_into, tables};

/// What a benefits import ends with: the claims' summary and errors, whose texts are
/// worded for either file.
pub type BenefitImportSummary = super::ClaimImportSummary;
pub type BenefitImportError = super::ClaimImportError;

/// Runs the job: finds the file (or copies the sent bytes beside the data file), counts
/// its lines for the progress bar, and imports it.
pub fn run(
    store: &Store,
    publish: bool,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    run_batch_file(store, publish, now, io, "benefits", import_benefits)
}

/// Imports the benefits file at `path` (counting its rows first, for progress) as one
/// batch; the CLI job and the staff console's upload both come here.
pub fn import_benefits_file(
    store: &Store,
    path: &Path,
    publish: bool,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<BenefitImportSummary, BenefitImportError> {
    import_batch_file(store, path, publish, now, actor, progress, import_benefits)
}

/// Imports a benefits file as one batch, publishing it too when `publish_now`. The
/// accepted 給付種別 are read from the union's settings in the same transaction.
pub fn import_benefits(
    store: &Store,
    source: Box<dyn Read>,
    rows: u64,
    publish_now: bool,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<BenefitImportSummary, BenefitImportError> {
    store.write_blocking(|w| {
        let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
        let kinds = BenefitKinds::new(&settings.benefit_kinds);
        let mut reader = BenefitReader::open(source, kinds).map_err(BenefitImportError::File)?;
        let mut batch = DecisionWriter::start(w, now, actor, publish_now)?;
        let mut open = DecisionWriter::TABLES.to_vec();
        open.push(tables::PEOPLE);
        let errors = w.with_tables(&open, |t| {
            stream_rows(t, &mut reader, &mut batch, rows, progress)
        })?;
        if !errors.is_empty() {
            return Err(BenefitImportError::File(ImportError::Lines(errors)));
        }
        let batch = batch.finish(w)?;
        close_batch(w, batch, Action::BenefitsImported, publish_now, now, actor)
    })
}

/// Stores every row while the file is clean; after the first problem only checks the rest,
/// collecting up to [`MAX_LINE_ERRORS`] problems (the caller then aborts the transaction).
fn stream_rows(
    w: &mut OpenTables<'_>,
    reader: &mut BenefitReader,
    batch: &mut DecisionWriter,
    rows: u64,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Vec<LineError>, BenefitImportError> {
    let mut known_people: HashSet<String> = HashSet::new();
    // Numbers seen in this file, for the duplicate check.
    let mut numbers: HashSet<String> = HashSet::new();
    let mut person = String::new();
    let mut errors = Vec::new();
    let mut done = 0u64;
    // The limit is checked here too: an unknown person's row skips the check below.
    while errors.len() < MAX_LINE_ERRORS
        && let Some(item) = reader.next_decision()
    {
        match item {
            Err(error) => errors.push(error),
            Ok((line, decision)) => {
                done += 1;
                let h = &decision.household;
                key_into(&mut person, &[&h.symbol, &h.number, &decision.branch]);
                if !known_people.contains(&person) {
                    if !w.exists::<Person>(&person)? {
                        errors.push(unknown_person(line, &decision));
                        continue;
                    }
                    known_people.insert(person.clone());
                }
                // The set decides too while the file is clean: a row left unchanged keeps
                // its old batch in the index, so the writer cannot see it come again.
                let repeated = !numbers.insert(decision.number.clone());
                let duplicate = if errors.is_empty() && !repeated {
                    batch.put(w, decision)? == Outcome::Duplicate
                } else {
                    repeated
                };
                if duplicate {
                    errors.push(LineError::new(line, Some("決定番号"), DUPLICATE_NUMBER));
                }
                if done.is_multiple_of(PROGRESS_EVERY) && progress(done, rows.max(done)).is_break()
                {
                    return Err(BenefitImportError::Cancelled);
                }
            }
        }
        if errors.len() >= MAX_LINE_ERRORS {
            errors.truncate(MAX_LINE_ERRORS);
            break;
        }
    }
    if progress(done, done).is_break() {
        return Err(BenefitImportError::Cancelled);
    }
    Ok(errors)
}

fn unknown_person(line: u64, decision: &BenefitDecision) -> LineError {
    LineError::new(
        line,
        None,
        format!(
            "記号・番号・枝番「{}-{}」の加入者が登録されていません。先に加入者ファイルを取り込んでください",
            decision.household, decision.branch
        ),
    )
}

#[cfg(test)]
mod tests;
