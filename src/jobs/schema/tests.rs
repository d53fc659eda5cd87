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

/// Claims stored before their sums existed (schema 2): the upgrade sums them once, and the
/// sums equal those the import itself keeps.
#[test]
fn claims_from_before_their_sums_are_summed_when_the_file_opens() {
    use crate::claims::totals::ClaimTotals;
    use crate::claims::{BatchWriter, publish};
    use crate::domain::claim::{Claim, ClaimKind, YearMonth};
    use crate::domain::member::HouseholdKey;
    use crate::domain::yen::Yen;

    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("k.redb");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("time");
    let household = HouseholdKey::new("1201", "7").expect("household");
    let sums = {
        let store = open_store(&path).expect("open");
        store
            .write_blocking(|w| {
                let mut batch = BatchWriter::start(w, now, "cli", true)?;
                for i in 0..40u32 {
                    let yen = |n: u32| Yen::parse(&n.to_string());
                    batch.put(
                        w,
                        Claim {
                            receipt_number: format!("R{i}"),
                            household: household.clone(),
                            branch: format!("0{}", i % 3),
                            month: YearMonth::new(2025, 1 + i % 12).expect("month"),
                            kind: ClaimKind::Dental,
                            provider: "試験歯科".into(),
                            days: 1 + i % 4,
                            total_cost: yen(1000 + i * 17)?,
                            self_pay: yen(300 + i)?,
                            benefit: yen(i)?,
                        },
                    )?;
                }
                let batch = batch.finish(w)?;
                publish(w, &batch.id, now, "cli")?;
                Ok::<_, anyhow::Error>(())
            })
            .expect("claims");
        let sums = store
            .read_blocking(|r| r.scan::<ClaimTotals>(""))
            .expect("sums");
        assert!(!sums.is_empty());
        // As a kenpo of schema 2 left the file: claims, no sums.
        store
            .write_blocking(|w| {
                w.delete_prefix::<ClaimTotals>("")?;
                w.put(SCHEMA_KEY, &SchemaVersion(2))
            })
            .expect("legacy file");
        sums
    };
    let store = open_store(&path).expect("reopen");
    let after = store
        .read_blocking(|r| r.scan::<ClaimTotals>(""))
        .expect("sums");
    assert_eq!(after, sums);
    assert!(dir.path().join("k.redb.v2.bak").exists());
}
