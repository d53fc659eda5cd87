//! Synthetic benefit decisions for `kenpo demo`, fitting the demo's claims, so that a
//! member sees the whole flow: 医療費照会 → 給付金のお知らせ → 通知書 → 医療費のお知らせ
//! → CSV.
//!
//! - The first household the demo prints gets a hospital stay 14 months back (so it is in
//!   last year's tax notice, or the one before early in the year) and three months of
//!   costly 外来 after it. The union decides 高額療養費 on the stay (self-pay above
//!   80,100 + 1% of the cost above 267,000; the stay's 給付金 carries the same figure) and
//!   一部負担還元金 per month (the month's self-pay above 25,000, less 高額療養費, rounded
//!   down to 100 yen).
//! - A child born in the window in a printed household (the second first) brings one
//!   出産育児一時金, or 家族出産育児一時金 when the mother is the spouse.
//! - 決定日 is the 15th of the third month after the covered month, 支払予定日 the end of
//!   the month after; one published benefit batch per month of 決定日.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike as _, NaiveDate, TimeZone as _, Utc};

use super::DecisionWriter;
use crate::audit::Actor;
use crate::claims::query::visible_claims;
use crate::claims::{BatchWriter, publish};
use crate::clock::{JST, today_jst};
use crate::domain::benefit::{BenefitDecision, BenefitKinds};
use crate::domain::claim::{Claim, ClaimKind, YearMonth};
use crate::domain::expenses::{add_months, months_between};
use crate::domain::member::{HouseholdKey, Person, Relationship, Sex};
use crate::domain::yen::Yen;
use crate::store::Store;

/// The stay, this many months before the current month.
const STAY_BACK: i32 = 14;
/// What a member pays in a month before 一部負担還元金 gives the rest back (the demo
/// union's rule).
const OWN_LIMIT: u64 = 25_000;

/// Writes the extra claims and the decisions; returns how many decisions.
pub fn generate(
    store: &Store,
    people: &[Person],
    printed: &[HouseholdKey],
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let today = today_jst(now);
    let current = YearMonth::new(today.year(), today.month()).unwrap_or(YearMonth::MIN);
    let mut decisions = Vec::new();
    if let Some(insured) = printed
        .first()
        .and_then(|h| people.iter().find(|p| p.household == *h && p.is_insured()))
    {
        let stay = add_months(current, -STAY_BACK).unwrap_or(current);
        put_stay(store, insured, stay, now)?;
        decisions.extend(refunds(store, insured, stay)?);
    }
    let mut mothers = printed.iter().skip(1).chain(printed.first());
    if let Some(birth) = mothers.find_map(|h| birth(people, h, current)) {
        decisions.push(birth);
    }
    decisions.retain(|d| d.decided_on <= today);
    let count = decisions.len() as u64;
    put_decisions(store, decisions, now)?;
    Ok(count)
}

fn claim(insured: &Person, month: YearMonth, kind: ClaimKind, total: u64, days: u32) -> Claim {
    let self_pay = total * 3 / 10;
    Claim {
        receipt_number: format!("DX{}{:02}", month.as_u32(), kind as u8),
        household: insured.household.clone(),
        branch: insured.branch.clone(),
        month,
        kind,
        provider: match kind {
            ClaimKind::Inpatient => "市立総合病院",
            _ => "みなと整形外科",
        }
        .to_string(),
        days,
        total_cost: Yen::clamped(total),
        self_pay: Yen::clamped(self_pay),
        benefit: Yen::clamped(high_cost(total, self_pay)),
    }
}

/// 高額療養費 of one claim (区分ウ): what was paid above 80,100 + 1% of the cost above
/// 267,000.
fn high_cost(total: u64, self_pay: u64) -> u64 {
    let limit = 80_100 + total.saturating_sub(267_000) / 100;
    self_pay.saturating_sub(limit)
}

/// The stay and the three months of 外来 after it, one published claim batch.
fn put_stay(
    store: &Store,
    insured: &Person,
    stay: YearMonth,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut claims = vec![claim(insured, stay, ClaimKind::Inpatient, 920_000, 12)];
    for (n, total) in [(1, 128_000), (2, 112_000), (3, 96_000)] {
        if let Some(month) = add_months(stay, n) {
            claims.push(claim(insured, month, ClaimKind::Outpatient, total, 4));
        }
    }
    let actor = Actor::Demo.to_string();
    let at = at_ten(NaiveDate::from_ymd_opt(stay.year(), stay.month(), 1))
        .map(|t| t.min(now))
        .unwrap_or(now);
    store.write_blocking(|w| {
        let mut batch = BatchWriter::start(w, at, &actor, true)?;
        for c in &claims {
            batch.put(w, c.clone())?;
        }
        let batch = batch.finish(w)?;
        publish(w, &batch.id, at, &actor).map_err(anyhow::Error::from)?;
        Ok(())
    })
}

/// 高額療養費 and 一部負担還元金 for the months of the stay and the 外来 after it, from
/// every claim of the insured person in those months.
fn refunds(
    store: &Store,
    insured: &Person,
    stay: YearMonth,
) -> anyhow::Result<Vec<BenefitDecision>> {
    let last = add_months(stay, 3).unwrap_or(stay);
    let (household, people) = (insured.household.clone(), vec![insured.clone()]);
    let claims =
        store.read_blocking(move |r| visible_claims(r, &household, &people, stay, last))?;
    let mut out = Vec::new();
    for month in months_between(stay, last) {
        let of_month: Vec<&Claim> = claims.iter().filter(|c| c.month == month).collect();
        let paid: u64 = of_month.iter().map(|c| c.self_pay.get()).sum();
        let high: u64 = of_month
            .iter()
            .map(|c| c.benefit.min(c.self_pay).get())
            .sum();
        if high > 0 {
            out.push(decision(insured, "高額療養費", (month, month), high));
        }
        let own = paid.saturating_sub(OWN_LIMIT).saturating_sub(high) / 100 * 100;
        if own > 0 {
            out.push(decision(insured, "一部負担還元金", (month, month), own));
        }
    }
    Ok(out)
}

/// 出産育児一時金 for the latest child of `household` born in the window (since the first
/// month of the demo's claims, and decided by now).
fn birth(
    people: &[Person],
    household: &HouseholdKey,
    current: YearMonth,
) -> Option<BenefitDecision> {
    let first = add_months(current, -(crate::claims::demo::MONTHS - 1))?;
    let last = add_months(current, -2)?;
    let of = |branch: &str| {
        people
            .iter()
            .find(|p| p.household == *household && p.branch == branch)
    };
    let child = people
        .iter()
        .filter(|p| p.household == *household && p.relationship == Relationship::Child)
        .filter(|p| {
            let born = YearMonth::new(p.birth_date.year(), p.birth_date.month());
            born.is_some_and(|b| first <= b && b <= last)
        })
        .max_by_key(|p| p.birth_date)?;
    let month = YearMonth::new(child.birth_date.year(), child.birth_date.month())?;
    let insured = of("00")?;
    let (mother, kind) = if insured.sex == Sex::Female {
        (insured, "出産育児一時金")
    } else {
        (
            of("01").filter(|s| s.sex == Sex::Female)?,
            "家族出産育児一時金",
        )
    };
    // 420,000 yen until March 2023, 500,000 yen since.
    let amount = if month.as_u32() >= 202304 {
        500_000
    } else {
        420_000
    };
    let mut d = decision(mother, kind, (month, month), amount);
    d.decided_on = day(add_months(month, 1)?, 20)?;
    d.pay_on = month_end(add_months(month, 2)?)?;
    Some(d)
}

fn decision(
    person: &Person,
    kind: &str,
    (from, to): (YearMonth, YearMonth),
    amount: u64,
) -> BenefitDecision {
    let class = BenefitKinds::default()
        .find(kind)
        .map(|k| k.class)
        .unwrap_or(crate::domain::benefit::OffsetClass::None);
    let decided = add_months(to, 3).unwrap_or(to);
    let decided_on = day(decided, 15).unwrap_or_default();
    BenefitDecision {
        number: String::new(),
        household: person.household.clone(),
        branch: person.branch.clone(),
        kind: kind.to_string(),
        class,
        from,
        to,
        decided_on,
        amount: Yen::clamped(amount),
        pay_on: add_months(decided, 1)
            .and_then(month_end)
            .unwrap_or(decided_on),
    }
}

fn day(month: YearMonth, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(month.year(), month.month(), day)
}

fn month_end(month: YearMonth) -> Option<NaiveDate> {
    day(add_months(month, 1)?, 1)?.pred_opt()
}

fn at_ten(date: Option<NaiveDate>) -> Option<DateTime<Utc>> {
    let local = date?.and_hms_opt(10, 0, 0)?;
    Some(
        JST.from_local_datetime(&local)
            .single()?
            .with_timezone(&Utc),
    )
}

/// One published batch per month of 決定日; 決定番号 `D-YYYYMM-NNN`.
fn put_decisions(
    store: &Store,
    decisions: Vec<BenefitDecision>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut by_month: BTreeMap<NaiveDate, Vec<BenefitDecision>> = BTreeMap::new();
    for d in decisions {
        let first = d.decided_on.with_day(1).unwrap_or(d.decided_on);
        by_month.entry(first).or_default().push(d);
    }
    let actor = Actor::Demo.to_string();
    store.write_blocking(|w| {
        for (month, list) in by_month {
            let at = list
                .iter()
                .map(|d| d.decided_on)
                .max()
                .and_then(|d| at_ten(Some(d)))
                .map_or(now, |t| t.min(now));
            let mut batch = DecisionWriter::start(w, at, &actor, true)?;
            for (n, mut d) in list.into_iter().enumerate() {
                d.number = format!("D-{}-{:03}", month.format("%Y%m"), n + 1);
                batch.put(w, d)?;
            }
            let batch = batch.finish(w)?;
            publish(w, &batch.id, at, &actor).map_err(anyhow::Error::from)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;
