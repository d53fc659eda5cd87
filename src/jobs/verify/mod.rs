//! `kenpo verify FILE`: opens a data file (a backup, usually) read-only and checks that it is
//! whole: every table readable and every record decodable, every index entry pointing at
//! its row and every row indexed, every claim at a person and a batch, every account at
//! its household, sequences ahead of the ids they gave out, and index counts that agree;
//! and every page against its checksum (on a private copy, see `store::verify`).
//! Prints the rows per table; any inconsistency is named and makes the exit status 1.

mod accounts;
mod benefits;
mod records;

use std::path::Path;

use crate::store::verify::{KeyFile, MAX_LISTED, ReadOnlyStore, TableSummary};
use crate::store::{OpenError, Reader, Record, SCHEMA_VERSION};

use super::JobError;

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub schema: Option<u64>,
    pub tables: Vec<TableSummary>,
    /// Inconsistencies, each naming its table (and key).
    pub problems: Vec<String>,
    /// Remarks that are not inconsistencies (an older format, upgraded when opened).
    pub notes: Vec<String>,
}

impl VerifyReport {
    pub fn is_consistent(&self) -> bool {
        self.problems.is_empty()
    }

    /// The rows of a table, if the file has it.
    pub fn rows(&self, table: &str) -> Option<u64> {
        self.tables.iter().find(|t| t.name == table).map(|t| t.rows)
    }

    /// The report as printed: a table of row counts, then the verdict.
    pub fn render(&self, path: &Path) -> String {
        let mut out = format!("{}\n", path.display());
        let width = self.tables.iter().map(|t| t.name.len()).max().unwrap_or(5);
        out.push_str(&format!("{:<width$}  {:>10}\n", "table", "rows"));
        for t in &self.tables {
            out.push_str(&format!("{:<width$}  {:>10}\n", t.name, t.rows));
        }
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        if self.problems.is_empty() {
            let schema = self.schema.map_or("none".to_string(), |v| v.to_string());
            let what = if self.schema == Some(SCHEMA_VERSION) {
                "every table and index checked"
            } else {
                "every table and page checked"
            };
            out.push_str(&format!("consistent: {what} (data format {schema})\n"));
        } else {
            for p in &self.problems {
                out.push_str(&format!("inconsistent: {p}\n"));
            }
            out.push_str(&format!("{} inconsistencies\n", self.problems.len()));
        }
        out
    }
}

/// Checks the data file at `path` without changing it.
pub fn verify_file(path: &Path) -> Result<VerifyReport, JobError> {
    // A damaged file can make the storage engine panic while it opens or reads the file:
    // that is a finding about the file, not a crash of `verify`.
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let store = ReadOnlyStore::open(path).map_err(|e| match e {
            OpenError::AlreadyOpen(p) => JobError::User(format!(
                "{} is open in another process (kenpo serve?): verify a copy made by `kenpo backup`",
                p.display()
            )),
            other => JobError::User(other.to_string()),
        })?;
        Ok::<_, JobError>(check(&store)?)
    }));
    checked.unwrap_or_else(|_| {
        Err(JobError::User(format!(
            "{} is damaged: the storage engine failed while reading it",
            path.display()
        )))
    })
}

fn check(store: &ReadOnlyStore) -> anyhow::Result<VerifyReport> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let schema = store.schema_version()?;
    match schema {
        None => problems.push("table meta: the file records no data format".to_string()),
        Some(v) if v > SCHEMA_VERSION => problems.push(format!(
            "table meta: data format {v} is newer than this kenpo's ({SCHEMA_VERSION}); verify it with the kenpo that wrote it"
        )),
        Some(v) if v < SCHEMA_VERSION => notes.push(format!(
            "data format {v} is older than this kenpo's ({SCHEMA_VERSION}): it is upgraded (after a backup) when kenpo opens it; the rules between records are checked after that"
        )),
        Some(_) => {}
    }
    match store.key_file()? {
        KeyFile::Foreign => problems.push(format!(
            "the key file {} belongs to another data file",
            crate::store::seal::key_path(store.path()).display()
        )),
        KeyFile::Absent => notes.push(format!(
            "no key file beside it: restoring needs the data file's key file too (kept apart from backups, named like the data file with .key added, e.g. {})",
            crate::store::seal::key_path(store.path()).display()
        )),
        KeyFile::Matches | KeyFile::NotNeeded => {}
    }
    let tables = store.tables(&mut problems, schema == Some(SCHEMA_VERSION))?;
    if let Some(damage) = crate::store::verify::check_pages(store.path())? {
        problems.push(damage);
    }
    if problems.is_empty() && schema == Some(SCHEMA_VERSION) {
        let sequences = store.sequences()?;
        store.read(|r| {
            let mut check = Check::new(r);
            accounts::check(&mut check)?;
            records::check(&mut check, &sequences)?;
            problems.extend(check.finish());
            Ok(())
        })?;
    }
    Ok(VerifyReport {
        schema,
        tables,
        problems,
        notes,
    })
}

/// The rules' shared state: the snapshot and the problems found, listed per table up to
/// [`MAX_LISTED`].
pub(super) struct Check<'a> {
    pub r: &'a Reader,
    problems: Vec<(String, String)>,
}

impl<'a> Check<'a> {
    fn new(r: &'a Reader) -> Self {
        Self {
            r,
            problems: Vec::new(),
        }
    }

    /// Records that `key` of `table` breaks a rule.
    pub fn fail(&mut self, table: &str, key: &str, what: impl std::fmt::Display) {
        self.problems.push((
            table.to_string(),
            format!("{table}/{}: {what}", printable(key)),
        ));
    }

    /// Records a rule about a whole table.
    pub fn fail_table(&mut self, table: &str, what: impl std::fmt::Display) {
        self.problems
            .push((table.to_string(), format!("table {table}: {what}")));
    }

    /// Every record of `R`'s table in key order; a record that does not decode is a problem
    /// and ends the walk of that table.
    pub fn each<R: Record>(&mut self, mut f: impl FnMut(&mut Self, &str, R)) {
        let r = self.r;
        let mut found = Vec::new();
        let walked = r.for_each_from::<R>("", |k, record| {
            f(self, k, record);
            Ok(true)
        });
        if let Err(e) = walked {
            found.push(format!("{e:#}"));
        }
        for e in found {
            self.fail_table(R::TABLE, e);
        }
    }

    /// Whether a record of `R` exists under `key` (a record that does not decode is a
    /// problem of its own table, found when that table is walked).
    pub fn has<R: Record>(&self, key: &str) -> bool {
        matches!(self.r.get::<R>(key), Ok(Some(_)))
    }

    pub fn get<R: Record>(&self, key: &str) -> Option<R> {
        self.r.get::<R>(key).ok().flatten()
    }

    fn finish(self) -> Vec<String> {
        let mut per_table: std::collections::BTreeMap<String, usize> = Default::default();
        let mut out = Vec::new();
        for (table, line) in self.problems {
            let n = per_table.entry(table).or_default();
            *n += 1;
            if *n <= MAX_LISTED {
                out.push(line);
            }
        }
        for (table, n) in per_table {
            if n > MAX_LISTED {
                out.push(format!("table {table}: {n} inconsistencies in all"));
            }
        }
        out
    }
}

/// A key for a message: the unit separator inside composite keys shown as `␟`.
fn printable(key: &str) -> String {
    key.replace(crate::store::KEY_SEP, "␟")
}

#[cfg(test)]
mod tests;
