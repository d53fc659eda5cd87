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
