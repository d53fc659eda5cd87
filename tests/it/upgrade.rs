//! Upgrades (issue #11, item 6) against data files kept in `tests/fixtures/`: one made by
//! release 0.1.0 (data format 2, with its key file) and one of data format 1 (before the
//! audit counters). Today's code opens each, finds it consistent, and serves its member the
//! totals it had; the format-1 file is backed up beside itself and migrated; a file from a
//! newer kenpo is refused and left as it was. Every later release runs these tests against
//! the same files, so a change of a record type cannot break a union's data unnoticed.
//!
//! The fixture is written again only on demand (`bash scripts/make-fixture`), by the test
//! [`the_release_fixture_is_made_by_this_test`].

use std::path::{Path, PathBuf};

use kenpo::jobs::Job;
use kenpo::jobs::verify::verify_file;
use kenpo::store::migrate::{Migration, Schema};
use kenpo::store::{SCHEMA_VERSION, Store, seal};

use crate::app::{remote, spawn_app};
use crate::claims::{CLAIMS_UTF8, import, register_yamada};
use crate::restore::{log_in, serve_existing, totals, verify_with_binary};

const FIXTURE: &str = "tests/fixtures/kenpo-0.1.0.redb";
/// The data format release 0.1.0 wrote (before compact claims, format 3).
const FIXTURE_SCHEMA: u64 = 2;
/// Made by kenpo before the audit counters (data format 1), with no key file.
const FORMAT_1: &str = "tests/fixtures/kenpo-schema1.redb";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// Where the fixture maker writes: `KENPO_FIXTURE_NAME` (a file name in `tests/fixtures/`,
/// e.g. `kenpo-schema4.redb` for a data format's last file) or the release fixture.
fn fixture_to_write() -> PathBuf {
    match std::env::var("KENPO_FIXTURE_NAME") {
        Ok(name) if !name.is_empty() && !name.contains('/') => {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name)
        }
        _ => fixture(),
    }
}

/// A copy of a fixture (and its key file, if it has one) in a new temporary folder: the
/// committed files are never opened for writing.
pub fn copy_of(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kenpo.redb");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    std::fs::copy(&from, &path).expect("copy the fixture");
    let key = seal::key_path(&from);
    if key.exists() {
        std::fs::copy(&key, seal::key_path(&path)).expect("copy the key file");
    }
    (dir, path)
}

fn copy_of_fixture() -> (tempfile::TempDir, PathBuf) {
    copy_of(FIXTURE)
}

/// Makes the fixture's data: the test union with its six members, 山田 太郎's household
/// registered (Yamada.Taro / sakura2026go), postcards issued to the others, a staff
/// 管理者, and the sample claim file imported and published (audit rows, a welcome mail
/// and a notification mail in the outbox). It is written into `tests/fixtures/` only with
/// `KENPO_WRITE_FIXTURE=1` (`scripts/make-fixture`); otherwise the made file is verified
/// and dropped, so the maker keeps working for the next release's fixture.
#[tokio::test]
async fn the_release_fixture_is_made_by_this_test() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(
            &data,
            Job::StaffAdd {
                login: "admin".into(),
                password: "a-long-staff-passphrase".into(),
            },
            None,
        )
    })
    .await
    .expect("join");
    let data = app.data.clone();
    let io = tokio::task::spawn_blocking(move || remote(&data, Job::Backup, None))
        .await
        .expect("join");
    let made = app.dir.path().join("fixture.redb");
    std::fs::write(&made, io.output.expect("a backup")).expect("write");
    let report = verify_file(&made).expect("verify");
    assert!(report.is_consistent(), "{:?}", report.problems);
    if std::env::var_os("KENPO_WRITE_FIXTURE").is_some_and(|v| v == "1") {
        let target = fixture_to_write();
        let _ = std::fs::remove_file(&target);
        let _ = std::fs::remove_file(seal::key_path(&target));
        std::fs::create_dir_all(target.parent().expect("folder")).expect("folder");
        std::fs::copy(&made, &target).expect("write the fixture");
        std::fs::copy(seal::key_path(&app.data), seal::key_path(&target)).expect("the key file");
    }
}

#[tokio::test]
async fn the_release_fixture_opens_verifies_and_serves_its_member() {
    let report = verify_file(&fixture()).expect("verify the fixture");
    assert!(report.is_consistent(), "{:?}", report.problems);
    assert_eq!(report.schema, Some(FIXTURE_SCHEMA));
    for (table, rows) in [
        ("people", 6),
        ("accounts", 1),
        ("claims", 6),
        ("batches", 1),
    ] {
        assert_eq!(report.rows(table), Some(rows), "{table}");
    }
    assert!(report.rows("outbox").is_some_and(|n| n >= 2));
    assert!(report.rows("audit").is_some_and(|n| n > 0));

    let (dir, path) = copy_of_fixture();
    drop(kenpo::jobs::schema::open_store(&path).expect("today's kenpo opens the 0.1.0 file"));
    let (ok, printed) = verify_with_binary(&path);
    assert!(ok, "{printed}");
    let app = serve_existing(path, dir).await;
    log_in(&app).await;
    assert_eq!(
        totals(&app, 2025).await,
        ["4件", "33,680円", "9,492円", "0円"]
    );
    crate::faults::report("upgrade_fixture_served", 1);
}

/// Today's steps and one more that only proves it ran: a kenpo one format ahead.
const NEXT: &[Migration] = &[
    Migration {
        from: 1,
        describe: "count the audit log by day and action",
        run: kenpo::audit::backfill_counts,
    },
    Migration {
        from: 2,
        describe: "store claims in their compact form and index them by month",
        run: kenpo::claims::migrate::claims_to_compact,
    },
    Migration {
        from: 3,
        describe: "sum the claims per household, month and person",
        run: kenpo::claims::totals::build,
    },
    Migration {
        from: 4,
        describe: "add the benefit decision tables",
        run: kenpo::benefits::migrate::add_tables,
    },
    Migration {
        from: 5,
        describe: "add the passkey tables",
        run: kenpo::auth::passkey::add_tables,
    },
    Migration {
        from: SCHEMA_VERSION,
        describe: "test step: record the terms of use again",
        run: |w| {
            let terms = w.scan::<kenpo::terms::TermsVersion>("")?;
            for (key, version) in terms {
                w.put(&key, &version)?;
            }
            Ok(())
        },
    },
];

fn next() -> Schema<'static> {
    Schema {
        version: SCHEMA_VERSION + 1,
        migrations: NEXT,
    }
}

#[test]
fn a_file_from_a_newer_kenpo_is_refused_and_left_as_it_was() {
    let (dir, path) = copy_of_fixture();
    drop(Store::open_with(&path, &next()).expect("make it a file of the next format"));
    let before = std::fs::read(&path).expect("read");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .arg("--data")
        .arg(&path)
        .arg("backup")
        .arg(dir.path().join("copy.redb"))
        .output()
        .expect("run kenpo");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("written by a newer kenpo"), "{said}");
    assert!(said.contains("Nothing was changed"), "{said}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "the file is untouched"
    );
    crate::faults::report("upgrade_newer_refused", 1);
}

#[test]
fn a_file_from_an_older_kenpo_is_backed_up_and_migrated() {
    let (dir, path) = copy_of_fixture();
    let original = std::fs::read(&path).expect("read");
    drop(Store::open_with(&path, &next()).expect("upgrade to the next format"));
    let backup = dir.path().join(format!("kenpo.redb.v{FIXTURE_SCHEMA}.bak"));
    let before = verify_file(&backup).expect("verify the backup");
    assert!(before.is_consistent(), "{:?}", before.problems);
    assert_eq!(before.schema, Some(FIXTURE_SCHEMA));
    let fixture = verify_file(&fixture()).expect("verify the fixture");
    assert_eq!(
        before
            .tables
            .iter()
            .map(|t| (&t.name, t.rows))
            .collect::<Vec<_>>(),
        fixture
            .tables
            .iter()
            .map(|t| (&t.name, t.rows))
            .collect::<Vec<_>>(),
        "the backup holds what the file held"
    );
    assert_ne!(std::fs::read(&path).expect("read"), original);
    let after = kenpo::store::verify::ReadOnlyStore::open(&path).expect("open");
    assert_eq!(
        after.schema_version().expect("version"),
        Some(SCHEMA_VERSION + 1)
    );
}

#[tokio::test]
async fn a_format_1_file_is_backed_up_migrated_and_serves_its_member() {
    let (dir, path) = copy_of(FORMAT_1);
    drop(kenpo::jobs::schema::open_store(&path).expect("today's kenpo upgrades the format-1 file"));
    let backup = verify_file(&dir.path().join("kenpo.redb.v1.bak")).expect("the backup");
    assert_eq!(backup.schema, Some(1));
    assert!(backup.is_consistent(), "{:?}", backup.problems);
    assert_eq!(backup.rows("audit_days"), None, "format 1 had no counters");
    let report = verify_file(&path).expect("verify the upgraded file");
    assert!(report.is_consistent(), "{:?}", report.problems);
    assert_eq!(report.schema, Some(SCHEMA_VERSION));
    assert!(
        report.rows("audit_days").is_some_and(|n| n > 0),
        "the log is counted"
    );
    let app = serve_existing(path, dir).await;
    log_in(&app).await;
    assert_eq!(
        totals(&app, 2025).await,
        ["4件", "33,680円", "9,492円", "0円"]
    );
    crate::faults::report("upgrade_older_migrated", 1);
}
