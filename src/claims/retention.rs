//! Retention (SPEC §5.8): claims older than `UnionSettings::retention_months` are deleted
//! by a daily job, a few at a time so that members and staff never wait on it.

use chrono::{DateTime, Datelike as _, Utc};

use super::model::{ClaimIndex, ClaimRecord};
use super::totals::Changes;
use crate::audit::{Action, Actor, AuditEntry};
use crate::clock::today_jst;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::add_months;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Store, household_prefix};

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
    let settings = store.read_blocking(|r| r.get::<UnionSettings>(SETTINGS))?;
    let months = settings.unwrap_or_default().retention_months;
    let Some(cutoff) = first_kept_month(current_month(now), months) else {
        return Ok(0);
    };
    let batch_size = batch_size.max(1);
    let mut deleted = 0u64;
    let mut start = String::new();
    loop {
        let (expired, next) = store.read_blocking(|r| {
            let mut expired = Vec::new();
            let mut next = Some(start.clone());
            while let Some(from) = next.take() {
                r.for_each_from::<ClaimRecord>(&from, |k, record| {
                    let claim = &record.claim;
                    if claim.month >= cutoff {
                        // Keys run by household then month: skip the rest of this household.
                        next = Some(format!(
                            "{}{}",
                            household_prefix(&claim.household),
                            char::MAX
                        ));
                        return Ok(false);
                    }
                    expired.push((k.to_string(), claim.receipt_number.clone()));
                    if expired.len() >= batch_size {
                        // Resume just after this key.
                        next = Some(format!("{k}\u{0}"));
                        return Ok(false);
                    }
                    Ok(true)
                })?;
                if expired.len() >= batch_size {
                    break;
                }
            }
            Ok::<_, anyhow::Error>((expired, next))
        })?;
        if !expired.is_empty() {
            deleted += store.write_blocking(|w| {
                let mut n = 0u64;
                let mut totals = Changes::default();
                for (key, receipt) in &expired {
                    // Checked again: an import may have changed the claim since the scan.
                    let Some(record) = w
                        .get::<ClaimRecord>(key)?
                        .filter(|r| r.claim.month < cutoff)
                    else {
                        continue;
                    };
                    totals.removed(&record);
                    w.delete::<ClaimRecord>(key)?;
                    if w.get::<ClaimIndex>(receipt)?.is_some_and(|i| &i.key == key) {
                        w.delete::<ClaimIndex>(receipt)?;
                    }
                    n += 1;
                }
                totals.apply(w)?;
                Ok::<_, anyhow::Error>(n)
            })?;
        }
        match next {
            Some(from) => start = from,
            None => break,
        }
    }
    if deleted > 0 {
        store.write_blocking(|w| {
            AuditEntry::new(now, Actor::System, Action::ClaimsRetentionPurged)
                .detail(format!(
                    "deleted={deleted} before={:06} retention_months={months}",
                    cutoff.as_u32()
                ))
                .record(w)
        })?;
    }
    Ok(deleted)
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
