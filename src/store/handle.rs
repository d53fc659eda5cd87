//! The open database, given up after an I/O failure and opened again at the next use.
//!
//! After a failed write (a full disk, say) redb refuses every later call on that handle
//! ("Previous I/O error occurred. Please close and re-open the database"). Without this,
//! one full disk would leave the server unable to read or write until it is restarted.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use redb::{Database, DatabaseError};

pub(crate) struct Handle {
    path: PathBuf,
    /// redb's page cache, kept for opening the file again.
    cache_bytes: usize,
    slot: RwLock<Option<Arc<Database>>>,
}

/// Opens (or creates) the file; also returns how long a repair took, if one was needed.
pub(crate) fn open(
    path: &Path,
    cache_bytes: usize,
) -> Result<(Database, Option<Duration>), DatabaseError> {
    let started = Instant::now();
    let repairing = Arc::new(AtomicBool::new(false));
    let flag = repairing.clone();
    let opened = Database::builder()
        .set_cache_size(cache_bytes)
        .set_repair_callback(move |_| {
            if !flag.swap(true, Ordering::SeqCst) {
                tracing::warn!("the data file was not closed cleanly; repairing it");
            }
        })
        .create(path);
    let repaired = repairing.load(Ordering::SeqCst).then(|| started.elapsed());
    if let Some(took) = repaired {
        tracing::warn!(
            repair_ms = took.as_millis() as u64,
            "the data file was repaired at open"
        );
    }
    opened.map(|db| (db, repaired))
}

impl Handle {
    pub(crate) fn new(db: Database, path: &Path, cache_bytes: usize) -> Handle {
        Handle {
            path: path.to_path_buf(),
            cache_bytes,
            slot: RwLock::new(Some(Arc::new(db))),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Option<Arc<Database>>> {
        self.slot.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Option<Arc<Database>>> {
        self.slot.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The database, opened again if an I/O failure made us give it up.
    pub(crate) fn get(&self) -> anyhow::Result<Arc<Database>> {
        if let Some(db) = self.read().as_ref() {
            return Ok(db.clone());
        }
        let mut slot = self.write();
        if let Some(db) = slot.as_ref() {
            return Ok(db.clone());
        }
        let (db, _) = open(&self.path, self.cache_bytes)
            .context("open the data file again after an I/O failure")?;
        tracing::info!("the data file is open again");
        let db = Arc::new(db);
        *slot = Some(db.clone());
        Ok(db)
    }

    /// Called with the database a call failed on: after an I/O failure it is given up
    /// (closed once its last user lets go), and the next call opens the file again.
    pub(crate) fn after_error(&self, db: Arc<Database>, error: &anyhow::Error) {
        if !is_io_failure(error) {
            return;
        }
        let mut slot = self.write();
        if slot
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(current, &db))
        {
            *slot = None;
            tracing::error!(
                "an I/O failure closed the data file; it is opened again at the next use"
            );
        }
    }

    /// The database if this is its last handle (for a clean close).
    pub(crate) fn into_last(self) -> Option<Arc<Database>> {
        self.slot.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

fn is_io_failure(error: &anyhow::Error) -> bool {
    error.chain().any(|layer| {
        layer.downcast_ref::<std::io::Error>().is_some() || layer.to_string().contains("I/O error")
    })
}
