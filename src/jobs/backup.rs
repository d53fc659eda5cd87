//! A consistent copy of the data file, taken in one read transaction.

use super::Spool;
use super::{JobError, JobIo};
use crate::store::Store;

pub fn backup(store: &Store, io: &mut dyn JobIo) -> Result<(), JobError> {
    let temp = Spool::beside_named(store.path(), "backup");
    store.backup_to(&temp.path, &mut |d, t| io.progress("バックアップ", d, t))?;
    io.output_file(&temp.path)?;
    io.say("バックアップを作成しました");
    Ok(())
}
