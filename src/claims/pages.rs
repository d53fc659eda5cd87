//! The medical-expense screens read from the stored sums (`claims::totals`): their totals,
//! counts and charts come from a household's few sums rows, and their table reads only the
//! claims of the months that the page shown covers.

use std::collections::HashSet;

use super::query::{Published, visible_claims};
use super::totals::{for_each_stored, walk_stored};
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::expenses::Totals;
use crate::domain::member::{HouseholdKey, Person};
use crate::store::Reader;

/// The sums of one month and person, of the claims the household may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSum {
    pub month: YearMonth,
    pub branch: String,
    pub totals: Totals,
}

/// The sums of the visible claims of `people` in `from..=to`, by month (ascending) and
/// 枝番: rows of published batches only, and of these people only.
pub fn visible_sums(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
    from: YearMonth,
    to: YearMonth,
) -> anyhow::Result<Vec<MonthSum>> {
    let branches: HashSet<&str> = people.iter().map(|p| p.branch.as_str()).collect();
    let mut published = Published::new(r);
    let mut out: Vec<MonthSum> = Vec::new();
    // Stored rows run by month, then 枝番, then batch: one person's month is consecutive.
    for_each_stored(r, household, from, to, |month, branch, batch, stored| {
        if !branches.contains(branch) || !published.contains(batch)? {
            return Ok(());
        }
        match out.last_mut() {
            Some(last) if last.month == month && last.branch == branch => {
                last.totals += stored.totals();
            }
            _ => out.push(MonthSum {
                month,
                branch: branch.to_string(),
                totals: stored.totals(),
            }),
        }
        Ok(())
    })?;
    Ok(out)
}

/// The years from `first` to `last` in which `people` have visible claims, newest first.
/// Each year's sums are read only up to its first visible row (the chart asks for six
/// years on every view: reading all their sums doubled the cost of a page).
pub fn years_with_claims(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
    first: i32,
    last: i32,
) -> anyhow::Result<Vec<i32>> {
    let branches: HashSet<&str> = people.iter().map(|p| p.branch.as_str()).collect();
    let mut published = Published::new(r);
    let mut years = Vec::new();
    for year in (first..=last).rev() {
        let (Some(from), Some(to)) = (YearMonth::new(year, 1), YearMonth::new(year, 12)) else {
            continue;
        };
        let mut found = false;
        walk_stored(r, household, from, to, |_, branch, batch, stored| {
            found = stored.claims > 0 && branches.contains(branch) && published.contains(batch)?;
            Ok(!found)
        })?;
        if found {
            years.push(year);
        }
    }
    Ok(years)
}

/// The sum of every row of `sums`.
pub fn total(sums: &[MonthSum]) -> Totals {
    sums.iter().fold(Totals::default(), |mut t, s| {
        t += s.totals;
        t
    })
}

/// How many pages of `size` rows `count` claims fill (at least one).
pub fn pages(count: u64, size: usize) -> usize {
    usize::try_from(count)
        .unwrap_or(usize::MAX)
        .div_ceil(size.max(1))
        .max(1)
}

/// The claims of page `page` (from 1) of `size` rows, newest month first, then by 枝番 and
/// receipt number, among the visible claims of `people` that `sums` counts (the sums of the
/// same people and months): only the months this page covers are read.
pub fn page_claims(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
    sums: &[MonthSum],
    size: usize,
    page: usize,
) -> anyhow::Result<Vec<Claim>> {
    let size = size.max(1);
    let skip = page.saturating_sub(1).saturating_mul(size);
    // Per month, newest first.
    let mut months: Vec<(YearMonth, usize)> = Vec::new();
    for s in sums.iter().rev() {
        let n = usize::try_from(s.totals.claims).unwrap_or(usize::MAX);
        match months.last_mut() {
            Some((month, count)) if *month == s.month => *count = count.saturating_add(n),
            _ => months.push((s.month, n)),
        }
    }
    // Rows in months newer than the page's, and the newest and oldest month it shows.
    let mut before = 0usize;
    let mut seen = 0usize;
    let mut newest = None;
    let mut oldest = None;
    for (month, n) in months {
        seen = seen.saturating_add(n);
        if newest.is_none() && seen <= skip {
            before = seen;
            continue;
        }
        newest.get_or_insert(month);
        oldest = Some(month);
        if seen >= skip.saturating_add(size) {
            break;
        }
    }
    let (Some(newest), Some(oldest)) = (newest, oldest) else {
        return Ok(Vec::new());
    };
    let claims = visible_claims(r, household, people, oldest, newest)?;
    Ok(claims
        .into_iter()
        .skip(skip.saturating_sub(before))
        .take(size)
        .collect())
}
