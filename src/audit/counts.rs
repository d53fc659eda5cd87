//! Counters kept with the audit rows, in the same write: per day in Japan, how many rows
//! and the first and last of their keys (`audit_days`), and how many of each action
//! (`audit_counts`). A date filter becomes a key range, and the statistics read a few
//! counters instead of the log.

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Action, AuditEntry};
use crate::clock::today_jst;
use crate::store::{Reader, Record, Writer, key, tables};

/// One day's rows: `audit_days`, keyed `YYYY-MM-DD` (Japan time).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDay {
    pub rows: u64,
    /// The smallest and largest key of the day's rows: every row of the day lies between.
    pub first: String,
    pub last: String,
}

impl Record for AuditDay {
    const TABLE: &'static str = tables::AUDIT_DAYS;
}

impl AuditDay {
    fn add(&mut self, id: &str) {
        if self.rows == 0 || id < self.first.as_str() {
            self.first = id.to_string();
        }
        if id > self.last.as_str() {
            self.last = id.to_string();
        }
        self.rows += 1;
    }

    /// Adds the rows counted in `other`.
    fn merge(&mut self, other: AuditDay) {
        if self.rows == 0 || other.first < self.first {
            self.first = other.first;
        }
        if other.last > self.last {
            self.last = other.last;
        }
        self.rows += other.rows;
    }
}

/// Rows of one action on one day: `audit_counts`, keyed `YYYY-MM-DD␟action`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCount(pub u64);

impl Record for AuditCount {
    const TABLE: &'static str = tables::AUDIT_COUNTS;
}

pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The counters of rows being written, added to the stored ones once for all the rows of
/// a write ([`Pending::write`]).
#[derive(Default)]
pub(super) struct Pending {
    days: BTreeMap<String, AuditDay>,
    actions: BTreeMap<String, u64>,
}

impl Pending {
    /// Counts a new row.
    pub(super) fn add(&mut self, entry: &AuditEntry, id: &str) {
        let day = day_key(today_jst(entry.at));
        *self.actions.entry(key(&[&day, &entry.action])).or_default() += 1;
        self.days.entry(day).or_default().add(id);
    }

    /// Adds the counts to the stored counters (called in the rows' write).
    pub(super) fn write(self, w: &mut Writer) -> anyhow::Result<()> {
        for (day, new) in self.days {
            let mut d = w.get::<AuditDay>(&day)?.unwrap_or_default();
            d.merge(new);
            w.put(&day, &d)?;
        }
        for (k, n) in self.actions {
            let stored = w.get::<AuditCount>(&k)?.unwrap_or_default().0;
            w.put(&k, &AuditCount(stored + n))?;
        }
        Ok(())
    }
}

/// How many rows of `action` each of `days` holds (one counter read per day).
pub fn per_day(r: &Reader, action: Action, days: &[NaiveDate]) -> anyhow::Result<Vec<u64>> {
    days.iter()
        .map(|d| {
            Ok(r.get::<AuditCount>(&key(&[&day_key(*d), action.as_str()]))?
                .map_or(0, |c| c.0))
        })
        .collect()
}

/// The rows of the days `from..=to` (either open): how many, and the key range they lie
/// in; `None` when those days hold no row. Reads one counter per day that has rows.
pub fn span(
    r: &Reader,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<Option<AuditDay>> {
    let (lo, hi) = (from.map(day_key), to.map(day_key));
    let range = (
        lo.as_deref().map_or(Bound::Unbounded, Bound::Included),
        hi.as_deref().map_or(Bound::Unbounded, Bound::Included),
    );
    let mut all: Option<AuditDay> = None;
    r.walk::<AuditDay>(range, false, |_, d| {
        if let Some(sum) = all.as_mut() {
            if d.first < sum.first {
                sum.first = d.first;
            }
            if d.last > sum.last {
                sum.last = d.last;
            }
            sum.rows += d.rows;
        } else {
            all = Some(d);
        }
        Ok(true)
    })?;
    Ok(all)
}

/// The largest row key of the days before `day`, if any.
pub(super) fn last_before(r: &Reader, day: &str) -> anyhow::Result<Option<String>> {
    let mut last: Option<String> = None;
    r.walk::<AuditDay>((Bound::Unbounded, Bound::Excluded(day)), false, |_, d| {
        if last.as_deref().is_none_or(|l| d.last.as_str() > l) {
            last = Some(d.last);
        }
        Ok(true)
    })?;
    Ok(last)
}

/// Deletes at most `limit` counters of days before `day`; returns how many.
pub(super) fn forget_before(w: &mut Writer, day: &str, limit: usize) -> anyhow::Result<u64> {
    let range = (Bound::Unbounded, Bound::Excluded(day));
    let days = w.delete_range::<AuditDay>(range, limit)?;
    let counts = w.delete_range::<AuditCount>(range, limit)?;
    Ok(days + counts)
}

/// Counts every row of the table again, for a data file written before the counters
/// existed (run once, when the store opens it).
pub fn backfill_counts(w: &mut Writer) -> anyhow::Result<()> {
    let mut days: BTreeMap<String, AuditDay> = BTreeMap::new();
    let mut actions: BTreeMap<String, u64> = BTreeMap::new();
    w.walk::<AuditEntry>((Bound::Unbounded, Bound::Unbounded), false, |id, e| {
        let day = day_key(today_jst(e.at));
        *actions.entry(key(&[&day, &e.action])).or_default() += 1;
        days.entry(day).or_default().add(id);
        Ok(true)
    })?;
    w.delete_prefix::<AuditDay>("")?;
    w.delete_prefix::<AuditCount>("")?;
    for (day, d) in days {
        w.put(&day, &d)?;
    }
    for (k, n) in actions {
        w.put(&k, &AuditCount(n))?;
    }
    Ok(())
}
