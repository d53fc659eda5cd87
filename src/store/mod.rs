//! The only module that names redb: one file, typed records, transactions off the runtime.
//!
//! Every table maps a string key to a JSON-encoded record. Keys are built so that related
//! records sort together (for example `symbol\u{1f}number\u{1f}branch`), which turns
//! "all people of a household" into one range scan.

mod bulk;
pub mod bytes;
mod cache;
mod codec;
pub mod files;
mod handle;
mod in_order;
mod key_check;
mod keys;
pub mod migrate;
mod open;
pub mod pool;
mod range;
mod raw;
mod refusal;
pub mod seal;
pub mod tables;
mod tx;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use key_check::{KEY_CHECK, KeyCheck, sealing_key};
use redb::{Database, DatabaseError, ReadableDatabase as _, TableDefinition};
use seal::SealKey;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use bulk::{Deferral, Repeat};
pub use cache::{CLAIM_IMPORT_CACHE_MIB, JOB_CACHE_MIB, SERVE_CACHE_MIB, cache_bytes};
pub use codec::from_json;
pub use keys::{KEY_SEP, StoreKey, household_prefix, key, key_into};
pub use migrate::{Migration, Schema};
pub use open::{OpenTables, WriteTx};
pub use range::KeyRange;
pub use refusal::{WriteRefusal, write_refusal};
pub use tx::{ReadTx, Reader, Writer};

/// The schema this binary writes. A file with a larger number was written by a newer kenpo.
///
/// 2: the audit log's day counters (`audit_days`, `audit_counts`), kept with every row; an
/// older kenpo would write rows without them, so it must not open the file.
/// 3: claims, `claim_index` and `claim_months` in a compact binary form (a format version
/// byte first) instead of JSON.
/// 4: the sums of the claims per household, month and person (`claim_totals`), kept with
/// every claim; an older kenpo would change claims without them.
/// 5: benefit decisions (`benefits`, `benefit_index`, `benefit_months`); an older kenpo
/// would back up, purge and verify the file without them.
/// 6: passkeys (`passkeys`, `passkey_links`, `passkey_ceremonies`); an older kenpo would
/// back up and verify the file without them.
pub const SCHEMA_VERSION: u64 = 6;

/// Every table of the data file, so that `open` can create them and `backup` can copy them.
pub const ALL_TABLES: &[&str] = tables::ALL;

/// A record stored in one table under a string key: JSON unless the type writes its own
/// bytes (claims use a compact binary form, see [`bytes`]).
pub trait Record: Serialize + DeserializeOwned {
    const TABLE: &'static str;

    /// The stored bytes of this record under `key`.
    fn encode(&self, _key: &str) -> anyhow::Result<Vec<u8>> {
        Ok(serde_json::to_vec(self)?)
    }

    /// The record stored as `bytes` under `key`.
    fn decode(_key: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        from_json(bytes)
    }
}

pub(crate) fn table(name: &'static str) -> TableDefinition<'static, &'static str, &'static [u8]> {
    TableDefinition::new(name)
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the data file {0} is open in another process (is `kenpo serve` running on it?)")]
    AlreadyOpen(PathBuf),
    #[error(
        "the data file {path} was written by a newer kenpo (data format {found}); this kenpo {} reads formats up to {known}. Nothing was changed: run the newer kenpo, or restore a backup made by this one", env!("CARGO_PKG_VERSION")
    )]
    TooNew {
        path: PathBuf,
        found: u64,
        known: u64,
    },
    #[error(
        "the key file {key} is missing: the data file {data} keeps queued mail and staff TOTP secrets sealed with it; put the key file back beside it (see Backups in the README)"
    )]
    KeyMissing { key: PathBuf, data: PathBuf },
    #[error("the key file {key} belongs to another data file than {data}")]
    WrongKey { key: PathBuf, data: PathBuf },
    #[error("cannot open the data file {path}: {source:#}")]
    Other {
        path: PathBuf,
        source: anyhow::Error,
    },
}

/// The data file. Cheap to clone; every clone shares one open database.
#[derive(Clone)]
pub struct Store {
    db: Arc<handle::Handle>,
    path: PathBuf,
    seal: Arc<SealKey>,
    /// How long redb's repair took when this open found the file not closed cleanly.
    repaired: Option<std::time::Duration>,
}

impl Store {
    /// Opens (or creates) a data file of this schema, creates missing tables and checks the
    /// schema version: a newer file is refused, and so is an older one: the binary opens data
    /// files with their upgrade steps ([`Store::open_with`], `jobs::schema::open_store`).
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        Self::open_with(path, &Schema::BARE)
    }

    /// Opens (or creates) the data file, creates missing tables and checks the schema
    /// version: a newer file is refused, an older one backed up beside itself and brought
    /// up to date by the schema's migrations (see [`migrate`]).
    pub fn open_with(path: &Path, schema: &Schema<'_>) -> Result<Store, OpenError> {
        Self::open_with_cache(path, schema, cache_bytes(JOB_CACHE_MIB))
    }

    /// [`Store::open_with`] with a page cache of `cache_bytes` (`--cache-mib`).
    pub fn open_with_cache(
        path: &Path,
        schema: &Schema<'_>,
        cache_bytes: usize,
    ) -> Result<Store, OpenError> {
        let other = |source: anyhow::Error| OpenError::Other {
            path: path.to_path_buf(),
            source,
        };
        // A new data file starts owner-only (redb initialises an empty file).
        match files::create_private(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(other(e.into())),
        }
        migrate::refuse_newer(path, schema)?;
        let opened = handle::open(path, cache_bytes);
        let (db, repaired) = match opened {
            Ok(opened) => opened,
            Err(DatabaseError::DatabaseAlreadyOpen) => {
                return Err(OpenError::AlreadyOpen(path.to_path_buf()));
            }
            Err(e) => return Err(other(e.into())),
        };
        let (seal, check) = sealing_key(&db, path)?;
        let store = Store {
            db: Arc::new(handle::Handle::new(db, path, cache_bytes)),
            path: path.to_path_buf(),
            seal: Arc::new(seal),
            repaired,
        };
        migrate::bring_up_to_date(&store, schema, |w| match &check {
            Some(check) => w.put(KEY_CHECK, &KeyCheck(check.clone())),
            None => Ok(()),
        })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the data file cleanly (no repair at the next open) when this is its last
    /// handle; otherwise gives the handle back.
    pub fn try_close(self) -> Result<(), Store> {
        let Store {
            db,
            path,
            seal,
            repaired,
        } = self;
        match Arc::try_unwrap(db) {
            Ok(handle) => {
                // Dropped here, the last handle closes the file cleanly.
                drop(handle.into_last());
                Ok(())
            }
            Err(db) => Err(Store {
                db,
                path,
                seal,
                repaired,
            }),
        }
    }

    /// Compacts the data file and closes it, when this is its last handle and no
    /// transaction is open (a job the command line ran on a file it opened itself: no other
    /// process can hold the file). Moves every page as low as it goes and cuts the free
    /// tail off the file. Returns whether it compacted; otherwise the handle is just closed.
    pub fn compact_and_close(self) -> anyhow::Result<bool> {
        let Ok(handle) = Arc::try_unwrap(self.db) else {
            return Ok(false);
        };
        let Some(db) = handle.into_last() else {
            return Ok(false);
        };
        let Ok(mut db) = Arc::try_unwrap(db) else {
            return Ok(false);
        };
        db.compact().context("compact the data file")
    }

    /// How long redb's repair took when this open found the file not closed cleanly
    /// (`None`: the last close was clean).
    pub fn repaired(&self) -> Option<std::time::Duration> {
        self.repaired
    }

    /// Runs `f` in a read transaction on the calling thread (for blocking contexts).
    pub fn read_blocking<T, E>(&self, f: impl FnOnce(&Reader) -> Result<T, E>) -> Result<T, E>
    where
        E: From<anyhow::Error>,
    {
        let db = self.db.get().map_err(E::from)?;
        let txn = match db.begin_read().context("begin read transaction") {
            Ok(txn) => txn,
            Err(e) => {
                self.db.after_error(db, &e);
                return Err(E::from(e));
            }
        };
        f(&Reader::new(txn, self.seal.clone()))
    }

    /// Runs `f` in one write transaction on the calling thread; commits when it returns `Ok`.
    pub fn write_blocking<T, E>(&self, f: impl FnOnce(&mut Writer) -> Result<T, E>) -> Result<T, E>
    where
        E: From<anyhow::Error>,
    {
        let db = self.db.get().map_err(E::from)?;
        let txn = match db.begin_write().context("begin write transaction") {
            Ok(txn) => txn,
            Err(e) => {
                self.db.after_error(db, &e);
                return Err(E::from(e));
            }
        };
        let mut writer = Writer::new(txn, self.seal.clone());
        let value = f(&mut writer)?;
        if let Err(e) = writer.commit() {
            self.db.after_error(db, &e);
            return Err(E::from(e));
        }
        Ok(value)
    }

    /// Writes a consistent copy of every table into a new data file at `target`.
    /// `progress` is called with (tables done, tables in all).
    pub fn backup_to(
        &self,
        target: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> anyhow::Result<()> {
        if target.exists() {
            anyhow::bail!(
                "{} already exists; choose a new file name",
                target.display()
            );
        }
        files::create_private(target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        let copy = Database::create(target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        let source = self.db.get()?.begin_read()?;
        let out = copy.begin_write()?;
        let total = ALL_TABLES.len() as u64;
        for (done, name) in ALL_TABLES.iter().enumerate() {
            tx::copy_table(&source, &out, name)?;
            progress(done as u64 + 1, total);
        }
        out.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
