//! Opening a data file written by an older kenpo.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::open_store;
use crate::audit::{Action, AuditCount, AuditDay, AuditEntry, per_day};
use crate::store::Store;
use crate::store::migrate::{SCHEMA_KEY, SchemaVersion};

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
                for (d, action) in [
                    (1, Action::LoginSucceeded),
                    (1, Action::LoginSucceeded),
                    (2, Action::Logout),
                ] {
                    let id = w.next_id("audit")?;
                    w.put(&id, &AuditEntry::new(at(d), "member:a", action))?;
                }
                w.delete_prefix::<AuditDay>("")?;
                w.delete_prefix::<AuditCount>("")?;
                w.put(SCHEMA_KEY, &SchemaVersion(1))
            })
            .expect("legacy rows");
    }
    assert!(
        Store::open(&path).is_err(),
        "the store alone does not upgrade an older file"
    );
    let store = open_store(&path).expect("reopen");
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let (logins, first_day) = store
        .read_blocking(|r| {
            let logins = per_day(r, Action::LoginSucceeded, &[day(1), day(2)])?;
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
