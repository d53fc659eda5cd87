//! Opening a data file written by an older kenpo.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::{SchemaVersion, Store};
use crate::audit::{AuditCount, AuditDay, AuditEntry, per_day};

/// An audit log as kenpo wrote it before the day counters (schema 1): rows under sequence
/// keys only.
#[test]
fn an_audit_log_from_before_the_counters_is_counted_when_the_file_opens() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("k.redb");
    let at = |d: u32| {
        Utc.with_ymd_and_hms(2026, 11, d, 3, 0, 0)
            .single()
            .expect("time")
    };
    {
        let store = Store::open(&path).expect("open");
        store
            .write_blocking(|w| {
                for (d, action) in [(1, "login.succeeded"), (1, "login.succeeded"), (2, "x")] {
                    let id = w.next_id("audit")?;
                    w.put(&id, &AuditEntry::new(at(d), "member:a", action))?;
                }
                w.delete_prefix::<AuditDay>("")?;
                w.delete_prefix::<AuditCount>("")?;
                w.put("schema_version", &SchemaVersion(1))
            })
            .expect("legacy rows");
    }
    let store = Store::open(&path).expect("reopen");
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let (logins, first_day) = store
        .read_blocking(|r| {
            let logins = per_day(r, "login.succeeded", &[day(1), day(2)])?;
            Ok::<_, anyhow::Error>((logins, r.get::<AuditDay>("2026-11-01")?))
        })
        .expect("read");
    assert_eq!(logins, [2, 0]);
    let first_day = first_day.expect("the day's counter");
    assert_eq!(first_day.rows, 2);
    assert_eq!(
        (first_day.first.as_str(), first_day.last.as_str()),
        ("00000000000000000001", "00000000000000000002")
    );
}

#[test]
fn a_file_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("k.redb");
    let store = Store::open(&path).expect("open");
    store
        .write_blocking(|w| w.put("schema_version", &SchemaVersion(super::SCHEMA_VERSION + 1)))
        .expect("newer");
    drop(store);
    assert!(matches!(
        Store::open(&path),
        Err(super::OpenError::TooNew { .. })
    ));
}
