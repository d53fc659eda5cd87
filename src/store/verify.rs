//! Reading a data file without changing it, for `kenpo verify`: opened read-only (so a
//! backup is checked as it is, and no writer can open it meanwhile), with what only the
//! store can see: the tables in the file, their row counts, whether every value is a JSON
//! record, the schema number and the sequences. The rules between tables (every index
//! entry points at a row, every claim at a person) are `jobs::verify`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use redb::{
    DatabaseError, ReadOnlyDatabase, ReadableDatabase as _, ReadableTable as _,
    ReadableTableMetadata as _, TableDefinition, TableHandle as _,
};

use super::key_check::{KEY_CHECK, KeyCheck};
use super::seal::{self, SealKey};
use super::{ALL_TABLES, OpenError, Reader, Record as _, migrate};

/// At most this many problems are listed per table (the count says how many in all).
pub const MAX_LISTED: usize = 20;

/// One table of the file.
#[derive(Debug, Clone)]
pub struct TableSummary {
    pub name: String,
    pub rows: u64,
}

/// A data file opened read-only.
pub struct ReadOnlyStore {
    db: ReadOnlyDatabase,
    path: PathBuf,
    /// Records are read, never their sealed values opened: any key will do.
    seal: std::sync::Arc<SealKey>,
}

/// The key file beside a data file (`<file>.key`), against the check the file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFile {
    /// The data file records no key (it was never opened by a kenpo that seals).
    NotNeeded,
    /// No key file beside it (a backup: its key is kept apart).
    Absent,
    Matches,
    /// A key file of another data file.
    Foreign,
}

impl ReadOnlyStore {
    /// Opens the file for reading only; nothing is ever written to it.
    pub fn open(path: &Path) -> Result<ReadOnlyStore, OpenError> {
        let other = |source: anyhow::Error| OpenError::Other {
            path: path.to_path_buf(),
            source,
        };
        if !path.is_file() {
            return Err(other(anyhow::anyhow!("no such file")));
        }
        let db = match redb::Builder::new().open_read_only(path) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => {
                return Err(OpenError::AlreadyOpen(path.to_path_buf()));
            }
            Err(e) => return Err(other(e.into())),
        };
        Ok(ReadOnlyStore {
            db,
            path: path.to_path_buf(),
            seal: std::sync::Arc::new(SealKey::ephemeral()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema number the file records (`None`: none recorded).
    pub fn schema_version(&self) -> anyhow::Result<Option<u64>> {
        migrate::stored_version(&self.db)
    }

    /// Runs `f` in a read transaction.
    pub fn read<T>(&self, f: impl FnOnce(&Reader) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let txn = self.db.begin_read().context("begin read transaction")?;
        f(&Reader::new(txn, self.seal.clone()))
    }

    /// Every table in the file with its row count, known tables first in their order.
    /// Problems: a known table missing (when the file is of this kenpo's format: an older
    /// one gets its new tables when it is upgraded), a table this kenpo does not know, a
    /// value that is not a JSON record, a key or value that cannot be read.
    pub fn tables(
        &self,
        problems: &mut Vec<String>,
        current_format: bool,
    ) -> anyhow::Result<Vec<TableSummary>> {
        let txn = self.db.begin_read().context("begin read transaction")?;
        let mut present: Vec<String> = txn.list_tables()?.map(|h| h.name().to_string()).collect();
        present.sort_by_key(|name| {
            ALL_TABLES
                .iter()
                .position(|known| known == name)
                .unwrap_or(usize::MAX)
        });
        for known in ALL_TABLES.iter().filter(|_| current_format) {
            if !present.iter().any(|name| name == known) {
                problems.push(format!("table {known}: missing from the file"));
            }
        }
        let mut out = Vec::with_capacity(present.len());
        for name in present {
            if !ALL_TABLES.contains(&name.as_str()) {
                problems.push(format!("table {name}: not a table this kenpo knows"));
            }
            let def: TableDefinition<&str, &[u8]> = TableDefinition::new(&name);
            let table = match txn.open_table(def) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("table {name}: cannot be read: {e}"));
                    continue;
                }
            };
            let rows = table.len()?;
            let mut bad = 0usize;
            let mut seen = 0u64;
            let binary = super::tables::BINARY.contains(&name.as_str());
            for entry in table.iter()? {
                seen += 1;
                let why = match entry {
                    // Binary records are decoded by the checks of their own kind.
                    Ok((k, v)) if binary => v
                        .value()
                        .is_empty()
                        .then(|| format!("{name}/{}: an empty record", k.value())),
                    Ok((k, v)) => serde_json::from_slice::<serde::de::IgnoredAny>(v.value())
                        .err()
                        .map(|e| format!("{name}/{}: not a JSON record ({e})", k.value())),
                    Err(e) => Some(format!("table {name}: a row cannot be read: {e}")),
                };
                if let Some(why) = why {
                    bad += 1;
                    if bad <= MAX_LISTED {
                        problems.push(why);
                    }
                }
            }
            if bad > MAX_LISTED {
                problems.push(format!("table {name}: {bad} unreadable rows in all"));
            }
            if seen != rows {
                problems.push(format!(
                    "table {name}: its count says {rows} rows, reading it gave {seen}"
                ));
            }
            out.push(TableSummary { name, rows });
        }
        Ok(out)
    }

    /// Whether the key file beside the data file is the one it records.
    pub fn key_file(&self) -> anyhow::Result<KeyFile> {
        let txn = self.db.begin_read().context("begin read transaction")?;
        let meta = txn.open_table(super::table(KeyCheck::TABLE))?;
        let recorded = match meta.get(KEY_CHECK)? {
            Some(v) => {
                serde_json::from_slice::<KeyCheck>(v.value())
                    .context("the key check of the data file cannot be read")?
                    .0
            }
            None => return Ok(KeyFile::NotNeeded),
        };
        Ok(match seal::load(&seal::key_path(&self.path))? {
            None => KeyFile::Absent,
            Some(key) if key.check_value()? == recorded => KeyFile::Matches,
            Some(_) => KeyFile::Foreign,
        })
    }

    /// The named sequences (`audit`, `outbox`, ...) and the last number each gave out.
    pub fn sequences(&self) -> anyhow::Result<BTreeMap<String, u64>> {
        let txn = self.db.begin_read().context("begin read transaction")?;
        let table = txn.open_table(super::table("sequences"))?;
        let mut out = BTreeMap::new();
        for entry in table.iter()? {
            let (k, v) = entry?;
            let n: u64 = serde_json::from_slice(v.value())
                .with_context(|| format!("sequence {} is not a number", k.value()))?;
            out.insert(k.value().to_string(), n);
        }
        Ok(out)
    }
}

/// Checks the checksum of every page of the file's committed trees. redb's check needs a
/// writable file, so it runs on a private copy without a name (beside the file, or in the
/// temporary folder); the file itself is never opened for writing.
/// Returns what is wrong, if anything.
pub fn check_pages(path: &Path) -> anyhow::Result<Option<String>> {
    if std::fs::metadata(path)?.len() == 0 {
        return Ok(Some("the file cannot be opened: it is empty".into()));
    }
    let backend = redb::backends::FileBackend::new(private_copy(path)?)?;
    let mut db = match redb::Database::builder().create_with_backend(backend) {
        Ok(db) => db,
        Err(e) => return Ok(Some(format!("the file cannot be opened: {e}"))),
    };
    Ok(match db.check_integrity() {
        Ok(true) => None,
        Ok(false) => Some(
            "pages fail their checksums (a copy could be repaired, the file is damaged)".into(),
        ),
        Err(e) => Some(format!("pages fail their checksums: {e}")),
    })
}

/// An owner-only copy of a data file without a name: nothing of it is left when the
/// check ends, or when `kenpo verify` is stopped or killed mid-way.
fn private_copy(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut from = std::fs::File::open(path)?;
    let mut out = super::files::create_unnamed(super::files::dir_of(path))
        .context("cannot make a private copy to check the pages")?;
    std::io::copy(&mut from, &mut out)
        .with_context(|| format!("cannot copy {}", path.display()))?;
    Ok(out)
}
