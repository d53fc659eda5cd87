//! Which sealing key belongs to a data file: the data file records a check value of its
//! key (in `meta`), never the key itself.

use std::path::Path;

use anyhow::Context as _;
use redb::{Database, ReadableDatabase as _};

use super::seal::{self, SealKey};
use super::{OpenError, Record, table};

/// The sealing key of the data file at `path`, and the check value to record when the data
/// file has none yet. A data file that records a key refuses a missing or foreign key file;
/// one that records none (new, or written before sealing) gets a new key file.
pub(super) fn sealing_key(
    db: &Database,
    path: &Path,
) -> Result<(SealKey, Option<String>), OpenError> {
    let other = |source: anyhow::Error| OpenError::Other {
        path: path.to_path_buf(),
        source,
    };
    let key_file = seal::key_path(path);
    let recorded = recorded_key_check(db).map_err(other)?;
    let loaded = seal::load(&key_file).map_err(other)?;
    let (key, data) = (key_file.clone(), path.to_path_buf());
    match (loaded, recorded) {
        (Some(seal), Some(recorded)) => {
            if seal.check_value().map_err(other)? == recorded {
                Ok((seal, None))
            } else {
                Err(OpenError::WrongKey { key, data })
            }
        }
        (None, Some(_)) => Err(OpenError::KeyMissing { key, data }),
        (Some(seal), None) => {
            let check = seal.check_value().map_err(other)?;
            Ok((seal, Some(check)))
        }
        (None, None) => {
            let seal = seal::create(&key_file).map_err(other)?;
            let check = seal.check_value().map_err(other)?;
            Ok((seal, Some(check)))
        }
    }
}

pub(super) const KEY_CHECK: &str = "seal_key_check";

fn recorded_key_check(db: &Database) -> anyhow::Result<Option<String>> {
    let txn = db.begin_read()?;
    let meta = match txn.open_table(table(KeyCheck::TABLE)) {
        Ok(meta) => meta,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let found = meta.get(KEY_CHECK)?;
    found
        .map(|v| serde_json::from_slice::<KeyCheck>(v.value()).map(|c| c.0))
        .transpose()
        .context("corrupt key check")
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct KeyCheck(pub(super) String);

impl Record for KeyCheck {
    const TABLE: &'static str = "meta";
}
