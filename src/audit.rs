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

    /// Appends the entry inside the caller's write transaction.
    pub fn record(self, w: &mut Writer) -> anyhow::Result<()> {
        let id = w.next_id("audit")?;
        w.put(&id, &self)
    }
}
