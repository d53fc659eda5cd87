//! [`WriteTx::update_in_order`](super::WriteTx::update_in_order): changes whose keys come
//! in ascending order are read, changed and written through one redb cursor that moves
//! forward through the table (stepping over the stored keys between two changes, or
//! seeking when they are many). A lookup and an insert per key walk the tree from its root
//! twice each; an import's sums spread over the whole table read its pages back again and
//! again that way (BENCHMARKS.md, P3). Runs of new keys are inserted together, which packs
//! their leaves.

use std::cmp::Ordering;
use std::ops::Bound;

use redb::{CursorError, Table};

use super::Record;
use super::codec::{decode, encode};

/// Stored keys stepped over between two changes before the cursor seeks instead (few in
/// unit tests, so that their tables make it seek often).
const MAX_STEPS: usize = if cfg!(test) { 3 } else { 64 };

/// Applies `changes` (keys strictly ascending) to `table`: `f` gets each key's stored
/// record and its change, and says what to store (`None`: the key is deleted).
pub(super) fn update<R: Record, K: AsRef<str>, C>(
    table: &mut Table<'_, &'static str, &'static [u8]>,
    changes: impl IntoIterator<Item = (K, C)>,
    mut f: impl FnMut(Option<R>, C) -> anyhow::Result<Option<R>>,
) -> anyhow::Result<()> {
    let mut changes = changes.into_iter();
    let mut next = changes.next();
    // The last key changed (one buffer), to refuse changes out of order.
    let mut last: Option<String> = None;
    while let Some((key, change)) = next.take() {
        let mut cursor = table.lower_bound_mut(Bound::Included(key.as_ref()))?;
        let mut current = Some((key, change));
        while let Some((key, change)) = current.take() {
            let k = key.as_ref();
            if last.as_deref().is_some_and(|l| l >= k) {
                anyhow::bail!("the changes of {} are not in key order", R::TABLE);
            }
            // Step over the stored keys before this one, or seek if they are many.
            let mut steps = 0;
            let stored = loop {
                let found = match cursor.peek_next()? {
                    None => None,
                    Some((s, v)) => match s.value().cmp(k) {
                        Ordering::Less => Some(None),
                        Ordering::Equal => Some(Some(decode::<R>(k, v.value())?)),
                        Ordering::Greater => None,
                    },
                };
                match found {
                    Some(None) if steps < MAX_STEPS => {
                        cursor.next()?;
                        steps += 1;
                    }
                    Some(None) => break Err(()),
                    Some(Some(record)) => {
                        cursor.remove_next()?;
                        break Ok(Some(record));
                    }
                    None => break Ok(None),
                }
            };
            let Ok(stored) = stored else {
                next = Some((key, change));
                break;
            };
            if let Some(record) = f(stored, change)? {
                let bytes = encode(k, &record)?;
                cursor
                    .insert_before(k, bytes.as_slice())
                    .map_err(|e: CursorError| anyhow::anyhow!("update {}/…: {e}", R::TABLE))?;
            }
            let kept = last.get_or_insert_with(String::new);
            kept.clear();
            kept.push_str(k);
            current = changes.next();
        }
        cursor.close()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
