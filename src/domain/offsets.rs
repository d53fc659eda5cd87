//! 「保険金などで補填される金額」 of the 医療費控除 (National Tax Agency No.1120): which part of
//! each claim's 自己負担額 the union's benefit decisions pay back.
//!
//! - A decision of class [`OffsetClass::Receipt`] covers its own person's claims of its
//!   covered months, and nothing else: what exceeds those claims is not taken from other
//!   costs (明細書記載要領; 質疑応答事例「支払った医療費を超える補填金」).
//! - Decisions go in (決定日, 決定番号) order; a claim can take at most its 自己負担額, less
//!   what earlier decisions took. A decision smaller than what its claims can still take is
//!   split in proportion to it, in whole yen: floors first, then the leftover yen one each
//!   by largest remainder (ties: month, then receipt number).
//! - A person-month with a Receipt decision ignores its claims' own 給付金 (the decision
//!   replaces it; counting both would count the same money twice). Elsewhere a claim's
//!   給付金, up to its 自己負担額, counts as before.
//! - [`OffsetClass::Outside`] and [`OffsetClass::None`] decisions touch no claim.

use chrono::NaiveDate;

use super::benefit::OffsetClass;
use super::claim::YearMonth;
use super::yen::Yen;

/// What [`apportion`] needs of one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimShare {
    /// 枝番 of the person treated.
    pub person: String,
    pub month: YearMonth,
    /// レセプト番号: breaks ties, so the result does not depend on the input order.
    pub receipt: String,
    pub self_pay: Yen,
    /// The claim's own 給付金.
    pub claim_benefit: Yen,
}

/// What [`apportion`] needs of one decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionShare {
    /// 枝番 of the person the benefit is for.
    pub person: String,
    pub from: YearMonth,
    pub to: YearMonth,
    pub class: OffsetClass,
    pub amount: Yen,
    /// 決定日 and 決定番号: the order in which decisions take from the claims.
    pub decided_on: NaiveDate,
    pub number: String,
}

impl DecisionShare {
    fn covers(&self, person: &str, month: YearMonth) -> bool {
        self.person == person && self.from <= month && month <= self.to
    }
}

/// How one decision was set against the claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionOffset {
    /// What it took from claims (0 unless class Receipt).
    pub matched: Yen,
    /// What exceeds its claims and is taken from nothing (0 unless class Receipt).
    pub rest: Yen,
    /// The claims it took from, as indexes into the `claims` given, with the amounts;
    /// ordered by month, then receipt number. Claims that took nothing are left out.
    pub shares: Vec<(usize, Yen)>,
}

/// The apportionment: per claim (same order as given) its 補填, and per decision (same
/// order as given) how it was set against the claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offsets {
    pub claims: Vec<Yen>,
    pub decisions: Vec<DecisionOffset>,
}

/// Sets the decisions against the claims (see the module notes).
pub fn apportion(claims: &[ClaimShare], decisions: &[DecisionShare]) -> Offsets {
    let mut capacity: Vec<u64> = claims.iter().map(|c| c.self_pay.get()).collect();
    let mut result = vec![DecisionOffset::default(); decisions.len()];
    let mut order: Vec<usize> = (0..decisions.len())
        .filter(|&d| decisions[d].class == OffsetClass::Receipt)
        .collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&decisions[a], &decisions[b]);
        (a.decided_on, &a.number).cmp(&(b.decided_on, &b.number))
    });
    for d in order {
        let decision = &decisions[d];
        let mut targets: Vec<usize> = (0..claims.len())
            .filter(|&c| capacity[c] > 0 && decision.covers(&claims[c].person, claims[c].month))
            .collect();
        targets.sort_by(|&a, &b| claim_order(&claims[a], &claims[b]));
        let takes = split(decision.amount.get(), &targets, &capacity, claims);
        let mut matched = 0u64;
        for &(c, yen) in &takes {
            capacity[c] -= yen;
            matched += yen;
        }
        result[d] = DecisionOffset {
            matched: Yen::clamped(matched),
            rest: Yen::clamped(decision.amount.get() - matched),
            shares: takes
                .into_iter()
                .filter(|&(_, yen)| yen > 0)
                .map(|(c, yen)| (c, Yen::clamped(yen)))
                .collect(),
        };
    }
    let offsets = claims
        .iter()
        .zip(&capacity)
        .map(|(claim, left)| {
            let decided = decisions
                .iter()
                .any(|d| d.class == OffsetClass::Receipt && d.covers(&claim.person, claim.month));
            if decided {
                Yen::clamped(claim.self_pay.get() - left)
            } else {
                claim.claim_benefit.min(claim.self_pay)
            }
        })
        .collect();
    Offsets {
        claims: offsets,
        decisions: result,
    }
}

fn claim_order(a: &ClaimShare, b: &ClaimShare) -> std::cmp::Ordering {
    (a.month, &a.receipt, &a.person).cmp(&(b.month, &b.receipt, &b.person))
}

/// What `amount` takes from each of `targets` (in claim order): everything when it is
/// enough, else shares in proportion to the capacities, largest remainders first.
fn split(
    amount: u64,
    targets: &[usize],
    capacity: &[u64],
    claims: &[ClaimShare],
) -> Vec<(usize, u64)> {
    let total: u128 = targets.iter().map(|&c| u128::from(capacity[c])).sum();
    if u128::from(amount) >= total {
        return targets.iter().map(|&c| (c, capacity[c])).collect();
    }
    // amount < total, so every floor is below its capacity and fits in u64.
    let mut shares: Vec<(usize, u64, u128)> = targets
        .iter()
        .map(|&c| {
            let product = u128::from(amount) * u128::from(capacity[c]);
            (c, (product / total) as u64, product % total)
        })
        .collect();
    let given: u64 = shares.iter().map(|s| s.1).sum();
    let leftover = (amount - given) as usize;
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by(|&a, &b| {
        shares[b]
            .2
            .cmp(&shares[a].2)
            .then_with(|| claim_order(&claims[shares[a].0], &claims[shares[b].0]))
    });
    for &i in by_remainder.iter().take(leftover) {
        shares[i].1 += 1;
    }
    shares.into_iter().map(|(c, yen, _)| (c, yen)).collect()
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
