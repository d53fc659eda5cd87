//! Typed access inside one transaction.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context as _;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::codec::{decode, encode};
use super::range::{KeyRange, walk};
use super::seal::SealKey;
use super::{Record, table};

/// The smallest key greater than every key starting with `prefix` (prefix ranges).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

pub(super) fn scan<R: Record>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    prefix: &str,
) -> anyhow::Result<Vec<(String, R)>> {
    let end = prefix_end(prefix);
    let mut out = Vec::new();
    for entry in table.range::<&str>(prefix..end.as_str())? {
        let (k, v) = entry?;
        let key = k.value().to_string();
        let record = decode::<R>(&key, v.value())?;
        out.push((key, record));
    }
    Ok(out)
}

/// Reading that both transactions offer, for queries shared by a screen (in a read
/// transaction) and a use case (inside its write transaction).
pub trait ReadTx {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>>;
    fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>>;
    /// The plain text of a value stored with [`Writer::seal`] under the same `context`
    /// (a value written before sealing existed reads as it is).
    fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String>;
}

impl ReadTx for Reader {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        Reader::get(self, key)
    }
    fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>> {
        Reader::scan(self, prefix)
    }
    fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        Reader::unseal(self, context, stored)
    }
}

impl ReadTx for Writer {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        Writer::get(self, key)
    }
    fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>> {
        Writer::scan(self, prefix)
    }
    fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        Writer::unseal(self, context, stored)
    }
}

/// A read transaction: a consistent snapshot. It counts the records it decodes per table,
/// so that tests can prove a screen reads a page and not the whole table.
pub struct Reader {
    txn: ReadTransaction,
    decoded: RefCell<BTreeMap<&'static str, u64>>,
    seal: Arc<SealKey>,
}

impl Reader {
    pub(super) fn new(txn: ReadTransaction, seal: Arc<SealKey>) -> Self {
        Self {
            txn,
            decoded: RefCell::default(),
            seal,
        }
    }

    fn seen<R: Record>(&self, n: u64) {
        *self.decoded.borrow_mut().entry(R::TABLE).or_default() += n;
    }

    /// How many records of `R`'s table this transaction has decoded so far.
    pub fn decoded<R: Record>(&self) -> u64 {
        self.decoded.borrow().get(R::TABLE).copied().unwrap_or(0)
    }

    /// See [`ReadTx::unseal`].
    pub fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        self.seal.open(context, stored)
    }

    pub fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        let t = self.txn.open_table(table(R::TABLE))?;
        let found = t.get(key)?;
        let record = found.map(|v| decode(key, v.value())).transpose()?;
        self.seen::<R>(u64::from(record.is_some()));
        Ok(record)
    }

    /// Every record whose key starts with `prefix`, in key order.
    pub fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>> {
        let t = self.txn.open_table(table(R::TABLE))?;
        let found = scan(&t, prefix)?;
        self.seen::<R>(found.len() as u64);
        Ok(found)
    }

    /// Calls `f` for each record in `range`, in key order or `reverse`d, until it returns
    /// false: a page of a long table without reading the rest.
    pub fn walk<R: Record>(
        &self,
        range: KeyRange<'_>,
        reverse: bool,
        f: impl FnMut(&str, R) -> anyhow::Result<bool>,
    ) -> anyhow::Result<()> {
        let t = self.txn.open_table(table(R::TABLE))?;
        walk(&t, range, reverse, || self.seen::<R>(1), f)
    }

    /// Calls `f` for each record in key order from `start` (inclusive) until it returns false.
    pub fn for_each_from<R: Record>(
        &self,
        start: &str,
        mut f: impl FnMut(&str, R) -> anyhow::Result<bool>,
    ) -> anyhow::Result<()> {
        let t = self.txn.open_table(table(R::TABLE))?;
        for entry in t.range::<&str>(start..)? {
            let (k, v) = entry?;
            let record = decode::<R>(k.value(), v.value())?;
            self.seen::<R>(1);
            if !f(k.value(), record)? {
                break;
            }
        }
        Ok(())
    }

    pub fn count<R: Record>(&self) -> anyhow::Result<u64> {
        use redb::ReadableTableMetadata as _;
        let t = self.txn.open_table(table(R::TABLE))?;
        Ok(t.len()?)
    }
}

/// A write transaction; see [`super::Store::write`].
pub struct Writer {
    pub(super) txn: WriteTransaction,
    pub(super) seal: Arc<SealKey>,
}

impl Writer {
    pub(super) fn new(txn: WriteTransaction, seal: Arc<SealKey>) -> Self {
        Self { txn, seal }
    }

    /// Seals a secret the data file must keep (see `store::seal`); `context` names the
    /// record it belongs to, and opening it needs the same context.
    pub fn seal(&self, context: &str, plain: &str) -> anyhow::Result<String> {
        self.seal.seal(context, plain)
    }

    /// See [`ReadTx::unseal`].
    pub fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        self.seal.open(context, stored)
    }

    pub(super) fn commit(self) -> anyhow::Result<()> {
        self.txn.commit().context("commit")
    }

    pub(super) fn ensure_table(&mut self, name: &'static str) -> anyhow::Result<()> {
        self.txn.open_table(table(name))?;
        Ok(())
    }

    pub fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        let t = self.txn.open_table(table(R::TABLE))?;
        let found = t.get(key)?;
        found.map(|v| decode(key, v.value())).transpose()
    }

    pub fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>> {
        let t = self.txn.open_table(table(R::TABLE))?;
        scan(&t, prefix)
    }

    /// How many rows `R`'s table holds (as the transaction sees it).
    pub fn count<R: Record>(&self) -> anyhow::Result<u64> {
        use redb::ReadableTableMetadata as _;
        let t = self.txn.open_table(table(R::TABLE))?;
        Ok(t.len()?)
    }

    /// Calls `f` for each record in `range`, in key order or `reverse`d, until it returns false.
    pub fn walk<R: Record>(
        &self,
        range: KeyRange<'_>,
        reverse: bool,
        f: impl FnMut(&str, R) -> anyhow::Result<bool>,
    ) -> anyhow::Result<()> {
        let t = self.txn.open_table(table(R::TABLE))?;
        walk(&t, range, reverse, || {}, f)
    }

    pub fn put<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<()> {
        let bytes = encode(key, record)?;
        let mut t = self.txn.open_table(table(R::TABLE))?;
        t.insert(key, bytes.as_slice())?;
        Ok(())
    }

    /// Removes a record; returns whether it existed.
    pub fn delete<R: Record>(&mut self, key: &str) -> anyhow::Result<bool> {
        let mut t = self.txn.open_table(table(R::TABLE))?;
        let existed = t.remove(key)?.is_some();
        Ok(existed)
    }

    /// Removes every record whose key starts with `prefix`; returns how many.
    pub fn delete_prefix<R: Record>(&mut self, prefix: &str) -> anyhow::Result<u64> {
        let end = prefix_end(prefix);
        let mut t = self.txn.open_table(table(R::TABLE))?;
        let mut removed = 0;
        t.retain_in::<&str, _>(prefix..end.as_str(), |_, _| {
            removed += 1;
            false
        })?;
        Ok(removed)
    }

    /// Removes at most `limit` records in `range`, the first in key order; returns how many.
    pub fn delete_range<R: Record>(
        &mut self,
        range: KeyRange<'_>,
        limit: usize,
    ) -> anyhow::Result<u64> {
        Ok(self.take_keys(R::TABLE, range, limit)?.len() as u64)
    }

    /// The next number of a named sequence (1, 2, 3, ...), formatted as a sortable key.
    pub fn next_id(&mut self, sequence: &str) -> anyhow::Result<String> {
        let mut ids = self.next_ids(sequence, 1)?;
        ids.pop()
            .ok_or_else(|| anyhow::anyhow!("no id was taken from {sequence}"))
    }

    /// The next `n` ids of `sequence`, in order, with one read and one write of it.
    pub fn next_ids(&mut self, sequence: &str, n: usize) -> anyhow::Result<Vec<String>> {
        let current = self.get::<Sequence>(sequence)?.map(|s| s.0).unwrap_or(0);
        let last = current + n as u64;
        self.put(sequence, &Sequence(last))?;
        Ok((current + 1..=last).map(|id| format!("{id:020}")).collect())
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Sequence(u64);

impl Record for Sequence {
    const TABLE: &'static str = super::tables::SEQUENCES;
}

pub(super) fn copy_table(
    source: &ReadTransaction,
    target: &WriteTransaction,
    name: &'static str,
) -> anyhow::Result<()> {
    let from = source.open_table(table(name))?;
    let mut to = target.open_table(table(name))?;
    for entry in from.iter()? {
        let (k, v) = entry?;
        to.insert(k.value(), v.value())?;
    }
    Ok(())
}
