//! Retention (SPEC §5.8): claims older than `UnionSettings::retention_months` are deleted
//! by a daily job, a few at a time so that members and staff never wait on it. Claims are
//! found by month through `claim_months`, so the job reads nothing it keeps.

use std::ops::Bound::{Excluded, Included, Unbounded};

use chrono::{DateTime, Datelike as _, Utc};

use super::model::{
    ClaimIndex, ClaimMonth, ClaimRecord, claim_months_from, claims_of_month_prefix,
};
use super::totals::ClaimTotals;
use crate::audit::{Action, Actor, AuditEntry};
use crate::clock::today_jst;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::add_months;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{KEY_SEP, Record as _, Store, Writer};

/// Claims deleted per write transaction by the daily job.
pub const BATCH_SIZE: usize = 1_000;

/// The first month that is kept, or `None` when nothing is old enough to go.
///
/// The window is the last `months` months counted back from `current` (the current month
/// in Japan time), the current month included: with 60 months and a current month of
/// 2026年11月, the window is 2021年12月 to 2026年11月, and a claim whose 診療年月 is
/// 2021年11月 or earlier is deleted. `months == 0` keeps everything (the settings screen
/// accepts 12 to 240).
pub fn first_kept_month(current: YearMonth, months: u32) -> Option<YearMonth> {
    let back = i32::try_from(months.checked_sub(1)?).ok()?;
    add_months(current, -back)
}

/// The month that contains `now` in Japan time.
pub fn current_month(now: DateTime<Utc>) -> YearMonth {
    let today = today_jst(now);
    YearMonth::new(today.year(), today.month()).unwrap_or(YearMonth::MIN)
}

/// What one purge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purge {
    /// Claims deleted.
    pub deleted: u64,
    /// Month marks (`claim_months`) read: the purge reads no claim, only these.
    pub marks_read: u64,
    /// Write transactions committed.
    pub transactions: u64,
    /// Stopped before the end because the server stops (the rest goes at its next start).
    pub stopped: bool,
}

/// Deletes every claim whose 診療年月 is before [`first_kept_month`] of the settings'
/// retention period at `now`, with its `claim_index` entry, in write transactions of at
/// most `batch_size` claims; writes one audit row when anything was deleted. Returns how
/// many claims were deleted.
///
/// Batches and their `batch_people` rows stay: they are the import history (who, when,
/// how many), not medical data.
pub fn purge_expired_claims(
    store: &Store,
    now: DateTime<Utc>,
    batch_size: usize,
) -> anyhow::Result<u64> {
    Ok(purge(store, now, batch_size)?.deleted)
}

/// [`purge_expired_claims`], saying how much it read. The claims of an expired month are
/// found through its marks in `claim_months` (`YYYYMM␟symbol␟number`) and deleted by key
/// range, so no unexpired claim is read and nothing is decoded but the marks.
pub fn purge(store: &Store, now: DateTime<Utc>, batch_size: usize) -> anyhow::Result<Purge> {
    purge_until(store, now, batch_size, &|| false)
}

/// [`purge`] that asks `stop` before each write transaction and, once it says so, ends
/// there: a server that stops does not wait for a long purge (a shortened retention period
/// can expire a large part of the file at once). What was deleted stays deleted and is
/// audited; the rest goes at the next run.
pub fn purge_until(
    store: &Store,
    now: DateTime<Utc>,
    batch_size: usize,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Purge> {
    let settings = store.read_blocking(|r| r.get::<UnionSettings>(SETTINGS))?;
    let months = settings.unwrap_or_default().retention_months;
    let mut done = Purge::default();
    let Some(cutoff) = first_kept_month(current_month(now), months) else {
        return Ok(done);
    };
    let end = claim_months_from(cutoff);
    let batch_size = batch_size.max(1);
    // A read first: nothing expired (the usual start) writes nothing.
    let any = store.read_blocking(|r| {
        let mut any = false;
        r.walk::<ClaimMonth>((Unbounded, Excluded(&end)), false, |_, _| {
            any = true;
            Ok(false)
        })?;
        Ok::<_, anyhow::Error>(any)
    })?;
    done.marks_read += u64::from(any);
    let mut finished = !any;
    while !finished {
        if stop() {
            done.stopped = true;
            break;
        }
        let (deleted, marks, last) = store.write_blocking(|w| purge_some(w, &end, batch_size))?;
        done.deleted += deleted;
        done.marks_read += marks;
        done.transactions += 1;
        finished = last;
    }
    if done.deleted > 0 {
        let deleted = done.deleted;
        store.write_blocking(|w| {
            AuditEntry::new(now, Actor::System, Action::ClaimsRetentionPurged)
                .detail(format!(
                    "deleted={deleted} before={:06} retention_months={months}",
                    cutoff.as_u32()
                ))
                .record(w)
        })?;
    }
    Ok(done)
}

/// Deletes about `limit` claims (whole household-months) of the marks before `end`, oldest
/// month first; returns the
/// claims deleted, the marks read and whether no expired mark is left.
fn purge_some(w: &mut Writer, end: &str, limit: usize) -> anyhow::Result<(u64, u64, bool)> {
    let (mut deleted, mut marks) = (0usize, 0u64);
    loop {
        let mut first = None;
        w.walk::<ClaimMonth>((Unbounded, Excluded(end)), false, |k, _| {
            first = Some(k.to_string());
            Ok(false)
        })?;
        let Some(mark) = first else {
            return Ok((deleted as u64, marks, true));
        };
        marks += 1;
        // A household's month goes whole in one transaction, even past `limit` (it holds a
        // few dozen claims at most): its sums go with it, so a purge stopped between
        // transactions never leaves claims without their sums.
        let taken = match claims_of_month_prefix(&mark) {
            Some(prefix) => {
                let past = format!("{prefix}{}", char::MAX);
                let range = (Included(prefix.as_str()), Excluded(past.as_str()));
                w.take_keys(ClaimRecord::TABLE, range, usize::MAX)?
            }
            None => Vec::new(),
        };
        if !taken.is_empty() {
            // The whole month of this household is expired: its sums go with its first
            // deleted claims (`claim_totals` has the claims' `symbol␟number␟YYYYMM␟`).
            if let Some(prefix) = claims_of_month_prefix(&mark) {
                w.delete_prefix::<ClaimTotals>(&prefix)?;
            }
        }
        for key in &taken {
            let receipt = key.rsplit(KEY_SEP).next().unwrap_or_default();
            if w.get::<ClaimIndex>(receipt)?.is_some_and(|i| &i.key == key) {
                w.delete::<ClaimIndex>(receipt)?;
            }
        }
        deleted += taken.len();
        // The month of this household is empty now.
        w.delete::<ClaimMonth>(&mark)?;
        if deleted >= limit {
            return Ok((deleted as u64, marks, false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).expect("month")
    }

    #[test]
    fn the_window_counts_the_current_month() {
        assert_eq!(first_kept_month(ym(2026, 11), 60), Some(ym(2021, 12)));
        assert_eq!(first_kept_month(ym(2026, 1), 12), Some(ym(2025, 2)));
        assert_eq!(first_kept_month(ym(2026, 1), 1), Some(ym(2026, 1)));
        assert_eq!(first_kept_month(ym(2026, 1), 0), None);
    }

    #[test]
    fn the_current_month_is_japan_time() {
        // 2026-10-31 15:30 UTC is already 2026-11-01 in Japan.
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 10, 31, 15, 30, 0)
            .single()
            .expect("time");
        assert_eq!(current_month(now), ym(2026, 11));
    }
}
