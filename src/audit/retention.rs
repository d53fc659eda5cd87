//! The audit log's retention period: rows before the last `months` months (the current
//! month in Japan time included) are deleted by the daily job, with their index entries and
//! day counters, in write transactions of at most a batch of rows.

use std::ops::Bound;

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};

use super::{AuditEntry, counts, target_prefix, throttled};
use crate::clock::today_jst;
use crate::store::{Store, Writer};

/// Rows deleted per write transaction by the daily job.
pub const BATCH_SIZE: usize = 1_000;

/// The first day that is kept: the first day of the oldest of the last `months` months
/// counted back from `today`'s month. With 84 months and 2026年11月, 2019年12月1日.
/// `months == 0` keeps everything.
pub fn first_kept_day(today: NaiveDate, months: u32) -> Option<NaiveDate> {
    let back = i32::try_from(months.checked_sub(1)?).ok()?;
    let index = today.year() * 12 + today.month0() as i32 - back;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

/// Deletes every row of a day before [`first_kept_day`] at `now`; returns how many rows,
/// and records one audit row when any went. Also forgets the throttled-attempt slots of
/// past minutes.
pub fn purge_expired(
    store: &Store,
    now: DateTime<Utc>,
    months: u32,
    batch_size: usize,
) -> anyhow::Result<u64> {
    let batch_size = batch_size.max(1);
    while store.write_blocking(|w| throttled::forget_before(w, now, batch_size))? > 0 {}
    let Some(cutoff) = first_kept_day(today_jst(now), months) else {
        return Ok(0);
    };
    let cutoff_day = counts::day_key(cutoff);
    let mut deleted = 0u64;
    if let Some(last) = store.read_blocking(|r| counts::last_before(r, &cutoff_day))? {
        let mut after: Option<String> = None;
        loop {
            let (n, next) = store
                .write_blocking(|w| delete_batch(w, after.as_deref(), &last, cutoff, batch_size))?;
            deleted += n;
            match next {
                Some(key) => after = Some(key),
                None => break,
            }
        }
    }
    while store.write_blocking(|w| counts::forget_before(w, &cutoff_day, batch_size))? > 0 {}
    if deleted > 0 {
        store.write_blocking(|w| {
            AuditEntry::new(now, "system", "audit.retention_purged")
                .detail(format!(
                    "deleted={deleted} before={cutoff_day} retention_months={months}"
                ))
                .record(w)
        })?;
    }
    Ok(deleted)
}

/// Reads at most `batch` rows after `after` up to `last` and deletes those of a day before
/// `cutoff`; returns how many went, and where to go on from (`None` at the end).
fn delete_batch(
    w: &mut Writer,
    after: Option<&str>,
    last: &str,
    cutoff: NaiveDate,
    batch: usize,
) -> anyhow::Result<(u64, Option<String>)> {
    let from = after.map_or(Bound::Unbounded, Bound::Excluded);
    let mut rows: Vec<(String, AuditEntry)> = Vec::new();
    w.walk::<AuditEntry>((from, Bound::Included(last)), false, |id, e| {
        rows.push((id.to_string(), e));
        Ok(rows.len() < batch)
    })?;
    let next = (rows.len() >= batch)
        .then(|| rows.last().map(|(k, _)| k.clone()))
        .flatten();
    let mut n = 0;
    // A row written with a clock set back may sit among older ones: only the day decides.
    for (id, e) in rows.iter().filter(|(_, e)| today_jst(e.at) < cutoff) {
        w.delete::<AuditEntry>(id)?;
        if let Some(target) = &e.target {
            w.delete::<super::AuditByTarget>(&format!("{}{id}", target_prefix(target)))?;
        }
        n += 1;
    }
    Ok((n, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn the_window_counts_the_current_month() {
        assert_eq!(first_kept_day(day(2026, 11, 2), 84), Some(day(2019, 12, 1)));
        assert_eq!(first_kept_day(day(2026, 1, 31), 12), Some(day(2025, 2, 1)));
        assert_eq!(first_kept_day(day(2026, 1, 31), 1), Some(day(2026, 1, 1)));
        assert_eq!(first_kept_day(day(2026, 1, 31), 0), None);
    }
}
