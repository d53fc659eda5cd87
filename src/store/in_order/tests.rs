//! Test code only (`#[cfg(test)]` in `store/in_order.rs`): an `expect` here fails the test.
//!
//! The cursor walk of [`super::update`] leaves a table exactly as a lookup and a write per
//! key would, whatever
//! the stored keys and the changes: keys stored or not, changed, kept or deleted, gaps
//! shorter and longer than a cursor steps over.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::store::{Record, Store, WriteTx as _};

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug, Clone)]
struct Note(String);

impl Record for Note {
    const TABLE: &'static str = "sequences";
}

/// `None` deletes the key; `Some(s)` appends `s` to what the key holds.
type Change = Option<String>;

fn change(stored: Option<Note>, c: Change) -> anyhow::Result<Option<Note>> {
    Ok(c.map(|s| Note(format!("{}{s}", stored.map(|n| n.0).unwrap_or_default()))))
}

fn key(i: u16) -> String {
    format!("k{i:05}")
}

/// A store holding `stored`, its table changed by `changes`, through open tables (the
/// cursor) or by a lookup and a write per key; what the table holds then.
fn run(stored: &[u16], changes: &BTreeMap<u16, Change>, cursor: bool) -> Vec<(String, Note)> {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    store
        .write_blocking(|w| {
            for i in stored {
                w.put(&key(*i), &Note(format!("v{i}")))?;
            }
            let changes = changes.iter().map(|(i, c)| (key(*i), c.clone()));
            if cursor {
                w.with_tables(&[Note::TABLE], |t| t.update_in_order(changes, change))
            } else {
                // The reference: a lookup and a write per key.
                for (k, c) in changes {
                    match change(w.get::<Note>(&k)?, c)? {
                        Some(note) => w.put(&k, &note)?,
                        None => {
                            w.delete::<Note>(&k)?;
                        }
                    }
                }
                Ok(())
            }
        })
        .expect("write");
    store.read_blocking(|r| r.scan::<Note>("k")).expect("scan")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_cursor_leaves_the_table_as_a_lookup_and_a_write_per_key_would(
        stored in proptest::collection::btree_set(0u16..600, 0..400),
        changes in proptest::collection::btree_map(
            0u16..600, proptest::option::of("[a-c]{0,3}"), 0..200),
    ) {
        let stored: Vec<u16> = stored.into_iter().collect();
        let by_cursor = run(&stored, &changes, true);
        let one_by_one = run(&stored, &changes, false);
        prop_assert_eq!(by_cursor, one_by_one);
    }
}

#[test]
fn changes_out_of_key_order_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    store
        .write_blocking(|w| w.put(&key(1), &Note("v1".into())))
        .expect("write");
    let changes = [(key(2), Some("x".to_string())), (key(1), None)];
    let refused = store
        .write_blocking(|w| w.with_tables(&[Note::TABLE], |t| t.update_in_order(changes, change)));
    assert!(refused.is_err());
    let kept = store.read_blocking(|r| r.scan::<Note>("k")).expect("scan");
    assert_eq!(kept, vec![(key(1), Note("v1".into()))]);
}

/// Every stored key between two changes is stepped over, far more than the cursor steps
/// before it seeks instead.
#[test]
fn long_runs_of_stored_keys_between_changes_are_kept() {
    let stored: Vec<u16> = (0..2_000).collect();
    let changes: BTreeMap<u16, Change> = [
        (5, Some("a".into())),
        (1_500, None),
        (1_999, Some("z".into())),
    ]
    .into_iter()
    .collect();
    let after = run(&stored, &changes, true);
    assert_eq!(after.len(), 1_999);
    assert_eq!(after[5], (key(5), Note("v5a".into())));
    assert_eq!(after.last(), Some(&(key(1_999), Note("v1999z".into()))));
    assert_eq!(after, run(&stored, &changes, false));
}
