//! Bytes per table of a data file, for the storage figures of BENCHMARKS.md:
//! `cargo run --release --example table_stats -- kenpo.redb`. Reads only table metadata
//! (no record is decoded or printed).

use redb::{Database, ReadableDatabase as _, ReadableTableMetadata as _, TableHandle as _};

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: table_stats FILE"))?;
    let db = Database::open(&path)?;
    let r = db.begin_read()?;
    println!("table\trows\tstored\tmetadata\tfragmented\tleaf pages\tbranch pages");
    for handle in r.list_tables()? {
        let def: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new(handle.name());
        let t = r.open_table(def)?;
        let s = t.stats()?;
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            handle.name(),
            t.len()?,
            s.stored_bytes(),
            s.metadata_bytes(),
            s.fragmented_bytes(),
            s.leaf_pages(),
            s.branch_pages()
        );
    }
    Ok(())
}
