//! `kenpo verify` names a decision that breaks the rules, and a claim in a batch of
//! decisions.

use chrono::NaiveDate;

use super::super::tests::problems_after;
use crate::benefits::model::benefit_key;
use crate::benefits::{BenefitIndex, BenefitRecord};
use crate::claims::{Batch, BatchKind};
use crate::domain::benefit::{BenefitDecision, OffsetClass};
use crate::domain::claim::YearMonth;
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;

fn decision() -> anyhow::Result<BenefitDecision> {
    let day = NaiveDate::from_ymd_opt(2025, 6, 20).ok_or(anyhow::anyhow!("date"))?;
    let month = YearMonth::new(2025, 3).ok_or(anyhow::anyhow!("month"))?;
    Ok(BenefitDecision {
        number: "K-0001".into(),
        household: HouseholdKey::new("1201", "105")?,
        branch: "00".into(),
        kind: "高額療養費".into(),
        class: OffsetClass::Receipt,
        from: month,
        to: month,
        decided_on: day,
        amount: Yen::new(2_000).ok_or(anyhow::anyhow!("yen"))?,
        pay_on: day,
    })
}

#[test]
fn a_decision_without_its_index_mark_or_batch_of_decisions_is_named() {
    let problems = problems_after(|w| {
        let (batch, _) = w.scan::<Batch>("")?.remove(0);
        let d = decision()?;
        w.put(&benefit_key(&d), &BenefitRecord { batch, decision: d })
    });
    for expected in [
        "a decision in a batch of claims",
        "its 決定番号 is not indexed",
        "its last covered month is not in benefit_months",
        "0 entries for 1 decisions",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected}: {problems:?}"
        );
    }
}

#[test]
fn an_index_entry_without_its_decision_and_a_claim_in_a_batch_of_decisions_are_named() {
    let problems = problems_after(|w| {
        let (id, mut batch) = w.scan::<Batch>("")?.remove(0);
        batch.kind = BatchKind::Benefits;
        w.put(&id, &batch)?;
        w.put(
            "K-9",
            &BenefitIndex {
                key: benefit_key(&decision()?),
                batch: id,
            },
        )
    });
    for expected in [
        "benefit_index/K-9: points at a decision that does not exist",
        "a claim in a batch of benefit decisions",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected}: {problems:?}"
        );
    }
}

#[test]
fn an_imported_and_published_benefits_file_is_consistent() {
    use crate::jobs::quiet::Quiet;
    use crate::jobs::{self, Job};
    const BENEFITS: &[u8] = include_bytes!("../../../../tests/data/benefits.utf8.csv");
    let dir = tempfile::tempdir().expect("dir");
    let (store, path) = super::super::tests::populated(dir.path());
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let job = Job::ImportBenefits { publish: true };
    jobs::run(job, &store, now, &mut Quiet(BENEFITS.to_vec())).expect("import");
    drop(store);
    let report = super::super::verify_file(&path).expect("verify");
    assert!(report.is_consistent(), "{:?}", report.problems);
    assert_eq!(report.rows("benefits"), Some(8));
    assert_eq!(report.rows("benefit_index"), Some(8));
}
