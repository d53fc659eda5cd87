//! A consistent copy of the data file, taken in one read transaction.

use super::setup::temp_path;
use super::{JobError, JobIo};
use crate::store::Store;

pub fn backup(store: &Store, io: &mut dyn JobIo) -> Result<(), JobError> {
    let temp = temp_path(store, "backup");
    let _ = std::fs::remove_file(&temp);
    store.backup_to(&temp, &mut |d, t| io.progress("バックアップ", d, t))?;
    let result = io.output_file(&temp);
    let _ = std::fs::remove_file(&temp);
    result?;
    io.say("バックアップを作成しました");
    Ok(())
}
