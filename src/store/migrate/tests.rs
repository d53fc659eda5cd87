use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use super::*;

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug)]
struct Marker(String);

impl Record for Marker {
    const TABLE: &'static str = "meta";
}

fn version_of(path: &Path) -> Option<u64> {
    let db = redb::ReadOnlyDatabase::open(path).expect("open read-only");
    stored_version(&db).expect("read version")
}

fn marker(store: &Store) -> Option<Marker> {
    store
        .read_blocking(|r| r.get::<Marker>("marker"))
        .expect("read marker")
}

/// A data file of schema 1 holding one record.
fn schema_one_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("kenpo.redb");
    let store = Store::open_with(
        &path,
        &Schema {
            version: 1,
            migrations: &[],
        },
    )
    .expect("create");
    store
        .write_blocking(|w| w.put("marker", &Marker("before".into())))
        .expect("write");
    path
}

const TO_TWO: &[Migration] = &[Migration {
    from: 1,
    describe: "rewrite the marker",
    run: |w| w.put("marker", &Marker("after".into())),
}];

const FAILING: &[Migration] = &[Migration {
    from: 1,
    describe: "fails halfway",
    run: |w| {
        w.put("marker", &Marker("half".into()))?;
        anyhow::bail!("step failed")
    },
}];

#[test]
fn a_new_file_records_this_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kenpo.redb");
    drop(Store::open(&path).expect("open"));
    assert_eq!(version_of(&path), Some(SCHEMA_VERSION));
}

#[test]
fn a_newer_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let path = schema_one_file(dir.path());
    let before = std::fs::read(&path).expect("read");
    let refused = Store::open_with(
        &path,
        &Schema {
            version: 0,
            migrations: &[],
        },
    );
    let Err(OpenError::TooNew { found, known, .. }) = refused else {
        panic!("a newer file was not refused");
    };
    assert_eq!((found, known), (1, 0));
    let message = OpenError::TooNew {
        path: path.clone(),
        found,
        known,
    }
    .to_string();
    assert!(message.contains("newer kenpo"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn an_older_file_is_backed_up_then_migrated_in_one_step() {
    let dir = tempfile::tempdir().expect("dir");
    let path = schema_one_file(dir.path());
    let store = Store::open_with(
        &path,
        &Schema {
            version: 2,
            migrations: TO_TWO,
        },
    )
    .expect("upgrade");
    assert_eq!(marker(&store), Some(Marker("after".into())));
    drop(store);
    assert_eq!(version_of(&path), Some(2));

    let backup = dir.path().join("kenpo.redb.v1.bak");
    let mode = std::fs::metadata(&backup)
        .expect("backup exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the backup is owner-only");
    assert_eq!(version_of(&backup), Some(1));
    // (Restoring it means copying it back over the data file, beside its key file.)
    let old = crate::store::verify::ReadOnlyStore::open(&backup).expect("open backup");
    let kept = old
        .read(|r| r.get::<Marker>("marker"))
        .expect("read marker");
    assert_eq!(kept, Some(Marker("before".into())));
}

#[test]
fn a_failed_step_changes_nothing_and_keeps_the_backup() {
    let dir = tempfile::tempdir().expect("dir");
    let path = schema_one_file(dir.path());
    let failed = Store::open_with(
        &path,
        &Schema {
            version: 2,
            migrations: FAILING,
        },
    );
    let Err(error) = failed else {
        panic!("a failing migration was accepted");
    };
    assert!(error.to_string().contains("was not changed"), "{error}");
    assert_eq!(version_of(&path), Some(1));
    let store = Store::open_with(
        &path,
        &Schema {
            version: 1,
            migrations: &[],
        },
    )
    .expect("reopen");
    assert_eq!(marker(&store), Some(Marker("before".into())));
    drop(store);
    assert!(dir.path().join("kenpo.redb.v1.bak").exists());
    // A second try keeps the first backup and writes another.
    let again = Store::open_with(
        &path,
        &Schema {
            version: 2,
            migrations: TO_TWO,
        },
    );
    assert!(again.is_ok());
    assert!(dir.path().join("kenpo.redb.v1.2.bak").exists());
}

#[test]
fn a_missing_step_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let path = schema_one_file(dir.path());
    let refused = Store::open_with(
        &path,
        &Schema {
            version: 3,
            migrations: TO_TWO,
        },
    );
    let Err(error) = refused else {
        panic!("an upgrade without its steps was accepted");
    };
    assert!(
        error.to_string().contains("no step from schema 2"),
        "{error}"
    );
    assert_eq!(version_of(&path), Some(1));
    assert!(!dir.path().join("kenpo.redb.v1.bak").exists());
}
