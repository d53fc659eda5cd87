//! Retention of benefit decisions (SPEC §5.8, issue #14): a decision goes with the claims it
//! covers, once its 対象終了年月 is before the claims' first kept month
//! (`claims::retention::first_kept_month`). Decisions are found through their
//! `benefit_months` marks, so the job reads no decision it keeps outside the households it
//! visits.

use std::ops::Bound::{Excluded, Unbounded};

use chrono::{DateTime, Utc};

use super::model::{BenefitIndex, BenefitMonth, BenefitRecord, benefit_months_from};
use crate::audit::{Action, Actor, AuditEntry};
use crate::claims::retention::{current_month, first_kept_month};
use crate::domain::claim::YearMonth;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{KEY_SEP, Store, Writer, key};

/// Deletes every decision whose 対象終了年月 is before the first kept month of the
/// settings' retention period at `now`, with its index entry, in write transactions of at
/// most `batch_size` households; one audit row when anything was deleted. Returns how many
/// decisions were deleted. Batches stay (the import history).
pub fn purge_expired_benefits(
    store: &Store,
    now: DateTime<Utc>,
    batch_size: usize,
) -> anyhow::Result<u64> {
    purge_expired_benefits_until(store, now, batch_size, &|| false)
}

/// [`purge_expired_benefits`] that asks `stop` before each write transaction and ends
/// there once it says so (the server stops); the rest goes at the next run.
pub fn purge_expired_benefits_until(
    store: &Store,
    now: DateTime<Utc>,
    batch_size: usize,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<u64> {
    let settings = store.read_blocking(|r| r.get::<UnionSettings>(SETTINGS))?;
    let months = settings.unwrap_or_default().retention_months;
    let Some(cutoff) = first_kept_month(current_month(now), months) else {
        return Ok(0);
    };
    let end = benefit_months_from(cutoff);
    let any = store.read_blocking(|r| {
        let mut any = false;
        r.walk::<BenefitMonth>((Unbounded, Excluded(end.as_str())), false, |_, _| {
            any = true;
            Ok(false)
        })?;
        Ok::<_, anyhow::Error>(any)
    })?;
    let mut deleted = 0u64;
    let mut finished = !any;
    while !finished && !stop() {
        let (n, last) = store.write_blocking(|w| purge_some(w, &end, cutoff, batch_size.max(1)))?;
        deleted += n;
        finished = last;
    }
    if deleted > 0 {
        store.write_blocking(|w| {
            AuditEntry::new(now, Actor::System, Action::BenefitsRetentionPurged)
                .detail(format!(
                    "deleted={deleted} before={:06} retention_months={months}",
                    cutoff.as_u32()
                ))
                .record(w)
        })?;
    }
    Ok(deleted)
}

/// Visits up to `limit` expired marks, oldest first, deleting their households' decisions
/// that end before `cutoff`; returns the decisions deleted and whether no mark is left.
fn purge_some(
    w: &mut Writer,
    end: &str,
    cutoff: YearMonth,
    limit: usize,
) -> anyhow::Result<(u64, bool)> {
    let mut marks = Vec::new();
    w.walk::<BenefitMonth>((Unbounded, Excluded(end)), false, |k, _| {
        marks.push(k.to_string());
        Ok(marks.len() < limit)
    })?;
    let mut deleted = 0u64;
    for mark in &marks {
        let mut parts = mark.split(KEY_SEP).skip(1);
        if let (Some(symbol), Some(number)) = (parts.next(), parts.next()) {
            let prefix = format!("{}{KEY_SEP}", key(&[symbol, number]));
            for (k, record) in w.scan::<BenefitRecord>(&prefix)? {
                if record.decision.to >= cutoff {
                    continue;
                }
                w.delete::<BenefitRecord>(&k)?;
                let number = &record.decision.number;
                if w.get::<BenefitIndex>(number)?.is_some_and(|i| i.key == k) {
                    w.delete::<BenefitIndex>(number)?;
                }
                deleted += 1;
            }
        }
        w.delete::<BenefitMonth>(mark)?;
    }
    Ok((deleted, marks.len() < limit))
}

#[cfg(test)]
mod tests;
