//! Synthetic claims for `kenpo demo`: five years of 外来, 調剤 and 歯科 for every person,
//! now and then 入院 with 給付金 (高額療養費), one batch per month of treatment, each
//! published about three months after that month. Written straight into the store in one
//! transaction (no CSV round trip), so the demo starts in a moment.

use chrono::{DateTime, Datelike as _, NaiveDate, TimeZone as _, Utc};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::{BatchWriter, publish};
use crate::clock::{JST, today_jst};
use crate::domain::claim::{Claim, ClaimKind, YearMonth};
use crate::domain::expenses::{add_months, months_between};
use crate::domain::member::Person;
use crate::domain::yen::Yen;
use crate::store::Store;

/// The months the demo's claims cover, counted back from the current month: the default
/// retention period, so that the daily retention job keeps all of them. The newest three
/// months have no claims yet (claims arrive about three months after treatment).
pub const MONTHS: i32 = 60;

const CLINICS: &[&str] = &[
    "さくら内科クリニック",
    "みなと整形外科",
    "青葉こどもクリニック",
    "中央耳鼻咽喉科",
    "ひかり皮膚科",
    "駅前眼科医院",
];
const PHARMACIES: &[&str] = &["さくら調剤薬局", "みなと薬局", "青葉ファーマシー"];
const DENTISTS: &[&str] = &["しらかば歯科医院", "駅前デンタルクリニック"];
const HOSPITALS: &[&str] = &["市立総合病院", "中央医療センター"];
const NURSING: &[&str] = &["あおば訪問看護ステーション"];

/// Writes the claims of `people` and publishes them; returns how many claims.
pub fn generate(store: &Store, people: &[Person], now: DateTime<Utc>) -> anyhow::Result<u64> {
    let today = today_jst(now);
    let current = YearMonth::new(today.year(), today.month()).unwrap_or(YearMonth::MIN);
    let last = add_months(current, -3).unwrap_or(current);
    let first = add_months(current, -(MONTHS - 1)).unwrap_or(last);
    let mut rng = StdRng::seed_from_u64(4);
    store.write_blocking(|w| {
        let mut total = 0;
        for month in months_between(first, last) {
            let published_at = publication_time(month).min(now);
            let mut batch = BatchWriter::start(w, published_at, "demo", true)?;
            let mut seq = 0u32;
            for person in people {
                for claim in claims_of(&mut rng, person, month) {
                    seq += 1;
                    let claim = Claim {
                        receipt_number: format!("D{}{seq:06}", month.as_u32()),
                        ..claim
                    };
                    batch.put(w, claim)?;
                    total += 1;
                }
            }
            let batch = batch.finish(w)?;
            publish(w, &batch.id, published_at, "demo").map_err(anyhow::Error::from)?;
        }
        Ok(total)
    })
}

/// The 5th of the third month after treatment, 10:00 in Japan.
fn publication_time(month: YearMonth) -> DateTime<Utc> {
    let m = add_months(month, 3).unwrap_or(month);
    NaiveDate::from_ymd_opt(m.year(), m.month(), 5)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .and_then(|t| JST.from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn age_at(person: &Person, month: YearMonth) -> i32 {
    month.year() - person.birth_date.year()
}

fn covered(person: &Person, month: YearMonth) -> bool {
    let start = YearMonth::new(person.acquired.year(), person.acquired.month());
    start.is_some_and(|s| s <= month) && age_at(person, month) >= 0
}

/// Share the patient pays: 20% for small children and from 70, else 30%.
fn self_pay(total: u64, age: i32) -> u64 {
    let percent = if !(6..70).contains(&age) { 20 } else { 30 };
    (total * percent / 100).div_ceil(10) * 10
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn claim(
    rng: &mut StdRng,
    person: &Person,
    month: YearMonth,
    kind: ClaimKind,
    cost: (u64, u64),
    days: (u32, u32),
) -> Claim {
    let providers = match kind {
        ClaimKind::Outpatient => CLINICS,
        ClaimKind::Pharmacy => PHARMACIES,
        ClaimKind::Dental => DENTISTS,
        ClaimKind::Inpatient => HOSPITALS,
        ClaimKind::HomeNursing => NURSING,
    };
    let total_cost = rng.random_range(cost.0..=cost.1) / 10 * 10;
    let self_pay = self_pay(total_cost, age_at(person, month));
    Claim {
        receipt_number: String::new(),
        household: person.household.clone(),
        branch: person.branch.clone(),
        month,
        kind,
        provider: pick(rng, providers).to_string(),
        days: rng.random_range(days.0..=days.1),
        total_cost: Yen::clamped(total_cost),
        self_pay: Yen::clamped(self_pay),
        benefit: Yen::ZERO,
    }
}

fn claims_of(rng: &mut StdRng, person: &Person, month: YearMonth) -> Vec<Claim> {
    let mut out = Vec::new();
    if !covered(person, month) {
        return out;
    }
    let age = age_at(person, month);
    let visits = if age < 15 {
        0.45
    } else if age >= 60 {
        0.55
    } else {
        0.3
    };
    if rng.random_bool(visits) {
        out.push(claim(
            rng,
            person,
            month,
            ClaimKind::Outpatient,
            (1_500, 28_000),
            (1, 3),
        ));
        if rng.random_bool(0.75) {
            out.push(claim(
                rng,
                person,
                month,
                ClaimKind::Pharmacy,
                (800, 16_000),
                (1, 2),
            ));
        }
    }
    if rng.random_bool(0.08) {
        out.push(claim(
            rng,
            person,
            month,
            ClaimKind::Dental,
            (2_500, 22_000),
            (1, 4),
        ));
    }
    if age >= 70 && rng.random_bool(0.02) {
        out.push(claim(
            rng,
            person,
            month,
            ClaimKind::HomeNursing,
            (20_000, 60_000),
            (2, 8),
        ));
    }
    if rng.random_bool(0.004) {
        let mut stay = claim(
            rng,
            person,
            month,
            ClaimKind::Inpatient,
            (300_000, 1_600_000),
            (3, 20),
        );
        // 高額療養費: what the patient paid above the monthly limit comes back.
        let limit = 80_100 + stay.total_cost.get().saturating_sub(267_000) / 100;
        stay.benefit = Yen::clamped(stay.self_pay.get().saturating_sub(limit));
        out.push(stay);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _, Utc};

    use super::*;
    use crate::claims::ClaimRecord;
    use crate::claims::retention::purge_expired_claims;

    #[test]
    fn the_retention_job_keeps_the_demo_data_until_its_oldest_month_expires() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("demo.redb")).expect("store");
        let people = crate::demo::synthetic_members(4);
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
            .single()
            .expect("time");
        let total = generate(&store, &people, now).expect("claims");
        assert!(total > 0);
        assert_eq!(purge_expired_claims(&store, now, 50).expect("purge"), 0);
        let oldest = YearMonth::new(2021, 12).expect("month");
        let in_oldest = store
            .read_blocking(|r| r.scan::<ClaimRecord>(""))
            .expect("claims")
            .iter()
            .filter(|(_, c)| c.claim.month == oldest)
            .count() as u64;
        assert!(in_oldest > 0, "the demo starts at the window's first month");
        let next_month = now + Duration::days(30);
        assert_eq!(
            purge_expired_claims(&store, next_month, 50).expect("purge"),
            in_oldest
        );
    }
}
