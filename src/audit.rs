//! The audit log: who did what, when, from where. Never secrets, birth dates or medical data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::Writer;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// `member:<user id>`, `staff:<login>`, `temporary:<temp id>`, `cli`, `system`.
    pub actor: String,
    /// A short English verb phrase: `registration.completed`, `login.failed`, ...
    pub action: String,
    /// The household key or account the action touched.
    pub target: Option<String>,
    pub client: Option<String>,
    pub detail: Option<String>,
}

impl AuditEntry {
    pub fn new(at: DateTime<Utc>, actor: impl Into<String>, action: &str) -> Self {
        Self {
            at,
            actor: actor.into(),
            action: action.to_string(),
            target: None,
            client: None,
            detail: None,
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

    /// Appends the entry inside the caller's write transaction (and indexes it by target).
    pub fn record(self, w: &mut Writer) -> anyhow::Result<()> {
        let id = w.next_id("audit")?;
        if let Some(target) = &self.target {
            w.put(&crate::store::key(&[target, &id]), &AuditByTarget)?;
        }
        w.put(&id, &self)
    }
}

/// Index of audit entries by target: `target␟id`, so a household's trail is one range scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditByTarget;

/// The newest `limit` entries about `target`, newest first.
pub fn trail(
    r: &crate::store::Reader,
    target: &str,
    limit: usize,
) -> anyhow::Result<Vec<AuditEntry>> {
    let prefix = format!("{}{}", crate::store::key(&[target]), crate::store::KEY_SEP);
    let keys = r.scan::<AuditByTarget>(&prefix)?;
    let mut rows = Vec::with_capacity(limit.min(keys.len()));
    for (k, _) in keys.iter().rev().take(limit) {
        let id = k.rsplit(crate::store::KEY_SEP).next().unwrap_or_default();
        if let Some(entry) = r.get::<AuditEntry>(id)? {
            rows.push(entry);
        }
    }
    Ok(rows)
}
