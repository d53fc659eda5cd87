//! The outcomes of storing a decision, and what each leaves in the benefit tables.
//! (Test set-up: `expect` on fixed values.)

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::claims::BatchPerson;
use crate::claims::model::batch_prefix;
use crate::domain::benefit::OffsetClass;
use crate::domain::claim::YearMonth;
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;
use crate::store::Store;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn decision(number: &str, month: u32, amount: u64) -> BenefitDecision {
    BenefitDecision {
        number: number.into(),
        household: HouseholdKey {
            symbol: "1201".into(),
            number: "105".into(),
        },
        branch: "00".into(),
        kind: "一部負担還元金".into(),
        class: OffsetClass::Receipt,
        from: YearMonth::new(2025, month).expect("month"),
        to: YearMonth::new(2025, month).expect("month"),
        decided_on: date(2025, 9, 10),
        amount: Yen::clamped(amount),
        pay_on: date(2025, 10, 31),
    }
}

/// Stores `decisions` as one batch; returns the outcomes and the batch.
fn batch(store: &Store, publishing: bool, decisions: &[BenefitDecision]) -> (Vec<Outcome>, Batch) {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 5, 1, 0, 0)
        .single()
        .expect("time");
    store
        .write_blocking(|w| {
            let mut b = DecisionWriter::start(w, now, "test", publishing)?;
            let outcomes = decisions
                .iter()
                .map(|d| b.put(w, d.clone()))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let batch = b.finish(w)?;
            Ok::<_, anyhow::Error>((outcomes, batch))
        })
        .expect("batch")
}

fn index(store: &Store, number: &str) -> Option<BenefitIndex> {
    store
        .read_blocking(|r| r.get::<BenefitIndex>(number))
        .expect("index")
}

fn records(store: &Store) -> Vec<(String, BenefitRecord)> {
    store
        .read_blocking(|r| r.scan::<BenefitRecord>(""))
        .expect("records")
}

#[test]
fn a_decision_batch_is_of_kind_benefits_with_its_people_and_months() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let (outcomes, b) = batch(
        &store,
        false,
        &[decision("K-1", 3, 2000), decision("K-2", 5, 10)],
    );
    assert_eq!(outcomes, [Outcome::Added, Outcome::Added]);
    assert_eq!(b.kind, BatchKind::Benefits);
    assert_eq!((b.rows, b.added), (2, 2));
    assert_eq!(b.first_month, YearMonth::new(2025, 3));
    assert_eq!(b.last_month, YearMonth::new(2025, 5));
    let people = store
        .read_blocking(|r| r.scan::<BatchPerson>(&batch_prefix(&b.id)))
        .expect("people");
    assert_eq!(people.len(), 1);
    let mark = store
        .read_blocking(|r| r.get::<BenefitMonth>(&benefit_month_key(&decision("K-2", 5, 10))))
        .expect("mark");
    assert!(mark.is_some());
}

#[test]
fn a_number_twice_in_one_batch_keeps_the_first_row() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let first = decision("K-1", 3, 2000);
    let (outcomes, b) = batch(&store, false, &[first.clone(), decision("K-1", 4, 100)]);
    assert_eq!(outcomes, [Outcome::Added, Outcome::Duplicate]);
    let kept = index(&store, "K-1").expect("indexed");
    assert_eq!((kept.key, kept.batch), (benefit_key(&first), b.id));
    assert_eq!(records(&store).len(), 1);
}

#[test]
fn an_unchanged_decision_keeps_its_batch_unless_published_with_the_new_one() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let d = decision("K-1", 3, 2000);
    let (_, first) = batch(&store, false, std::slice::from_ref(&d));
    let (outcomes, _) = batch(&store, false, std::slice::from_ref(&d));
    assert_eq!(outcomes, [Outcome::Unchanged]);
    assert_eq!(index(&store, "K-1").expect("indexed").batch, first.id);
    assert_eq!(records(&store)[0].1.batch, first.id);
    let (outcomes, third) = batch(&store, true, std::slice::from_ref(&d));
    assert_eq!(outcomes, [Outcome::Unchanged]);
    assert_eq!(index(&store, "K-1").expect("indexed").batch, third.id);
    assert_eq!(records(&store)[0].1.batch, third.id);
}

#[test]
fn a_changed_decision_replaces_the_old_one_even_under_another_key() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    batch(&store, false, &[decision("K-1", 3, 2000)]);
    let mut changed = decision("K-1", 3, 1500);
    changed.decided_on = date(2025, 10, 1);
    let (outcomes, b) = batch(&store, false, std::slice::from_ref(&changed));
    assert_eq!(outcomes, [Outcome::Replaced]);
    assert_eq!(b.replaced, 1);
    let stored = records(&store);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, benefit_key(&changed));
    assert_eq!(stored[0].1.decision, changed);
}
