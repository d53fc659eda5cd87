//! Key ranges: a page of a long table read without the rest of it.

use std::ops::Bound;

use redb::ReadableTable;

use super::Record;
use super::tx::decode;

/// A range of keys: `(Bound::Included(a), Bound::Excluded(b))` and so on.
pub type KeyRange<'a> = (Bound<&'a str>, Bound<&'a str>);

pub(super) fn is_empty(range: &KeyRange<'_>) -> bool {
    use Bound::{Excluded, Included};
    match *range {
        (Included(lo), Included(hi)) => lo > hi,
        (Included(lo) | Excluded(lo), Excluded(hi)) | (Excluded(lo), Included(hi)) => lo >= hi,
        _ => false,
    }
}

/// Calls `f` for each record in `range`, in key order or reversed, until it returns false;
/// `seen` hears of each record decoded.
pub(super) fn walk<R: Record>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    range: KeyRange<'_>,
    reverse: bool,
    mut seen: impl FnMut(),
    mut f: impl FnMut(&str, R) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    if is_empty(&range) {
        return Ok(());
    }
    let entries = table.range::<&str>(range)?;
    let mut visit = |entry: Result<_, redb::StorageError>| -> anyhow::Result<bool> {
        let (k, v): (redb::AccessGuard<&str>, redb::AccessGuard<&[u8]>) = entry?;
        let record = decode::<R>(k.value(), v.value())?;
        seen();
        f(k.value(), record)
    };
    if reverse {
        for entry in entries.rev() {
            if !visit(entry)? {
                break;
            }
        }
    } else {
        for entry in entries {
            if !visit(entry)? {
                break;
            }
        }
    }
    Ok(())
}
