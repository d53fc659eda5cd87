//! Retention deletes exactly the decisions whose 対象終了年月 left the claims' window,
//! with their index entries and marks, and writes one audit row.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::benefits::model::{benefit_key, benefit_month_key};
use crate::domain::benefit::{BenefitDecision, OffsetClass};
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).expect("month")
}

fn decision(number: &str, household: &str, from: YearMonth, to: YearMonth) -> BenefitDecision {
    let decided = NaiveDate::from_ymd_opt(to.year(), to.month(), 28).expect("date");
    BenefitDecision {
        number: number.into(),
        household: HouseholdKey::new("1201", household).expect("household"),
        branch: "00".into(),
        kind: "高額療養費".into(),
        class: OffsetClass::Receipt,
        from,
        to,
        decided_on: decided,
        amount: Yen::new(10_000).expect("yen"),
        pay_on: decided,
    }
}

fn put(w: &mut Writer, d: &BenefitDecision) -> anyhow::Result<()> {
    let k = benefit_key(d);
    w.put(
        &k,
        &BenefitRecord {
            batch: "00000000000000000001".into(),
            decision: d.clone(),
        },
    )?;
    w.put(
        &d.number,
        &BenefitIndex {
            key: k,
            batch: "00000000000000000001".into(),
        },
    )?;
    w.put(&benefit_month_key(d), &BenefitMonth)
}

#[test]
fn decisions_go_when_their_last_covered_month_leaves_the_window() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    // 60 months at 2026-11: the window starts 2021-12.
    let decisions = [
        decision("K-1", "1", ym(2021, 10), ym(2021, 11)),
        decision("K-2", "1", ym(2021, 11), ym(2021, 12)),
        decision("K-3", "2", ym(2021, 1), ym(2021, 1)),
        decision("K-4", "2", ym(2025, 1), ym(2025, 1)),
    ];
    store
        .write_blocking(|w| {
            for d in &decisions {
                put(w, d)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("put");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("now");
    // One household per transaction: the loop must still reach every mark.
    assert_eq!(purge_expired_benefits(&store, now, 1).expect("purge"), 2);
    let (left, index, marks, purged) = store
        .read_blocking(|r| {
            let left: Vec<String> = r
                .scan::<BenefitRecord>("")?
                .into_iter()
                .map(|(_, b)| b.decision.number)
                .collect();
            let index: Vec<String> = r
                .scan::<BenefitIndex>("")?
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            let marks = r.scan::<BenefitMonth>("")?.len();
            let purged: Vec<String> = r
                .scan::<AuditEntry>("")?
                .into_iter()
                .filter(|(_, e)| e.action == "benefits.retention_purged")
                .filter_map(|(_, e)| e.detail)
                .collect();
            Ok::<_, anyhow::Error>((left, index, marks, purged))
        })
        .expect("read");
    assert_eq!(left, ["K-2", "K-4"]);
    assert_eq!(index, ["K-2", "K-4"]);
    assert_eq!(marks, 2, "the marks of kept decisions stay");
    assert_eq!(purged, ["deleted=2 before=202112 retention_months=60"]);
    // Nothing more to do: no row, no audit.
    assert_eq!(purge_expired_benefits(&store, now, 10).expect("again"), 0);
}

/// A stopping server does not wait for the purge: it ends before the next transaction, and
/// the next run deletes the rest.
#[test]
fn a_purge_asked_to_stop_ends_before_its_next_transaction() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let decisions = [
        decision("K-1", "1", ym(2021, 10), ym(2021, 11)),
        decision("K-3", "2", ym(2021, 1), ym(2021, 1)),
    ];
    store
        .write_blocking(|w| decisions.iter().try_for_each(|d| put(w, d)))
        .expect("put");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("now");
    let asked = std::cell::Cell::new(0);
    let stop_after_one = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let first = purge_expired_benefits_until(&store, now, 1, &stop_after_one).expect("purge");
    assert_eq!(first, 1, "one household's decisions, then the stop");
    assert_eq!(purge_expired_benefits(&store, now, 1).expect("rest"), 1);
}
