//! Changes to `claim_totals` gathered in memory, compactly, and written in key order.
//!
//! An import of a million claims changes about 600,000 rows of sums spread over the whole
//! table. Written in slices as they came, each slice walked the table again and read its
//! pages back (BENCHMARKS.md, P3). Gathered whole and written through one cursor
//! ([`WriteTx::update_in_order`]), the table is walked once. To make that fit in memory a
//! change is its key and five signed numbers (zigzag LEB128) one after the other in one
//! buffer, about 50 bytes a claim, and the changes of one key are merged into one whenever
//! the buffer has doubled since the last merge.

use std::cmp::Ordering;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use super::{ClaimTotals, KEY_SEP};
use crate::claims::model::{ClaimRecord, push_month};
use crate::domain::claim::Claim;
use crate::store::WriteTx;
use crate::store::bytes::{push_uint, read_uint};

/// A change still to be added to a row (claims added minus claims removed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Delta {
    claims: i128,
    days: i128,
    total_cost: i128,
    self_pay: i128,
    benefit: i128,
}

impl Delta {
    fn fields(&self) -> [i128; 5] {
        [
            self.claims,
            self.days,
            self.total_cost,
            self.self_pay,
            self.benefit,
        ]
    }

    fn add(&mut self, other: &Delta) {
        self.claims = self.claims.saturating_add(other.claims);
        self.days = self.days.saturating_add(other.days);
        self.total_cost = self.total_cost.saturating_add(other.total_cost);
        self.self_pay = self.self_pay.saturating_add(other.self_pay);
        self.benefit = self.benefit.saturating_add(other.benefit);
    }

    /// `stored` with this change added; `None` once no claim is left.
    fn applied_to(&self, stored: Option<ClaimTotals>) -> Option<ClaimTotals> {
        let mut t = stored.unwrap_or_default();
        let to64 = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
        t.claims = to64(add_signed(u128::from(t.claims), self.claims));
        t.days = to64(add_signed(u128::from(t.days), self.days));
        t.total_cost = add_signed(t.total_cost, self.total_cost);
        t.self_pay = add_signed(t.self_pay, self.self_pay);
        t.benefit = add_signed(t.benefit, self.benefit);
        (t.claims != 0).then_some(t)
    }
}

fn add_signed(stored: u128, delta: i128) -> u128 {
    if delta >= 0 {
        stored.saturating_add(delta.unsigned_abs())
    } else {
        stored.saturating_sub(delta.unsigned_abs())
    }
}

fn zigzag(n: i128) -> u128 {
    ((n << 1) ^ (n >> 127)) as u128
}

fn unzigzag(n: u128) -> i128 {
    ((n >> 1) as i128) ^ -((n & 1) as i128)
}

/// One change of the buffer: its key and its numbers.
fn change_at(bytes: &[u8], slot: u32) -> (&[u8], Delta) {
    let (len, at) = read_uint(bytes, slot as usize);
    let key_end = at
        .saturating_add(usize::try_from(len).unwrap_or(usize::MAX))
        .min(bytes.len());
    let mut fields = [0i128; 5];
    let mut next = key_end;
    for field in &mut fields {
        let (n, end) = read_uint(bytes, next);
        *field = unzigzag(n);
        next = end;
    }
    let [claims, days, total_cost, self_pay, benefit] = fields;
    let delta = Delta {
        claims,
        days,
        total_cost,
        self_pay,
        benefit,
    };
    (&bytes[at.min(key_end)..key_end], delta)
}

fn key_at(bytes: &[u8], slot: u32) -> &[u8] {
    let (len, at) = read_uint(bytes, slot as usize);
    let end = at
        .saturating_add(usize::try_from(len).unwrap_or(usize::MAX))
        .min(bytes.len());
    &bytes[at.min(end)..end]
}

/// Changes to `claim_totals` not yet written (see the module).
#[derive(Debug, Default)]
pub struct Changes {
    bytes: Vec<u8>,
    /// Where each change starts in `bytes`.
    slots: Vec<u32>,
    /// Changes after the last merge.
    merged: usize,
    /// A buffer for keys.
    key: String,
}

/// Changes are merged when they have doubled since the last merge, from this many on
/// (few in unit tests, so that their imports merge too).
const MERGE_FROM: usize = if cfg!(test) { 8 } else { 1 << 16 };
/// Bytes gathered before [`Changes::due`] says to write them (bounds the import's memory:
/// a million claims' changes stay below 48 MiB; a merge briefly holds the old buffer
/// beside the new one, so up to twice that). [`gather_less`] lowers it. (4 KiB in unit
/// tests, so that their imports write the sums in several steps too.)
static MAX_BYTES: AtomicUsize = AtomicUsize::new(if cfg!(test) { 4 << 10 } else { 48 << 20 });

/// Imports in this process gather at most 8 MiB of changes to the sums before writing them
/// (the server's imports share the process with the pages: `jobs::claims::hold_back_less`).
pub fn gather_less() {
    let less = if cfg!(test) { 4 << 10 } else { 8 << 20 };
    MAX_BYTES.store(less, AtomicOrdering::Relaxed);
}

impl Changes {
    fn change(&mut self, batch: &str, claim: &Claim, sign: i128) {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        for part in [&claim.household.symbol, &claim.household.number] {
            key.push_str(part);
            key.push(KEY_SEP);
        }
        push_month(&mut key, claim.month);
        for part in [&claim.branch, batch] {
            key.push(KEY_SEP);
            key.push_str(part);
        }
        let delta = Delta {
            claims: sign,
            days: sign * i128::from(claim.days),
            total_cost: sign * i128::from(u64::from(claim.total_cost)),
            self_pay: sign * i128::from(u64::from(claim.self_pay)),
            benefit: sign * i128::from(u64::from(claim.benefit)),
        };
        self.push(key.as_bytes(), &delta);
        self.key = key;
        if self.slots.len() >= MERGE_FROM && self.slots.len() >= 2 * self.merged {
            self.merge();
        }
    }

    fn push(&mut self, key: &[u8], delta: &Delta) {
        // A buffer of 4 GiB is far past `MAX_BYTES`: `due` has written it long before.
        let start = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        self.slots.push(start);
        push_uint(&mut self.bytes, key.len() as u128);
        self.bytes.extend_from_slice(key);
        for field in delta.fields() {
            push_uint(&mut self.bytes, zigzag(field));
        }
    }

    /// Sorts the changes by key and makes the changes of each key one.
    fn merge(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        let mut slots = std::mem::take(&mut self.slots);
        slots.sort_by(|a, b| key_at(&bytes, *a).cmp(key_at(&bytes, *b)));
        self.bytes = Vec::with_capacity(bytes.len() / 2);
        for (key, delta) in merged(&bytes, &slots) {
            self.push(key, &delta);
        }
        self.merged = self.slots.len();
    }

    /// A claim stored in `claims`.
    pub fn added(&mut self, record: &ClaimRecord) {
        self.change(&record.batch, &record.claim, 1);
    }

    /// A claim removed from `claims`.
    pub fn removed(&mut self, record: &ClaimRecord) {
        self.change(&record.batch, &record.claim, -1);
    }

    /// `old` (if any) gave way to `new` (a replacement, or a claim moved to a new batch).
    pub fn replaced(&mut self, old: Option<&ClaimRecord>, new: &ClaimRecord) {
        if let Some(old) = old {
            self.removed(old);
        }
        self.added(new);
    }

    /// Whether enough changes are gathered to write them now.
    pub fn due(&self) -> bool {
        self.bytes.len() + 4 * self.slots.len() >= MAX_BYTES.load(AtomicOrdering::Relaxed)
    }

    /// Writes the gathered changes, in key order, and forgets them.
    pub fn apply(&mut self, w: &mut impl WriteTx) -> anyhow::Result<()> {
        self.merge();
        let bytes = std::mem::take(&mut self.bytes);
        let slots = std::mem::take(&mut self.slots);
        self.merged = 0;
        // Keys were pushed as `str`: every one reads back as UTF-8.
        // A change that adds up to nothing leaves its row as it is.
        let changes = merged(&bytes, &slots)
            .filter(|(_, delta)| *delta != Delta::default())
            .filter_map(|(key, delta)| Some((std::str::from_utf8(key).ok()?, delta)));
        w.update_in_order::<ClaimTotals, _, _>(
            changes,
            |stored, delta| Ok(delta.applied_to(stored)),
        )
    }
}

/// The changes of `slots` (sorted by key), those of one key added together.
fn merged<'b>(bytes: &'b [u8], slots: &'b [u32]) -> impl Iterator<Item = (&'b [u8], Delta)> + 'b {
    let mut i = 0;
    std::iter::from_fn(move || {
        let (key, mut delta) = change_at(bytes, *slots.get(i)?);
        i += 1;
        while let Some(&slot) = slots.get(i) {
            let (next, more) = change_at(bytes, slot);
            if next.cmp(key) != Ordering::Equal {
                break;
            }
            delta.add(&more);
            i += 1;
        }
        Some((key, delta))
    })
}

#[cfg(test)]
mod tests;
