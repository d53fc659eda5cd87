//! The audit log: who did what, when, from where. Never secrets, birth dates or medical data.
//!
//! Rows are keyed by a sequence number (`00000000000000000042`), so the table runs in the
//! order rows were written and "newest first" is a reverse range scan. Each row is written
//! with, in the same transaction: its `audit_by_target` entry (a household's trail), and
//! the counters of its day in Japan (`counts`), which turn a date filter into a key range
//! and feed the statistics. Nothing here reads the whole table.

mod action;
mod actor;
mod counts;
mod group;
pub mod query;
pub mod retention;
mod throttled;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Record, Writer, tables};

pub use action::Action;
pub use actor::Actor;
pub use counts::{AuditCount, AuditDay, backfill_counts, per_day};
pub use group::{GroupCommit, Receipt};
pub use throttled::ThrottledRow;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// An [`Actor`]'s stored form: `member:<user id>`, `staff:<login>`, `cli`, ...
    pub actor: String,
    /// An [`Action`]'s stored name: `registration.completed`, `login.failed`, ...
    pub action: String,
    /// The household key or account the action touched.
    pub target: Option<String>,
    pub client: Option<String>,
    pub detail: Option<String>,
    /// How many throttled attempts this row stands for (see [`AuditEntry::record_throttled`]);
    /// absent on every other row, which stands for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Record for AuditEntry {
    const TABLE: &'static str = tables::AUDIT;
}

impl AuditEntry {
    pub fn new(at: DateTime<Utc>, actor: impl Into<String>, action: Action) -> Self {
        Self {
            at,
            actor: actor.into(),
            action: action.as_str().to_string(),
            target: None,
            client: None,
            detail: None,
            count: None,
        }
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn client(mut self, client: Option<String>) -> Self {
        self.client = client;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// How many attempts the row stands for.
    pub fn times(&self) -> u64 {
        self.count.unwrap_or(1)
    }

    /// Appends the entry inside the caller's write transaction (indexed by target, and
    /// counted for its day).
    pub fn record(self, w: &mut Writer) -> anyhow::Result<()> {
        self.insert(w).map(|_| ())
    }

    /// Records a refused attempt: a throttled one joins the row of its address, action and
    /// minute ([`AuditEntry::record_throttled`]); any other is a row of its own.
    pub fn record_attempt(self, w: &mut Writer, throttled: bool) -> anyhow::Result<()> {
        if throttled {
            self.record_throttled(w)
        } else {
            self.record(w)
        }
    }

    /// Appends the entry and returns its key.
    fn insert(self, w: &mut Writer) -> anyhow::Result<String> {
        let mut ids = Self::insert_all(w, vec![self])?;
        ids.pop()
            .ok_or_else(|| anyhow::anyhow!("the audit row was not given a key"))
    }

    /// Appends `entries` in order, as [`AuditEntry::record`] would one by one, reading and
    /// writing the sequence and each counter once for them all (a group commit's rows).
    pub fn record_all(w: &mut Writer, entries: Vec<AuditEntry>) -> anyhow::Result<()> {
        Self::insert_all(w, entries).map(|_| ())
    }

    fn insert_all(w: &mut Writer, entries: Vec<AuditEntry>) -> anyhow::Result<Vec<String>> {
        let ids = w.next_ids("audit", entries.len())?;
        let mut counted = counts::Pending::default();
        for (entry, id) in entries.into_iter().zip(&ids) {
            if let Some(target) = &entry.target {
                w.put(&crate::store::key(&[target, id]), &AuditByTarget)?;
            }
            counted.add(&entry, id);
            w.put(id, &entry)?;
        }
        counted.write(w)?;
        Ok(ids)
    }
}

/// Index of audit entries by target: `target␟id`, so a household's trail is one range scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditByTarget;

impl Record for AuditByTarget {
    const TABLE: &'static str = tables::AUDIT_BY_TARGET;
}

/// The `audit_by_target` key prefix of `target`'s rows.
pub fn target_prefix(target: &str) -> String {
    format!("{target}{}", crate::store::KEY_SEP)
}

/// The newest `limit` entries about `target`, newest first.
pub fn trail(
    r: &crate::store::Reader,
    target: &str,
    limit: usize,
) -> anyhow::Result<Vec<AuditEntry>> {
    let q = query::Query {
        target: Some(target.to_string()),
        ..Default::default()
    };
    let limits = query::Limits {
        rows: limit,
        budget: limit,
    };
    Ok(query::read(r, &q, &query::Cursor::Newest, limits)?.rows)
}

#[cfg(test)]
mod tests;
