//! Sums of the stored claims per household, month, person (枝番) and batch, kept in
//! `claim_totals` by every change to `claims` (import, retention), so that the headers,
//! charts and paging of the medical-expense screens never rescan a household's claims.
//!
//! What a household may see is decided when the sums are read, exactly as for the claims
//! themselves: only rows of published batches count (publication changes no sum), and only
//! rows of people not hidden from the household (SPEC §5.8: hiding a person changes no sum).
//!
//! Key: `symbol␟number␟YYYYMM␟branch␟batch`, so a household's months are one range scan.
//! A row whose count falls to zero is deleted: the table always equals [`rebuild`]'s
//! result from `claims`, which the tests check after every kind of change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{ClaimRecord, month_part};
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::expenses::Totals;
use crate::domain::member::HouseholdKey;
use crate::domain::yen::YenSum;
use crate::store::{KEY_SEP, Reader, Writer, key};

/// The sums of one household, month, person and batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimTotals {
    pub claims: u64,
    pub days: u64,
    pub total_cost: u128,
    pub self_pay: u128,
    pub benefit: u128,
}

impl ClaimTotals {
    /// The sums as the screens use them.
    pub fn totals(&self) -> Totals {
        Totals {
            claims: self.claims,
            days: self.days,
            total_cost: YenSum::new(self.total_cost),
            self_pay: YenSum::new(self.self_pay),
            benefit: YenSum::new(self.benefit),
        }
    }
}

/// Key of the sums of `claim` stored in `batch`.
pub fn totals_key(batch: &str, claim: &Claim) -> String {
    key(&[
        &claim.household.symbol,
        &claim.household.number,
        &month_part(claim.month),
        &claim.branch,
        batch,
    ])
}

/// First key of a household's sums of `month` or later.
fn month_start(household: &HouseholdKey, month: YearMonth) -> String {
    key(&[&household.symbol, &household.number, &month_part(month)])
}

/// The key prefix of a household's sums of `month`.
pub fn month_prefix(household: &HouseholdKey, month: YearMonth) -> String {
    format!("{}{KEY_SEP}", month_start(household, month))
}

/// Month, 枝番 and batch of a key of `claim_totals` (read without allocating: a page reads
/// a few hundred of them).
fn parts(k: &str) -> Option<(YearMonth, &str, &str)> {
    let mut parts = k.split(KEY_SEP).skip(2);
    let month: u32 = parts.next()?.parse().ok()?;
    let month = YearMonth::new(i32::try_from(month / 100).ok()?, month % 100)?;
    Some((month, parts.next()?, parts.next()?))
}

mod changes;
pub use changes::{Changes, gather_less};

/// Claims read per slice by [`rebuild`] (bounds its memory).
const REBUILD_SLICE: usize = 50_000;

/// Adds a stored claim to sums recounted from `claims` (the verify job's reference).
pub fn count_into(sums: &mut BTreeMap<String, ClaimTotals>, record: &ClaimRecord) {
    let c = &record.claim;
    let t = sums.entry(totals_key(&record.batch, c)).or_default();
    t.claims = t.claims.saturating_add(1);
    t.days = t.days.saturating_add(u64::from(c.days));
    t.total_cost = t.total_cost.saturating_add(u128::from(c.total_cost));
    t.self_pay = t.self_pay.saturating_add(u128::from(c.self_pay));
    t.benefit = t.benefit.saturating_add(u128::from(c.benefit));
}

/// Recomputes `claim_totals` from every stored claim (one pass over `claims`): the
/// migration of files written before the table existed, and the tests' reference.
pub fn rebuild(w: &mut Writer) -> anyhow::Result<u64> {
    w.delete_prefix::<ClaimTotals>("")?;
    let mut changes = Changes::default();
    let mut start = String::new();
    let mut seen = 0u64;
    loop {
        // A slice of claims at a time, so the gathered rows stay bounded.
        let mut slice = Vec::new();
        w.walk::<ClaimRecord>(
            (
                std::ops::Bound::Included(start.as_str()),
                std::ops::Bound::Unbounded,
            ),
            false,
            |k, record| {
                slice.push((k.to_string(), record));
                Ok(slice.len() < REBUILD_SLICE)
            },
        )?;
        let Some((last, _)) = slice.last() else { break };
        start = format!("{last}\u{0}");
        let full = slice.len() >= REBUILD_SLICE;
        for (_, record) in &slice {
            changes.added(record);
        }
        seen += slice.len() as u64;
        changes.apply(w)?;
        if !full {
            break;
        }
    }
    Ok(seen)
}

/// The migration to schema 4 (after the compact claims of schema 3): the sums of a file
/// written before they existed, and how far its published data reaches
/// (`claims::query::data_status`).
pub fn build(w: &mut Writer) -> anyhow::Result<()> {
    rebuild(w)?;
    super::query::rebuild_reach(w)
}

/// Calls `f` with each stored row of a household's months `from..=to` (every batch, every
/// person), in key order: by month, then 枝番, then batch.
pub fn for_each_stored(
    r: &Reader,
    household: &HouseholdKey,
    from: YearMonth,
    to: YearMonth,
    mut f: impl FnMut(YearMonth, &str, &str, &ClaimTotals) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    walk_stored(r, household, from, to, |month, branch, batch, totals| {
        f(month, branch, batch, totals)?;
        Ok(true)
    })
}

/// [`for_each_stored`], stopping as soon as `f` returns `false`.
pub fn walk_stored(
    r: &Reader,
    household: &HouseholdKey,
    from: YearMonth,
    to: YearMonth,
    mut f: impl FnMut(YearMonth, &str, &str, &ClaimTotals) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let start = month_start(household, from);
    let end = format!("{}{}", month_start(household, to), char::MAX);
    r.walk::<ClaimTotals>(
        (
            std::ops::Bound::Included(start.as_str()),
            std::ops::Bound::Excluded(end.as_str()),
        ),
        false,
        |k, totals| match parts(k) {
            Some((month, branch, batch)) => f(month, branch, batch, &totals),
            None => Ok(true),
        },
    )
}

#[cfg(test)]
mod paging_tests;
#[cfg(test)]
pub(crate) mod tests;
