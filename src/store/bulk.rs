//! Writes of a bulk import held back and applied in key order (see
//! [`OpenTables::defer`](super::OpenTables::defer)).
//!
//! A claim file comes in receipt-number order, which is not the order of most claim
//! tables' keys: inserted one by one, each insert walks the tree from its root, and the
//! leaves it splits stay about half full for good (BENCHMARKS.md, P3). Held back here and
//! sorted, the writes go into the tree through one cursor that packs full leaves and
//! touches each leaf once.

use std::ops::Bound;

use redb::{CursorError, Table};

use super::bytes::{push_uint, read_uint};

/// What to do with a key written twice before the writes are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferral {
    /// Records: the last write of a key wins.
    Rows,
    /// Marks (the value says nothing the key does not): repeats are common and merged as
    /// the writes pile up, so that they take the memory of the distinct keys only.
    Marks,
    /// Records each written with a label (the current `Deferred::label`); a key written
    /// twice is reported with the label of its second write. The last write wins.
    Labelled,
}

/// A key written more than once (a [`Deferral::Labelled`] table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub key: String,
    /// The label of the key's second write.
    pub label: u64,
}

/// Writes of one table held back: each write is `key length, value length, key, value`
/// (and its label), lengths and labels as LEB128, one after the other in one buffer; the
/// slots are where each starts. No allocation per write, 4 bytes of bookkeeping.
pub(super) struct Deferred {
    pub(super) table: &'static str,
    mode: Deferral,
    bytes: Vec<u8>,
    slots: Vec<u32>,
    /// Slots after the last merge of repeated marks.
    merged_len: usize,
}

/// Marks are merged when their slots have doubled since the last merge, from this many on.
const MERGE_MARKS_FROM: usize = 1 << 16;

/// One write of the buffer: its key, value and label.
struct Write<'b> {
    key: &'b [u8],
    value: &'b [u8],
    label: u64,
    /// Where the next write would start.
    end: usize,
}

fn write_at(bytes: &[u8], slot: u32, labelled: bool) -> Write<'_> {
    let at = slot as usize;
    let (key_len, at) = read_uint(bytes, at);
    let (value_len, at) = read_uint(bytes, at);
    let (key_len, value_len) = (key_len as usize, value_len as usize);
    let key_end = at.saturating_add(key_len).min(bytes.len());
    let value_end = key_end.saturating_add(value_len).min(bytes.len());
    let (label, end) = if labelled {
        let (label, end) = read_uint(bytes, value_end);
        (label as u64, end)
    } else {
        (0, value_end)
    };
    Write {
        key: &bytes[at..key_end],
        value: &bytes[key_end..value_end],
        label,
        end,
    }
}

fn key_of(bytes: &[u8], slot: u32) -> &[u8] {
    write_at(bytes, slot, false).key
}

impl Deferred {
    pub(super) fn new(table: &'static str, mode: Deferral) -> Self {
        Self {
            table,
            mode,
            bytes: Vec::new(),
            slots: Vec::new(),
            merged_len: 0,
        }
    }

    /// The writes held so far, leaving this empty.
    pub(super) fn take(&mut self) -> Deferred {
        std::mem::replace(self, Deferred::new(self.table, self.mode))
    }

    pub(super) fn push(&mut self, key: &str, value: &[u8], label: u64) -> anyhow::Result<()> {
        let start = u32::try_from(self.bytes.len())
            .map_err(|_| anyhow::anyhow!("too many writes of {} held back", self.table))?;
        self.slots.push(start);
        push_uint(&mut self.bytes, key.len() as u128);
        push_uint(&mut self.bytes, value.len() as u128);
        self.bytes.extend_from_slice(key.as_bytes());
        self.bytes.extend_from_slice(value);
        if self.mode == Deferral::Labelled {
            push_uint(&mut self.bytes, u128::from(label));
        }
        if self.mode == Deferral::Marks
            && self.slots.len() >= MERGE_MARKS_FROM
            && self.slots.len() >= 2 * self.merged_len
        {
            self.sort_and_merge();
            // Marks are small: their buffer is written again without the merged ones.
            let mut bytes = Vec::with_capacity(self.bytes.len() / 2);
            for slot in &mut self.slots {
                let from = *slot as usize;
                let end = write_at(&self.bytes, *slot, false).end;
                *slot = bytes.len() as u32;
                bytes.extend_from_slice(&self.bytes[from..end]);
            }
            self.bytes = bytes;
            self.merged_len = self.slots.len();
        }
        Ok(())
    }

    fn write(&self, slot: u32) -> Write<'_> {
        write_at(&self.bytes, slot, self.mode == Deferral::Labelled)
    }

    fn key(&self, slot: u32) -> &[u8] {
        key_of(&self.bytes, slot)
    }

    /// Sorts the writes by key (a stable sort: writes of one key stay in the order they
    /// came), keeps the last write of each key, and returns the repeated keys of a
    /// labelled table.
    pub(super) fn sort_and_merge(&mut self) -> Vec<Repeat> {
        let bytes = &self.bytes;
        self.slots
            .sort_by(|a, b| key_of(bytes, *a).cmp(key_of(bytes, *b)));
        let mut repeats = Vec::new();
        if self.mode == Deferral::Labelled {
            let mut i = 0;
            while i + 1 < self.slots.len() {
                let (first, second) = (self.write(self.slots[i]), self.write(self.slots[i + 1]));
                if first.key == second.key {
                    repeats.push(Repeat {
                        key: String::from_utf8_lossy(first.key).into_owned(),
                        label: second.label,
                    });
                    while i + 1 < self.slots.len()
                        && self.key(self.slots[i]) == self.key(self.slots[i + 1])
                    {
                        i += 1;
                    }
                }
                i += 1;
            }
        }
        // `dedup_by` keeps the earlier of two equal slots: make it the later write.
        let bytes = &self.bytes;
        self.slots.dedup_by(|later, kept| {
            let same = key_of(bytes, *later) == key_of(bytes, *kept);
            if same {
                *kept = *later;
            }
            same
        });
        repeats
    }

    /// Writes every held-back record into `table` in key order (after
    /// [`Deferred::sort_and_merge`]), replacing what a key held.
    pub(super) fn apply(
        &self,
        table: &mut Table<'_, &'static str, &'static [u8]>,
    ) -> anyhow::Result<()> {
        let mut next = 0;
        while next < self.slots.len() {
            next = self.apply_run(table, next)?;
        }
        Ok(())
    }

    fn pair(&self, index: usize) -> anyhow::Result<(&str, &[u8])> {
        let write = self.write(self.slots[index]);
        Ok((std::str::from_utf8(write.key)?, write.value))
    }

    /// Seeks the place of the write `from` and inserts it and the writes after it while
    /// they come before the next stored key; returns the first write not inserted.
    fn apply_run(
        &self,
        table: &mut Table<'_, &'static str, &'static [u8]>,
        from: usize,
    ) -> anyhow::Result<usize> {
        let (key, value) = self.pair(from)?;
        let mut cursor = table.lower_bound_mut(Bound::Included(key))?;
        let stored = cursor
            .peek_next()?
            .map(|(k, v)| (k.value() == key, v.value() == value));
        match stored {
            Some((true, true)) => {
                // Already stored as it is: nothing to write.
                cursor.close()?;
                return Ok(from + 1);
            }
            Some((true, false)) => {
                cursor.remove_next()?;
            }
            _ => {}
        }
        cursor
            .insert_before(key, value)
            .map_err(|e| anyhow::anyhow!("insert into {} in key order: {e}", self.table))?;
        let mut next = from + 1;
        while next < self.slots.len() {
            let (key, value) = self.pair(next)?;
            match cursor.insert_before(key, value) {
                Ok(()) => next += 1,
                // At or past the next stored key: the caller seeks again.
                Err(CursorError::UnorderedKey) => break,
                Err(e) => return Err(e.into()),
            }
        }
        cursor.close()?;
        Ok(next)
    }

    /// Bytes of keys and values held.
    pub(super) fn bytes_held(&self) -> usize {
        self.bytes.len() + 4 * self.slots.len()
    }

    /// Writes held (after merging).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests;
