//! Held-back writes: what lands in the table, which repeats are told, and that the leaves
//! they fill are full.

use redb::{ReadableDatabase as _, ReadableTableMetadata as _};

use super::super::{Store, WriteTx as _, table};
use super::*;

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug, Clone)]
struct Note(String);

/// A table no test of this module shares with real records.
const TABLE: &str = "sequences";

impl crate::store::Record for Note {
    const TABLE: &'static str = TABLE;
}

fn note(text: &str) -> Note {
    Note(text.to_string())
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    (dir, store)
}

fn all(store: &Store) -> Vec<(String, Note)> {
    store.read_blocking(|r| r.scan::<Note>("n")).expect("scan")
}

/// Writes `puts` (key, text, label) through a deferred table; returns the repeats told
/// before the tables close.
fn write(store: &Store, mode: Deferral, puts: &[(&str, &str, u64)]) -> Vec<Repeat> {
    store
        .write_blocking(|w| {
            w.with_tables(&[TABLE], |t| {
                t.defer(TABLE, mode)?;
                for (key, text, label) in puts {
                    t.label(*label);
                    t.put(key, &note(text))?;
                }
                Ok::<_, anyhow::Error>(t.repeats(TABLE))
            })
        })
        .expect("write")
}

#[test]
fn held_back_writes_land_in_key_order_among_the_stored_ones() {
    let (_dir, store) = open();
    write(
        &store,
        Deferral::Rows,
        &[("n2", "old 2", 0), ("n4", "old 4", 0), ("n6", "same", 0)],
    );
    let repeats = write(
        &store,
        Deferral::Rows,
        &[
            ("n5", "new 5", 1),
            ("n1", "new 1", 2),
            ("n4", "new 4", 3),
            ("n6", "same", 4),
            ("n3", "new 3", 5),
            ("n9", "new 9", 6),
        ],
    );
    assert!(repeats.is_empty(), "{repeats:?}");
    let texts: Vec<(String, String)> = all(&store).into_iter().map(|(k, n)| (k, n.0)).collect();
    let expected = [
        ("n1", "new 1"),
        ("n2", "old 2"),
        ("n3", "new 3"),
        ("n4", "new 4"),
        ("n5", "new 5"),
        ("n6", "same"),
        ("n9", "new 9"),
    ];
    assert_eq!(texts, expected.map(|(k, t)| (k.to_string(), t.to_string())));
}

#[test]
fn reads_see_the_table_without_the_held_back_writes() {
    let (_dir, store) = open();
    write(&store, Deferral::Rows, &[("n1", "stored", 0)]);
    let seen = store
        .write_blocking(|w| {
            w.with_tables(&[TABLE], |t| {
                t.defer(TABLE, Deferral::Rows)?;
                t.put("n1", &note("held"))?;
                t.put("n2", &note("held"))?;
                let seen = (t.get::<Note>("n1")?, t.get::<Note>("n2")?);
                Ok::<_, anyhow::Error>(seen)
            })
        })
        .expect("write");
    assert_eq!(seen, (Some(note("stored")), None));
    let texts: Vec<String> = all(&store).into_iter().map(|(_, n)| n.0).collect();
    assert_eq!(texts, ["held", "held"], "applied when the tables closed");
}

#[test]
fn a_key_written_twice_is_told_by_the_label_of_its_second_write_and_the_last_wins() {
    let (_dir, store) = open();
    let repeats = write(
        &store,
        Deferral::Labelled,
        &[
            ("n7", "a", 10),
            ("n3", "b", 11),
            ("n7", "c", 12),
            ("n7", "d", 13),
            ("n5", "e", 14),
        ],
    );
    assert_eq!(
        repeats,
        [Repeat {
            key: "n7".into(),
            label: 12
        }]
    );
    let texts: Vec<(String, String)> = all(&store).into_iter().map(|(k, n)| (k, n.0)).collect();
    assert_eq!(
        texts,
        [("n3", "b"), ("n5", "e"), ("n7", "d")].map(|(k, t)| (k.to_string(), t.to_string()))
    );
}

#[test]
fn marks_are_merged_as_they_pile_up_and_each_is_stored_once() {
    let mut held = Deferred::new(TABLE, Deferral::Marks);
    let keys: Vec<String> = (0..300).map(|i| format!("n{i:03}")).collect();
    for round in 0..(MERGE_MARKS_FROM / 100) {
        for key in &keys {
            held.push(key, b"1", round as u64).expect("push");
        }
    }
    assert!(
        held.len() < 2 * MERGE_MARKS_FROM,
        "{} marks held",
        held.len()
    );
    held.sort_and_merge();
    assert_eq!(held.len(), keys.len());
}

#[test]
fn writes_held_back_fill_their_leaves() {
    let (dir, store) = open();
    // Keys in an order far from their sorted one, as a claim file's rows come.
    let keys: Vec<String> = (0..20_000u64)
        .map(|i| format!("n{:08}", i.wrapping_mul(7_919) % 20_000))
        .collect();
    let puts: Vec<(&str, &str, u64)> = keys
        .iter()
        .map(|k| (k.as_str(), "a claim's worth of bytes", 0))
        .collect();
    write(&store, Deferral::Rows, &puts);
    drop(store);
    let db = redb::Database::open(dir.path().join("k.redb")).expect("open");
    let r = db.begin_read().expect("read");
    let t = r.open_table(table(TABLE)).expect("table");
    let stats = t.stats().expect("stats");
    assert_eq!(t.len().expect("len"), 20_000);
    assert!(
        stats.fragmented_bytes() * 10 < stats.stored_bytes(),
        "{} bytes left free in leaves holding {}",
        stats.fragmented_bytes(),
        stats.stored_bytes()
    );
}
