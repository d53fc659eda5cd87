//! The audit log stays bounded (issue #10, item 10): pages read a page, a flood of throttled
//! attempts is one counted row, old rows go at the daily job, and the statistics read
//! counters instead of the log.

mod paging;
mod retention;
mod stats;
mod throttled;

use chrono::{DateTime, Utc};
use kenpo::audit::AuditEntry;
use kenpo::store::Store;

/// Appends `n` rows of `action` at `at`, in one write.
pub fn seed(store: &Store, n: usize, action: &str, at: DateTime<Utc>) {
    store
        .write_blocking(|w| {
            for i in 0..n {
                AuditEntry::new(at, "staff:seed", action)
                    .detail(format!("row {i}"))
                    .record(w)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("seed audit rows");
}

/// Every audit row, oldest first (reads the whole table: for assertions only).
pub fn all_rows(store: &Store) -> Vec<AuditEntry> {
    store
        .read_blocking(|r| r.scan::<AuditEntry>(""))
        .expect("read audit")
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}
