//! A write transaction's access to stored bytes as they are, for format migrations (which
//! read records of an older form) and for deleting by key without decoding.

use redb::ReadableTable as _;

use super::{KeyRange, Writer, range::is_empty, table};

impl Writer {
    /// Up to `limit` stored entries of `table` after `after` (from the first when `None`),
    /// in key order, as key and bytes.
    pub fn raw_page(
        &self,
        table_name: &'static str,
        after: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        use std::ops::Bound::{Excluded, Unbounded};
        let t = self.txn.open_table(table(table_name))?;
        let start = after.map_or(Unbounded, Excluded);
        let mut out = Vec::with_capacity(limit.min(4096));
        for entry in t.range::<&str>((start, Unbounded))?.take(limit) {
            let (k, v) = entry?;
            out.push((k.value().to_string(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// Stores `bytes` under `key` in `table` as they are.
    pub fn put_raw(
        &mut self,
        table_name: &'static str,
        key: &str,
        bytes: &[u8],
    ) -> anyhow::Result<()> {
        let mut t = self.txn.open_table(table(table_name))?;
        t.insert(key, bytes)?;
        Ok(())
    }

    /// Removes at most `limit` entries of `table` in `range`, the first in key order,
    /// without decoding them; returns their keys.
    pub fn take_keys(
        &mut self,
        table_name: &'static str,
        range: KeyRange<'_>,
        limit: usize,
    ) -> anyhow::Result<Vec<String>> {
        if is_empty(&range) || limit == 0 {
            return Ok(Vec::new());
        }
        let mut t = self.txn.open_table(table(table_name))?;
        let keys = t
            .range::<&str>(range)?
            .take(limit)
            .map(|entry| entry.map(|(k, _)| k.value().to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        for k in &keys {
            t.remove(k.as_str())?;
        }
        Ok(keys)
    }
}
