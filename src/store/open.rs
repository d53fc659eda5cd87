//! Tables of one write transaction held open across many records: a bulk import stores a
//! million claims, and opening a table for each record (as [`Writer::put`] does) costs
//! about as much as storing it.

use anyhow::Context as _;
use redb::{ReadableTable as _, Table};

use std::sync::Arc;

use super::bulk::{Deferral, Deferred, Repeat};
use super::codec::{decode, encode};
use super::in_order;
use super::seal::SealKey;
use super::tx::scan;
use super::{ReadTx, Record, Writer, table};

/// Writing records, whether through a [`Writer`] or its [`OpenTables`].
pub trait WriteTx {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>>;
    /// Whether a record of `R` is stored under `key` (nothing is decoded).
    fn exists<R: Record>(&self, key: &str) -> anyhow::Result<bool>;
    fn put<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<()>;
    /// Stores `record` and returns the record it replaced (one lookup instead of two).
    fn replace<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<Option<R>>;
    fn delete<R: Record>(&mut self, key: &str) -> anyhow::Result<bool>;

    /// Changes records of `R` in key order: for each `(key, change)` (keys strictly
    /// ascending, else an error), `f` gets the record stored under the key (if any) and
    /// the change, and says what to store (`None`: nothing, the key is deleted). One
    /// cursor walks the table (`store/in_order.rs`) instead of a lookup and a write per key.
    fn update_in_order<R: Record, K: AsRef<str>, C>(
        &mut self,
        changes: impl IntoIterator<Item = (K, C)>,
        f: impl FnMut(Option<R>, C) -> anyhow::Result<Option<R>>,
    ) -> anyhow::Result<()>;
}

impl WriteTx for Writer {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        Writer::get::<R>(self, key)
    }
    fn exists<R: Record>(&self, key: &str) -> anyhow::Result<bool> {
        let t = self.txn.open_table(table(R::TABLE))?;
        Ok(t.get(key)?.is_some())
    }
    fn put<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<()> {
        Writer::put(self, key, record)
    }
    fn replace<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<Option<R>> {
        let bytes = encode(key, record)?;
        let mut t = self.txn.open_table(table(R::TABLE))?;
        let old = t.insert(key, bytes.as_slice())?;
        old.map(|v| decode(key, v.value())).transpose()
    }
    fn delete<R: Record>(&mut self, key: &str) -> anyhow::Result<bool> {
        Writer::delete::<R>(self, key)
    }
    fn update_in_order<R: Record, K: AsRef<str>, C>(
        &mut self,
        changes: impl IntoIterator<Item = (K, C)>,
        f: impl FnMut(Option<R>, C) -> anyhow::Result<Option<R>>,
    ) -> anyhow::Result<()> {
        let mut t = self.txn.open_table(table(R::TABLE))?;
        in_order::update(&mut t, changes, f)
    }
}

/// Some tables of a write transaction, open until [`Writer::with_tables`] returns. Reading
/// or writing a record of another table is an error.
///
/// A table can be [deferred](OpenTables::defer): its writes are then held back and applied
/// in key order by [`OpenTables::apply_deferred`] (at the latest when `with_tables`'s
/// closure returns `Ok`), and reading it sees the table without them.
pub struct OpenTables<'w> {
    tables: Vec<(&'static str, Table<'w, &'static str, &'static [u8]>)>,
    seal: Arc<SealKey>,
    deferred: Vec<Deferred>,
    label: u64,
}

impl<'w> OpenTables<'w> {
    /// Holds back the writes of the open table `name` until [`OpenTables::apply_deferred`]
    /// (a bulk import: see `store::bulk`). Reads of it see the table without them,
    /// deletes go to the table at once, and [`WriteTx::replace`] is refused.
    pub fn defer(&mut self, name: &'static str, mode: Deferral) -> anyhow::Result<()> {
        self.table(name)?;
        if !self.deferred.iter().any(|d| d.table == name) {
            self.deferred.push(Deferred::new(name, mode));
        }
        Ok(())
    }

    /// Labels the deferred writes that follow (an import's line number), so that a key
    /// written twice is told by its label ([`Deferral::Labelled`]).
    pub fn label(&mut self, label: u64) {
        self.label = label;
    }

    fn deferred_mut(&mut self, name: &str) -> Option<&mut Deferred> {
        self.deferred.iter_mut().find(|d| d.table == name)
    }

    /// The keys of the deferred table `name` written more than once so far, each with the
    /// label of its second write, in key order.
    pub fn repeats(&mut self, name: &str) -> Vec<Repeat> {
        self.deferred_mut(name)
            .map(Deferred::sort_and_merge)
            .unwrap_or_default()
    }

    /// Writes every held-back write into its table, in key order, and forgets them (later
    /// writes are held back again).
    pub fn apply_deferred(&mut self) -> anyhow::Result<()> {
        // The largest first: its memory is given back before the next table's pages fill.
        let mut order: Vec<usize> = (0..self.deferred.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(self.deferred[*i].bytes_held()));
        for i in order {
            let mut held = self.deferred[i].take();
            held.sort_and_merge();
            held.apply(self.table_mut(held.table)?)?;
        }
        Ok(())
    }

    /// Drops the held-back writes (the transaction is about to be rolled back).
    pub fn discard_deferred(&mut self) {
        for held in &mut self.deferred {
            held.take();
        }
    }

    /// Bytes of writes held back (with their bookkeeping).
    pub fn deferred_bytes(&self) -> usize {
        self.deferred.iter().map(Deferred::bytes_held).sum()
    }

    fn table(&self, name: &str) -> anyhow::Result<&Table<'w, &'static str, &'static [u8]>> {
        self.tables
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
            .with_context(|| format!("the table {name} is not open here"))
    }

    fn table_mut<'s>(
        &'s mut self,
        name: &str,
    ) -> anyhow::Result<&'s mut Table<'w, &'static str, &'static [u8]>> {
        self.tables
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
            .with_context(|| format!("the table {name} is not open here"))
    }
}

impl WriteTx for OpenTables<'_> {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        let found = self.table(R::TABLE)?.get(key)?;
        found.map(|v| decode(key, v.value())).transpose()
    }

    fn exists<R: Record>(&self, key: &str) -> anyhow::Result<bool> {
        Ok(self.table(R::TABLE)?.get(key)?.is_some())
    }

    fn put<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<()> {
        let bytes = encode(key, record)?;
        let label = self.label;
        if let Some(deferred) = self.deferred_mut(R::TABLE) {
            return deferred.push(key, &bytes, label);
        }
        self.table_mut(R::TABLE)?.insert(key, bytes.as_slice())?;
        Ok(())
    }

    fn replace<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<Option<R>> {
        if self.deferred_mut(R::TABLE).is_some() {
            anyhow::bail!(
                "the writes of {} are deferred: nothing to replace",
                R::TABLE
            );
        }
        let bytes = encode(key, record)?;
        let old = self.table_mut(R::TABLE)?.insert(key, bytes.as_slice())?;
        old.map(|v| decode(key, v.value())).transpose()
    }

    fn delete<R: Record>(&mut self, key: &str) -> anyhow::Result<bool> {
        Ok(self.table_mut(R::TABLE)?.remove(key)?.is_some())
    }

    fn update_in_order<R: Record, K: AsRef<str>, C>(
        &mut self,
        changes: impl IntoIterator<Item = (K, C)>,
        f: impl FnMut(Option<R>, C) -> anyhow::Result<Option<R>>,
    ) -> anyhow::Result<()> {
        if self.deferred_mut(R::TABLE).is_some() {
            anyhow::bail!("the writes of {} are deferred: update them later", R::TABLE);
        }
        in_order::update(self.table_mut(R::TABLE)?, changes, f)
    }
}

/// Reading through open tables, so that shared queries (publication's audience) run on
/// them too.
impl ReadTx for OpenTables<'_> {
    fn get<R: Record>(&self, key: &str) -> anyhow::Result<Option<R>> {
        WriteTx::get(self, key)
    }
    fn scan<R: Record>(&self, prefix: &str) -> anyhow::Result<Vec<(String, R)>> {
        scan(self.table(R::TABLE)?, prefix)
    }
    fn unseal(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        self.seal.open(context, stored)
    }
}

impl Writer {
    /// Runs `f` with the tables `names` held open (each table once).
    pub fn with_tables<T, E: From<anyhow::Error>>(
        &mut self,
        names: &[&'static str],
        f: impl FnOnce(&mut OpenTables<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut tables = Vec::with_capacity(names.len());
        for name in names {
            let t = self
                .txn
                .open_table(table(name))
                .with_context(|| format!("open the table {name}"))
                .map_err(E::from)?;
            tables.push((*name, t));
        }
        let mut open = OpenTables {
            tables,
            seal: self.seal.clone(),
            deferred: Vec::new(),
            label: 0,
        };
        let value = f(&mut open)?;
        open.apply_deferred().map_err(E::from)?;
        Ok(value)
    }
}
