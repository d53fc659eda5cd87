//! redb's own floor for the claim import (P3 of BENCHMARKS.md): the rows a claim import
//! leaves in the claim tables of a data file, written by redb alone into a new file — each
//! table in key order through one cursor, one write transaction, one durable commit — with
//! no CSV, no checks and no lookups. `scripts/bench` prints it beside the import:
//! `cargo run --release --example redb_floor -- kenpo.redb /tmp/floor.redb`.
//!
//! Reads the rows into memory first (untimed), then prints `SECONDS ROWS` of the write.
//! Reads only keys and values as bytes: no record is decoded or printed.

use std::ops::Bound;
use std::time::Instant;

use redb::{Database, ReadableDatabase as _, ReadableTable as _, TableDefinition};

/// The tables a claim import writes (README "Data file", `store/tables.rs`).
const TABLES: [&str; 5] = [
    "claims",
    "claim_index",
    "claim_totals",
    "claim_months",
    "batch_people",
];

/// One table's rows, key order: keys and values one after the other in one buffer.
struct Rows {
    name: &'static str,
    bytes: Vec<u8>,
    /// (key start, key end, value end) per row.
    spans: Vec<(usize, usize, usize)>,
}

fn read(path: &str) -> anyhow::Result<Vec<Rows>> {
    let db = Database::open(path)?;
    let r = db.begin_read()?;
    let mut all = Vec::new();
    for name in TABLES {
        let def: TableDefinition<&str, &[u8]> = TableDefinition::new(name);
        let table = r.open_table(def)?;
        let mut rows = Rows {
            name,
            bytes: Vec::new(),
            spans: Vec::new(),
        };
        for row in table.iter()? {
            let (k, v) = row?;
            let start = rows.bytes.len();
            rows.bytes.extend_from_slice(k.value().as_bytes());
            let key_end = rows.bytes.len();
            rows.bytes.extend_from_slice(v.value());
            rows.spans.push((start, key_end, rows.bytes.len()));
        }
        all.push(rows);
    }
    Ok(all)
}

fn write(path: &str, all: &[Rows]) -> anyhow::Result<usize> {
    let db = Database::create(path)?;
    let w = db.begin_write()?;
    let mut written = 0;
    for rows in all {
        let def: TableDefinition<&str, &[u8]> = TableDefinition::new(rows.name);
        let mut table = w.open_table(def)?;
        let Some(&(start, key_end, _)) = rows.spans.first() else {
            continue;
        };
        let first = std::str::from_utf8(&rows.bytes[start..key_end])?;
        let mut cursor = table.lower_bound_mut(Bound::Included(first))?;
        for &(start, key_end, end) in &rows.spans {
            let key = std::str::from_utf8(&rows.bytes[start..key_end])?;
            cursor
                .insert_before(key, &rows.bytes[key_end..end])
                .map_err(|e| anyhow::anyhow!("{}: {e}", rows.name))?;
            written += 1;
        }
        cursor.close()?;
    }
    w.commit()?;
    Ok(written)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(from), Some(to)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: redb_floor DATA_FILE NEW_FILE");
    };
    let all = read(&from)?;
    let _ = std::fs::remove_file(&to);
    let t0 = Instant::now();
    let written = write(&to, &all)?;
    println!("{:.3} {written}", t0.elapsed().as_secs_f64());
    for rows in &all {
        eprintln!(
            "{}\t{} rows\t{} bytes",
            rows.name,
            rows.spans.len(),
            rows.bytes.len()
        );
    }
    Ok(())
}
