//! The audit log's pages, counters and throttled rows, on a real data file.

use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};

use super::query::{Cursor, Limits, Page, Query, read};
use super::{AuditEntry, per_day};
use crate::audit::Action;
use crate::clock::JST;
use crate::store::Store;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    (dir, store)
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    JST.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("date")
}

fn put(store: &Store, entries: Vec<AuditEntry>) {
    store
        .write_blocking(|w| entries.into_iter().try_for_each(|e| e.record(w)))
        .expect("put");
}

fn row(at: DateTime<Utc>, n: usize) -> AuditEntry {
    AuditEntry::new(at, "staff:admin", Action::SettingsChanged).detail(format!("{n}"))
}

fn details(page: &Page) -> Vec<String> {
    page.rows.iter().filter_map(|e| e.detail.clone()).collect()
}

const PAGE: Limits = Limits {
    rows: 3,
    budget: 100,
};

/// Reads a page and how many audit rows that decoded.
fn page(store: &Store, q: &Query, cursor: Cursor, limits: Limits) -> (Page, u64) {
    store
        .read_blocking(|r| {
            let p = read(r, q, &cursor, limits)?;
            Ok::<_, anyhow::Error>((p, r.decoded::<AuditEntry>()))
        })
        .expect("page")
}

#[test]
fn a_date_filter_reads_only_the_rows_of_its_days() {
    let (_dir, store) = store();
    put(&store, (0..50).map(|n| row(at(1, 12), n)).collect());
    put(&store, (50..55).map(|n| row(at(2, 23), n)).collect());
    put(&store, (55..100).map(|n| row(at(3, 0), n)).collect());
    let q = Query {
        from: Some(date(2)),
        to: Some(date(2)),
        ..Default::default()
    };
    let (first, decoded) = page(&store, &q, Cursor::Newest, PAGE);
    assert_eq!(details(&first), ["54", "53", "52"]);
    assert_eq!(first.total, Some(5), "counted by the day counters");
    assert_eq!(decoded, 4, "the page and one more");
    let older = first.older.clone().expect("a next page");
    let (second, decoded) = page(&store, &q, Cursor::Older(older), PAGE);
    assert_eq!(details(&second), ["51", "50"]);
    assert_eq!(second.older, None, "the day's first row ends the range");
    assert_eq!(decoded, 2);
    // Back to the newer page: the same rows as the first.
    let newer = second.newer.clone().expect("a previous page");
    let (back, _) = page(&store, &q, Cursor::Newer(newer), PAGE);
    assert_eq!(details(&back), details(&first));
    assert!(back.newest);
}

#[test]
fn a_household_filter_reads_only_that_households_rows() {
    let (_dir, store) = store();
    let mut rows: Vec<AuditEntry> = (0..500).map(|n| row(at(1, 12), n)).collect();
    rows.insert(100, row(at(1, 12), 1000).target("1201-105"));
    rows.insert(400, row(at(1, 12), 1001).target("1201-105"));
    put(&store, rows);
    let q = Query {
        target: Some("1201-105".into()),
        ..Default::default()
    };
    let (p, decoded) = page(&store, &q, Cursor::Newest, PAGE);
    assert_eq!(details(&p), ["1001", "1000"]);
    assert_eq!(decoded, 2);
    assert_eq!((p.total, p.older), (None, None));
}

#[test]
fn a_rare_text_match_reads_a_budget_of_rows_and_goes_on_from_there() {
    let (_dir, store) = store();
    let mut rows: Vec<AuditEntry> = (0..250).map(|n| row(at(1, 12), n)).collect();
    rows.insert(
        10,
        AuditEntry::new(at(1, 12), "staff:tanaka", Action::SettingsChanged).detail("old"),
    );
    put(&store, rows);
    let q = Query {
        actor: "TANAKA".into(),
        ..Default::default()
    };
    let (p, decoded) = page(&store, &q, Cursor::Newest, PAGE);
    assert!(p.rows.is_empty() && p.cut_short);
    assert_eq!(decoded, 100, "stopped at the budget");
    let (mut cursor, mut found) = (p.older, Vec::new());
    while let Some(key) = cursor {
        let (next, decoded) = page(&store, &q, Cursor::Older(key), PAGE);
        assert!(decoded <= 100);
        found.extend(details(&next));
        cursor = next.older;
    }
    assert_eq!(found, ["old"]);
}

#[test]
fn a_flood_of_throttled_attempts_is_one_row_per_address_action_and_minute() {
    let (_dir, store) = store();
    let attempt = |at: DateTime<Utc>, client: &str, actor: &str| {
        AuditEntry::new(at, actor, Action::LoginFailed)
            .client(Some(client.to_string()))
            .detail("throttled")
    };
    let t = at(2, 10);
    let mut flood: Vec<AuditEntry> = (0..40)
        .map(|s| attempt(t + Duration::seconds(s), "192.0.2.1", "member:?"))
        .collect();
    flood.push(attempt(t, "192.0.2.1", "member:yamada"));
    flood.push(attempt(t, "192.0.2.2", "member:?"));
    flood.push(attempt(t + Duration::minutes(1), "192.0.2.1", "member:?"));
    // Rotating through one /64 is one flood too.
    flood.push(attempt(t, "2001:db8:1:2::1", "member:?"));
    flood.push(attempt(t, "2001:db8:1:2::99", "member:?"));
    store
        .write_blocking(|w| flood.into_iter().try_for_each(|e| e.record_throttled(w)))
        .expect("record");
    let rows: Vec<(String, Option<u64>, Option<String>)> = store
        .read_blocking(|r| r.scan::<AuditEntry>(""))
        .expect("rows")
        .into_iter()
        .map(|(_, e)| (e.client.unwrap_or_default(), e.count, e.detail))
        .collect();
    let several = Some("throttled; several accounts".to_string());
    let once = Some("throttled".to_string());
    assert_eq!(
        rows,
        [
            ("192.0.2.1".to_string(), Some(41), several),
            ("192.0.2.2".to_string(), Some(1), once.clone()),
            ("192.0.2.1".to_string(), Some(1), once.clone()),
            ("2001:db8:1:2::/64".to_string(), Some(2), once),
        ]
    );
    // The daily job forgets the slots of past minutes.
    let forgotten = store
        .write_blocking(|w| super::throttled::forget_before(w, t + Duration::minutes(1), 100))
        .expect("forget");
    assert_eq!(forgotten, 3);
}

#[test]
fn the_day_counters_follow_every_row() {
    let (_dir, store) = store();
    put(
        &store,
        vec![
            AuditEntry::new(at(1, 0), "member:a", Action::LoginSucceeded),
            AuditEntry::new(at(1, 23), "member:b", Action::LoginSucceeded),
            AuditEntry::new(at(2, 9), "member:a", Action::LoginSucceeded),
            AuditEntry::new(at(2, 9), "member:a", Action::LoginFailed),
        ],
    );
    let counts = store
        .read_blocking(|r| per_day(r, Action::LoginSucceeded, &[date(1), date(2), date(3)]))
        .expect("counts");
    assert_eq!(counts, [2, 1, 0]);
}

/// Every audit table as text, to compare two data files.
fn audit_tables(store: &Store) -> Vec<String> {
    use super::{AuditByTarget, AuditCount, AuditDay};
    store
        .read_blocking(|r| {
            let mut all = Vec::new();
            for (k, e) in r.scan::<AuditEntry>("")? {
                all.push(format!("row {k} {}", serde_json::to_string(&e)?));
            }
            for (k, _) in r.scan::<AuditByTarget>("")? {
                all.push(format!("target {k}"));
            }
            for (k, d) in r.scan::<AuditDay>("")? {
                all.push(format!("day {k} {d:?}"));
            }
            for (k, n) in r.scan::<AuditCount>("")? {
                all.push(format!("count {k} {}", n.0));
            }
            anyhow::Ok(all)
        })
        .expect("read")
}

/// A group commit writes its rows with one read and write of the sequence and of each
/// counter: the data file ends up exactly as with the rows written one by one.
#[test]
fn rows_written_together_equal_rows_written_one_by_one() {
    let rows = || {
        (0..12)
            .map(|n| {
                let action = [Action::ClaimsViewed, Action::SettingsChanged][n % 2];
                let entry = AuditEntry::new(at(1 + (n as u32 / 5), 23), "member:a", action);
                let entry = entry.detail(format!("{n}"));
                if n % 3 == 0 {
                    entry
                } else {
                    entry.target(format!("1201-{}", n % 4))
                }
            })
            .collect::<Vec<_>>()
    };
    let (_a, together) = store();
    let (_b, one_by_one) = store();
    for s in [&together, &one_by_one] {
        put(s, vec![row(at(1, 9), 100), row(at(2, 9), 101)]);
    }
    together
        .write_blocking(|w| AuditEntry::record_all(w, rows()))
        .expect("group");
    for entry in rows() {
        put(&one_by_one, vec![entry]);
    }
    let (a, b) = (audit_tables(&together), audit_tables(&one_by_one));
    assert_eq!(a.len(), 14 + 8 + 3 + 6, "{a:#?}");
    assert_eq!(a, b);
}
