//! The data file's format version, and upgrading a file written by an older kenpo.
//!
//! The file records its schema number in `meta/schema_version`. At open:
//! - a file from a newer kenpo (a larger number) is refused before anything is written;
//! - a file from an older kenpo is first copied, table by table in one read transaction,
//!   to `<data>.v<N>.bak` beside it (owner-only), and then brought up to date by the
//!   [`Migration`]s from its number on, all in one write transaction together with the new
//!   number: a failed step leaves the file as it was.
//!
//! A change of a record type that old files cannot decode needs a migration step here and
//! a bump of [`super::SCHEMA_VERSION`]; the fixture test (`tests/it/upgrade.rs`) opens a file
//! made by release 0.1.0 with today's code, so such a change cannot go unnoticed.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use redb::{
    Database, ReadableDatabase as _, ReadableTable as _, TableDefinition, TableHandle as _,
};

use super::{ALL_TABLES, OpenError, Record, SCHEMA_VERSION, Store, Writer, tables};

/// One step from schema `from` to `from + 1`, run inside the upgrade's write transaction.
pub struct Migration {
    pub from: u64,
    /// What the step changes, for the log.
    pub describe: &'static str,
    pub run: fn(&mut Writer) -> anyhow::Result<()>,
}

/// The schema a binary writes and the steps that lead to it. The steps read and write the
/// records of the modules above the store, so the store does not know them: the binary's
/// list is `jobs::schema::MIGRATIONS` (tests use their own).
pub struct Schema<'a> {
    pub version: u64,
    pub migrations: &'a [Migration],
}

impl Schema<'_> {
    /// This schema with no upgrade steps: a file of an older one is refused.
    pub const BARE: Schema<'static> = Schema {
        version: SCHEMA_VERSION,
        migrations: &[],
    };
}

/// The schema number a data file records, under [`SCHEMA_KEY`] in `meta`.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct SchemaVersion(pub u64);

impl Record for SchemaVersion {
    const TABLE: &'static str = tables::META;
}

pub const SCHEMA_KEY: &str = "schema_version";
const VERSION_KEY: &str = SCHEMA_KEY;

/// The schema number the file records; `None` for a new, empty file.
pub(super) fn stored_version(db: &impl redb::ReadableDatabase) -> anyhow::Result<Option<u64>> {
    let txn = db.begin_read().context("begin read transaction")?;
    let meta = match txn.open_table(super::table(SchemaVersion::TABLE)) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(bytes) = meta.get(VERSION_KEY)? else {
        return Ok(None);
    };
    let version: SchemaVersion = serde_json::from_slice(bytes.value())
        .context("the schema version of the data file cannot be read")?;
    Ok(Some(version.0))
}

/// Refuses a file from a newer kenpo before it is opened for writing (opening for writing
/// alone changes the file's header). A file that cannot be opened read-only here (one that
/// needs recovery after a crash) is checked again after the writable open.
pub(super) fn refuse_newer(path: &Path, schema: &Schema<'_>) -> Result<(), OpenError> {
    if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        return Ok(());
    }
    let db = match redb::Builder::new().open_read_only(path) {
        Ok(db) => db,
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
            return Err(OpenError::AlreadyOpen(path.to_path_buf()));
        }
        Err(_) => return Ok(()),
    };
    match stored_version(&db) {
        Ok(Some(found)) if found > schema.version => Err(OpenError::TooNew {
            path: path.to_path_buf(),
            found,
            known: schema.version,
        }),
        _ => Ok(()),
    }
}

/// Refuses a newer file, upgrades an older one (after a backup beside it), creates the
/// tables of a new one. Nothing is written to a refused file. `also` runs in the same
/// write transaction (the store records its key check there).
pub(super) fn bring_up_to_date(
    store: &Store,
    schema: &Schema<'_>,
    also: impl FnOnce(&mut Writer) -> anyhow::Result<()>,
) -> Result<(), OpenError> {
    let path = store.path();
    let other = |source: anyhow::Error| OpenError::Other {
        path: path.to_path_buf(),
        source,
    };
    let db = store.db.get().map_err(other)?;
    let found = stored_version(db.as_ref()).map_err(other)?;
    match found {
        Some(found) if found > schema.version => Err(OpenError::TooNew {
            path: path.to_path_buf(),
            found,
            known: schema.version,
        }),
        Some(found) if found < schema.version => {
            let steps = steps(found, schema).map_err(other)?;
            let backup = backup_path(path, found);
            copy_all_tables(db.as_ref(), &backup).map_err(other)?;
            tracing::info!(
                from = found,
                to = schema.version,
                backup = %backup.display(),
                "upgrading the data file"
            );
            store
                .write_blocking(|w| {
                    ensure_tables(w)?;
                    for step in &steps {
                        tracing::info!(from = step.from, "migration: {}", step.describe);
                        (step.run)(w).with_context(|| {
                            format!("migration from schema {} failed", step.from)
                        })?;
                    }
                    also(w)?;
                    w.put(VERSION_KEY, &SchemaVersion(schema.version))
                })
                .map_err(|e| {
                    other(e.context(format!(
                        "the data file was not changed; a copy of it is at {}",
                        backup.display()
                    )))
                })
        }
        _ => store
            .write_blocking(|w| {
                ensure_tables(w)?;
                also(w)?;
                if found.is_none() {
                    w.put(VERSION_KEY, &SchemaVersion(schema.version))?;
                }
                Ok::<_, anyhow::Error>(())
            })
            .map_err(other),
    }
}

fn ensure_tables(w: &mut Writer) -> anyhow::Result<()> {
    for name in ALL_TABLES {
        w.ensure_table(name)?;
    }
    Ok(())
}

/// The steps from `found` to `schema.version`, each exactly once and in order.
fn steps<'a>(found: u64, schema: &'a Schema<'a>) -> anyhow::Result<Vec<&'a Migration>> {
    (found..schema.version)
        .map(|from| {
            schema
                .migrations
                .iter()
                .find(|m| m.from == from)
                .with_context(|| {
                    format!(
                        "this kenpo cannot upgrade a data file of schema {found} (no step from schema {from}); upgrade through an earlier release first"
                    )
                })
        })
        .collect()
}

/// `<data>.v<N>.bak`, or `<data>.v<N>.<k>.bak` when that name is taken (an earlier try).
pub fn backup_path(data: &Path, version: u64) -> PathBuf {
    let name = |suffix: String| {
        let mut name = data.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let first = name(format!(".v{version}.bak"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|k| name(format!(".v{version}.{k}.bak")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// redb's cache while the upgrade's backup is written.
const BACKUP_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Copies every table of the file as it is (whatever its schema) into a new owner-only
/// data file at `target`, in one read transaction.
pub(super) fn copy_all_tables(db: &Database, target: &Path) -> anyhow::Result<()> {
    super::files::create_private(target)
        .with_context(|| format!("cannot create the backup {}", target.display()))?;
    // A small cache: redb's default (1 GiB) let the copy of a million-claim file take
    // 800 MiB of memory at the upgrade to data format 3.
    let copy = redb::Builder::new()
        .set_cache_size(BACKUP_CACHE_BYTES)
        .create(target)
        .with_context(|| format!("cannot create the backup {}", target.display()))?;
    let source = db.begin_read()?;
    let out = copy.begin_write()?;
    for handle in source.list_tables()? {
        let def: TableDefinition<&str, &[u8]> = TableDefinition::new(handle.name());
        let from = source.open_table(def)?;
        let mut to = out.open_table(def)?;
        for entry in from.iter()? {
            let (k, v) = entry?;
            to.insert(k.value(), v.value())?;
        }
    }
    out.commit()?;
    drop(copy);
    std::fs::File::open(target)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write the backup {}", target.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests;
