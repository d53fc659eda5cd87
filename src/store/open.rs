//! Tables of one write transaction held open across many records: a bulk import stores a
//! million claims, and opening a table for each record (as [`Writer::put`] does) costs
//! about as much as storing it.

use anyhow::Context as _;
use redb::{ReadableTable as _, Table};

use std::sync::Arc;

use super::codec::{decode, encode};
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
}

/// Some tables of a write transaction, open until [`Writer::with_tables`] returns. Reading
/// or writing a record of another table is an error.
pub struct OpenTables<'w> {
    tables: Vec<(&'static str, Table<'w, &'static str, &'static [u8]>)>,
    seal: Arc<SealKey>,
}

impl<'w> OpenTables<'w> {
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
        self.table_mut(R::TABLE)?.insert(key, bytes.as_slice())?;
        Ok(())
    }

    fn replace<R: Record>(&mut self, key: &str, record: &R) -> anyhow::Result<Option<R>> {
        let bytes = encode(key, record)?;
        let old = self.table_mut(R::TABLE)?.insert(key, bytes.as_slice())?;
        old.map(|v| decode(key, v.value())).transpose()
    }

    fn delete<R: Record>(&mut self, key: &str) -> anyhow::Result<bool> {
        Ok(self.table_mut(R::TABLE)?.remove(key)?.is_some())
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
        f(&mut OpenTables {
            tables,
            seal: self.seal.clone(),
        })
    }
}
