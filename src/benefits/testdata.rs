//! Test data written straight into a data file: people, published claims and benefit
//! decisions (with their batch and index entry, as the import writes them).
//! `#[cfg(test)]` code only: its `expect`s are how a broken set-up fails its test.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::model::{BenefitIndex, BenefitRecord, benefit_key};
use crate::claims::{Batch, BatchKind, BatchWriter, publish};
use crate::domain::benefit::{BenefitDecision, BenefitKinds};
use crate::domain::claim::{Claim, ClaimKind, YearMonth};
use crate::domain::member::{HouseholdKey, Person, Relationship, Sex};
use crate::domain::yen::Yen;
use crate::store::{Store, StoreKey as _};

pub fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    (dir, store)
}

pub fn household(number: &str) -> HouseholdKey {
    HouseholdKey::new("1201", number).expect("household")
}

pub fn ym(yyyymm: u32) -> YearMonth {
    YearMonth::new((yyyymm / 100) as i32, yyyymm % 100).expect("month")
}

pub fn date(yyyymmdd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        (yyyymmdd / 10000) as i32,
        yyyymmdd / 100 % 100,
        yyyymmdd % 100,
    )
    .expect("date")
}

pub fn person(h: &HouseholdKey, branch: &str, hidden: bool) -> Person {
    let born = date(19800101);
    Person {
        household: h.clone(),
        branch: branch.into(),
        name: format!("試験　{branch}"),
        kana: "シケン".into(),
        birth_date: born,
        sex: Sex::Female,
        relationship: if branch == "00" {
            Relationship::Insured
        } else {
            Relationship::Spouse
        },
        acquired: born,
        lost: None,
        postal_code: None,
        address: None,
        hidden_from_household: hidden,
    }
}

pub fn put_people(store: &Store, people: &[Person]) {
    store
        .write_blocking(|w| {
            for p in people {
                w.put(&p.key().store_key(), p)?;
            }
            anyhow::Ok(())
        })
        .expect("people");
}

pub fn claim(
    receipt: &str,
    (h, branch): (&HouseholdKey, &str),
    yyyymm: u32,
    self_pay: u64,
    benefit: u64,
) -> Claim {
    Claim {
        receipt_number: receipt.into(),
        household: h.clone(),
        branch: branch.into(),
        month: ym(yyyymm),
        kind: ClaimKind::Outpatient,
        provider: format!("試験クリニック{receipt}"),
        days: 1,
        total_cost: Yen::clamped(self_pay * 10 / 3),
        self_pay: Yen::clamped(self_pay),
        benefit: Yen::clamped(benefit),
    }
}

/// Imports and publishes `claims` as one batch.
pub fn put_claims(store: &Store, claims: &[Claim]) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("time");
    store
        .write_blocking(|w| {
            let mut batch = BatchWriter::start(w, now, "cli", true)?;
            for c in claims {
                batch.put(w, c.clone())?;
            }
            let batch = batch.finish(w)?;
            publish(w, &batch.id, now, "cli")?;
            anyhow::Ok(())
        })
        .expect("claims");
}

pub fn decision(
    number: &str,
    (h, branch): (&HouseholdKey, &str),
    kind: &str,
    (from, to): (u32, u32),
    amount: u64,
    decided_on: u32,
) -> BenefitDecision {
    let class = BenefitKinds::default()
        .find(kind)
        .expect("a built-in kind")
        .class;
    BenefitDecision {
        number: number.into(),
        household: h.clone(),
        branch: branch.into(),
        kind: kind.into(),
        class,
        from: ym(from),
        to: ym(to),
        decided_on: date(decided_on),
        amount: Yen::clamped(amount),
        pay_on: date(decided_on) + chrono::Duration::days(30),
    }
}

/// Stores `decisions` as one benefit batch `batch`, published or not.
pub fn put_decisions(store: &Store, batch: &str, published: bool, decisions: &[BenefitDecision]) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("time");
    store
        .write_blocking(|w| {
            let record = Batch {
                id: batch.into(),
                kind: BatchKind::Benefits,
                imported_at: now,
                imported_by: "cli".into(),
                rows: decisions.len() as u64,
                added: decisions.len() as u64,
                replaced: 0,
                unchanged: 0,
                first_month: decisions.iter().map(|d| d.from).min(),
                last_month: decisions.iter().map(|d| d.to).max(),
                published_at: published.then_some(now),
                published_by: published.then(|| "cli".to_string()),
            };
            w.put(batch, &record)?;
            for d in decisions {
                let key = benefit_key(d);
                let index = BenefitIndex {
                    key: key.clone(),
                    batch: batch.into(),
                };
                w.put(&d.number, &index)?;
                let stored = BenefitRecord {
                    batch: batch.into(),
                    decision: d.clone(),
                };
                w.put(&key, &stored)?;
            }
            anyhow::Ok(())
        })
        .expect("decisions");
}
