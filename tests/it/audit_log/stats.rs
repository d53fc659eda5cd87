//! 統計 counts member logins per day from counters kept with the audit rows: the same
//! figures as counting the rows, without reading the log.

use chrono::{DateTime, TimeZone as _, Utc};
use kenpo::audit::AuditEntry;
use kenpo::clock::JST;
use kenpo::console::stats;
use kenpo::store::Store;

use super::seed;
use crate::app::t0;

fn jst(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    JST.with_ymd_and_hms(2026, m, d, h, 0, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

#[test]
fn member_logins_per_day_are_counted_without_reading_the_audit_log() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    // t0 is 2026-11-02 10:00 in Japan: the chart shows 10/04 to 11/02.
    seed(&store, 3, "login.succeeded", t0());
    seed(&store, 2, "login.succeeded", jst(10, 20, 23));
    seed(&store, 1, "login.succeeded", jst(10, 4, 0));
    seed(&store, 4, "login.succeeded", jst(10, 3, 23)); // the day before the window
    seed(&store, 5, "login.failed", jst(10, 20, 9));
    seed(&store, 2_000, "staff.household_viewed", t0());

    let (s, decoded) = store
        .read_blocking(|r| {
            let s = stats::compute(r, t0())?;
            Ok::<_, anyhow::Error>((s, r.decoded::<AuditEntry>()))
        })
        .expect("stats");
    let day = |label: &str| {
        s.logins
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("no day {label}"))
    };
    assert_eq!(s.logins.len(), 30);
    assert_eq!(s.logins.first().map(|(l, _)| l.as_str()), Some("10/04"));
    assert_eq!((day("11/02"), day("10/20"), day("10/04")), (3, 2, 1));
    assert_eq!(s.logins.iter().map(|(_, n)| n).sum::<u64>(), 6);
    assert_eq!(decoded, 0, "the statistics read {decoded} audit rows");
}
