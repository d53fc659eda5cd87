//! 監査ログ: filtering the audit table and exporting it as CSV.

use chrono::NaiveDate;

use crate::audit::AuditEntry;
use crate::clock::{format_jst, today_jst};
use crate::domain::csv_cell::neutralise;
use crate::store::Reader;

pub const PAGE_LIMIT: usize = 500;

/// Filters as typed (all optional; text filters match parts).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub household: String,
    pub action: String,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        let day = today_jst(e.at);
        let contains = |field: Option<&str>, want: &str| {
            let want = want.trim();
            want.is_empty()
                || field.is_some_and(|f| f.to_lowercase().contains(&want.to_lowercase()))
        };
        date(&self.from).is_none_or(|d| day >= d)
            && date(&self.to).is_none_or(|d| day <= d)
            && contains(Some(&e.actor), &self.actor)
            && contains(e.target.as_deref(), &self.household)
            && contains(Some(&e.action), &self.action)
    }

    /// The query string for links (CSV export with the same filters).
    pub fn query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .append_pair("actor", &self.actor)
            .append_pair("household", &self.household)
            .append_pair("action", &self.action)
            .finish()
    }
}

fn select(
    all: Vec<(String, AuditEntry)>,
    filter: &AuditFilter,
    limit: usize,
) -> (Vec<AuditEntry>, bool) {
    let mut rows = Vec::new();
    for (_, e) in all.into_iter().rev() {
        if filter.matches(&e) {
            if rows.len() >= limit {
                return (rows, true);
            }
            rows.push(e);
        }
    }
    (rows, false)
}

/// Matching rows, newest first, at most `limit`; and whether more matched.
pub fn find(
    r: &Reader,
    filter: &AuditFilter,
    limit: usize,
) -> anyhow::Result<(Vec<AuditEntry>, bool)> {
    Ok(select(r.scan::<AuditEntry>("")?, filter, limit))
}

/// CSV, UTF-8 with BOM (Excel), times in Japan time.
pub fn csv(rows: &[AuditEntry]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(["日時", "操作者", "操作", "対象", "接続元", "詳細"])?;
        for e in rows {
            let at = format_jst(e.at);
            let cells = [
                at.as_str(),
                &e.actor,
                &e.action,
                e.target.as_deref().unwrap_or(""),
                e.client.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
            ];
            // Typed text ends up in these cells: never as a spreadsheet formula.
            w.write_record(cells.map(|c| neutralise(c).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The daily job: deletes audit rows older than the retention period. (Stub.)
pub fn apply_retention(
    _store: &crate::store::Store,
    _now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    Ok(0)
}
