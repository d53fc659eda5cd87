//! Opening a data file of another schema.

use super::Store;
use super::migrate::{SCHEMA_KEY, SchemaVersion};

#[test]
fn a_file_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("k.redb");
    let store = Store::open(&path).expect("open");
    store
        .write_blocking(|w| w.put(SCHEMA_KEY, &SchemaVersion(super::SCHEMA_VERSION + 1)))
        .expect("newer");
    drop(store);
    assert!(matches!(
        Store::open(&path),
        Err(super::OpenError::TooNew { .. })
    ));
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug)]
struct Note(String);

impl super::Record for Note {
    const TABLE: &'static str = "sequences";
}

/// After a local import the command line compacts the file: what was freed goes, every
/// record stays.
#[test]
fn compacting_cuts_the_free_pages_and_keeps_every_record() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("k.redb");
    let store = Store::open(&path).expect("open");
    let key = |i: u32| format!("n{i:06}");
    store
        .write_blocking(|w| {
            for i in 0..20_000 {
                w.put(&key(i), &Note("a record of some forty bytes or so".into()))?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("write");
    store
        .write_blocking(|w| w.delete_prefix::<Note>("n01"))
        .expect("delete");
    // Two more commits, so that the freed pages are free in the file.
    for _ in 0..2 {
        store
            .write_blocking(|w| w.put("x", &Note("x".into())))
            .expect("commit");
    }
    let before = std::fs::metadata(&path).expect("stat").len();
    assert!(store.compact_and_close().expect("compact"));
    let after = std::fs::metadata(&path).expect("stat").len();
    assert!(after * 3 < before * 2, "{before} -> {after} bytes");
    let store = Store::open(&path).expect("open again");
    let kept = store.read_blocking(|r| r.scan::<Note>("n")).expect("scan");
    assert_eq!(kept.len(), 10_000);
    assert_eq!(kept.last().map(|(k, _)| k.as_str()), Some("n009999"));
}

/// A handle still shared (a server's readers) is never compacted.
#[test]
fn a_shared_handle_is_not_compacted() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let other = store.clone();
    assert!(!store.compact_and_close().expect("compact"));
    assert!(other.read_blocking(|r| r.count::<Note>()).is_ok());
}
