//! 医療費のお知らせ with its 「保険金などで補填される金額」: one audited read of a year's
//! claims and the decisions that pay part of them back, set against each other by
//! [`crate::domain::offsets::apportion`].
//!
//! A decision counts for the year of the months it covers (NTA No.1120: 補填 goes with the
//! cost, even when decided the next year). A decision covering months of two years (合算,
//! August to July) is split over all its claims, so the claims of both years are read:
//! the window grows from the year to every Receipt decision that reaches into it, until
//! no more do, and each year's page then shows the same split.

use crate::audit::{Action, AuditEntry, GroupCommit};
use crate::claims::query::{DataStatus, data_status, visible_claims, visible_people};
use crate::claims::view::Viewer;
use crate::domain::benefit::{BenefitDecision, OffsetClass};
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::member::Person;
use crate::domain::offsets::{ClaimShare, DecisionShare, apportion};
use crate::domain::yen::Yen;
use crate::store::{Reader, Store};

use super::query::visible_decisions;

/// A claim of the year and the part of its 自己負担額 paid back.
#[derive(Debug, Clone)]
pub struct OffsetClaim {
    pub claim: Claim,
    pub offset: Yen,
}

/// A decision whose covered months reach into the year, and how it was set against the
/// claims.
#[derive(Debug, Clone)]
pub struct YearDecision {
    pub decision: BenefitDecision,
    /// What it takes from this year's claims, which ones (in month order).
    pub this_year: Yen,
    pub claims: Vec<(Claim, Yen)>,
    /// What it takes from claims of other years.
    pub other_years: Yen,
    /// What exceeds its claims and is subtracted from nothing.
    pub rest: Yen,
}

/// What the tax page and its CSV show.
#[derive(Debug, Clone)]
pub struct TaxYear {
    pub people: Vec<Person>,
    /// The year's claims, oldest month first (then 枝番, receipt number).
    pub claims: Vec<OffsetClaim>,
    /// The decisions reaching into the year, oldest 決定日 first.
    pub decisions: Vec<YearDecision>,
    pub status: Option<DataStatus>,
}

/// Reads and sets off the year's data, audited as `claims.viewed` with `what` (the rows of
/// the tax page say `tax-notice 2025年`, as before); the data is handed back only once the
/// row is durable.
pub async fn tax_year(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    what: String,
    year: i32,
) -> anyhow::Result<TaxYear> {
    tax_year_shown(store, audit, viewer, (what, year), |data| data).await
}

/// [`tax_year`], turned into what the screen sends by `render` on the blocking pool while
/// the audit row commits (the page is written where its data was read, and no claim
/// crosses threads); the result is handed back only once the row is durable.
pub async fn tax_year_shown<O: Send + 'static>(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    (what, year): (String, i32),
    render: impl FnOnce(TaxYear) -> O + Send + 'static,
) -> anyhow::Result<O> {
    let household = viewer.household.clone();
    let entry = AuditEntry::new(viewer.now, viewer.actor, Action::ClaimsViewed)
        .target(viewer.household.to_string())
        .client(viewer.client)
        .detail(what);
    let recorded = audit.submit(entry);
    let read = store.read(move |r| read_year(r, &household, year).map(render));
    let (recorded, data) = tokio::join!(recorded.wait(), read);
    recorded?;
    data
}

pub(super) fn read_year(
    r: &Reader,
    household: &crate::domain::member::HouseholdKey,
    year: i32,
) -> anyhow::Result<TaxYear> {
    let people = visible_people(r, household)?;
    let status = data_status(r)?;
    let (Some(first), Some(last)) = (YearMonth::new(year, 1), YearMonth::new(year, 12)) else {
        return Ok(TaxYear {
            people,
            claims: Vec::new(),
            decisions: Vec::new(),
            status,
        });
    };
    let mut decisions = visible_decisions(r, household, &people)?;
    decisions.reverse();
    let (from, to) = window(&decisions, first, last);
    let mut claims = visible_claims(r, household, &people, from, to)?;
    claims.sort_by(|a, b| {
        (a.month, &a.branch, &a.receipt_number).cmp(&(b.month, &b.branch, &b.receipt_number))
    });
    let in_year = |m: YearMonth| first <= m && m <= last;
    let shown: Vec<BenefitDecision> = decisions
        .into_iter()
        .filter(|d| d.from <= to && from <= d.to)
        .collect();
    let offsets = apportion(
        &claims.iter().map(claim_share).collect::<Vec<_>>(),
        &shown.iter().map(decision_share).collect::<Vec<_>>(),
    );
    let mut year_decisions = Vec::new();
    for (d, o) in shown.into_iter().zip(offsets.decisions) {
        if !(d.from <= last && first <= d.to) {
            continue;
        }
        let mut taken = Vec::new();
        let (mut this_year, mut other_years) = (0u64, 0u64);
        for (i, yen) in o.shares {
            let Some(c) = claims.get(i) else { continue };
            if in_year(c.month) {
                this_year += yen.get();
                taken.push((c.clone(), yen));
            } else {
                other_years += yen.get();
            }
        }
        year_decisions.push(YearDecision {
            decision: d,
            this_year: Yen::clamped(this_year),
            claims: taken,
            other_years: Yen::clamped(other_years),
            rest: o.rest,
        });
    }
    let claims = claims
        .into_iter()
        .zip(offsets.claims)
        .filter(|(c, _)| in_year(c.month))
        .map(|(claim, offset)| OffsetClaim { claim, offset })
        .collect();
    Ok(TaxYear {
        people,
        claims,
        decisions: year_decisions,
        status,
    })
}

/// The months whose claims the year's decisions share: the year, widened by every Receipt
/// decision reaching into it, until none reaches further.
fn window(
    decisions: &[BenefitDecision],
    first: YearMonth,
    last: YearMonth,
) -> (YearMonth, YearMonth) {
    let (mut from, mut to) = (first, last);
    loop {
        let mut grown = false;
        for d in decisions.iter().filter(|d| d.class == OffsetClass::Receipt) {
            if d.from <= to && from <= d.to && (d.from < from || d.to > to) {
                from = from.min(d.from);
                to = to.max(d.to);
                grown = true;
            }
        }
        if !grown {
            return (from, to);
        }
    }
}

fn claim_share(c: &Claim) -> ClaimShare {
    ClaimShare {
        person: c.branch.clone(),
        month: c.month,
        receipt: c.receipt_number.clone(),
        self_pay: c.self_pay,
        claim_benefit: c.benefit,
    }
}

fn decision_share(d: &BenefitDecision) -> DecisionShare {
    DecisionShare {
        person: d.branch.clone(),
        from: d.from,
        to: d.to,
        class: d.class,
        amount: d.amount,
        decided_on: d.decided_on,
        number: d.number.clone(),
    }
}

#[cfg(test)]
mod tests;
