//! 監査ログ: the filter form, pages of 100 rows newest first, the CSV export read a chunk at
//! a time, and the daily retention job.

use chrono::{DateTime, NaiveDate, Utc};

use crate::audit::AuditEntry;
use crate::audit::query::{self, Cursor, Limits, Query};
use crate::clock::format_jst;
use crate::domain::csv_cell::neutralise;
use crate::domain::member::HouseholdKey;
use crate::settings::UnionSettings;
use crate::store::{Reader, Store};

/// Rows on one page.
pub const PAGE_ROWS: usize = 100;
/// Rows a page may read to find its matches (text filters are checked on the rows read).
pub const PAGE_BUDGET: usize = 2_000;
/// Rows of the CSV export read in one read transaction.
pub const EXPORT_CHUNK: usize = 1_000;
const EXPORT_BUDGET: usize = 20_000;

/// Filters as typed (all optional; the actor and the action match parts), and where the
/// page starts (`before`/`after` a row key, and the page number shown).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub household: String,
    pub action: String,
    pub before: String,
    pub after: String,
    pub page: String,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A row key as the table writes them (20 digits); anything else is ignored.
fn row_key(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 20 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_string())
}

impl AuditFilter {
    pub fn to_query(&self) -> Query {
        let household = self.household.trim();
        // `1201-105` as the store writes it (full-width digits folded); other targets as typed.
        let target = (!household.is_empty()).then(|| {
            HouseholdKey::parse_display(household)
                .map_or_else(|_| household.to_string(), |h| h.to_string())
        });
        Query {
            from: date(&self.from),
            to: date(&self.to),
            target,
            actor: self.actor.clone(),
            action: self.action.clone(),
        }
    }

    pub fn cursor(&self) -> Cursor {
        match (row_key(&self.before), row_key(&self.after)) {
            (Some(k), _) => Cursor::Older(k),
            (None, Some(k)) => Cursor::Newer(k),
            (None, None) => Cursor::Newest,
        }
    }

    /// The page number shown (1 without a cursor).
    pub fn page_number(&self) -> u64 {
        if self.cursor() == Cursor::Newest {
            return 1;
        }
        self.page
            .trim()
            .parse::<u64>()
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }

    /// The query string of the filters, for links (pages, CSV export).
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

/// One page of the log as the screen shows it.
pub struct AuditPage {
    pub rows: Vec<AuditEntry>,
    pub number: u64,
    /// Pages in all, when the counters tell it (no text or household filter).
    pub pages: Option<u64>,
    pub total: Option<u64>,
    /// Links: the older (next) and newer (previous) page, as query strings.
    pub older: Option<String>,
    pub newer: Option<String>,
    /// The page read its budget of rows before it was full.
    pub cut_short: bool,
}

/// The page the filter asks for. Reads at most [`PAGE_BUDGET`] rows.
pub fn page(r: &Reader, f: &AuditFilter) -> anyhow::Result<AuditPage> {
    let limits = Limits {
        rows: PAGE_ROWS,
        budget: PAGE_BUDGET,
    };
    let p = query::read(r, &f.to_query(), &f.cursor(), limits)?;
    let number = f.page_number();
    // Back at the newest page (a previous-page link that reached it) is page 1.
    let number = if p.newest { 1 } else { number.max(2) };
    let link = |dir: &str, key: &str, n: u64| format!("{}&{dir}={key}&page={n}", f.query());
    Ok(AuditPage {
        number,
        pages: p.total.map(|t| t.div_ceil(PAGE_ROWS as u64).max(1)),
        total: p.total,
        older: p.older.as_deref().map(|k| link("before", k, number + 1)),
        newer: p.newer.as_deref().map(|k| link("after", k, number - 1)),
        cut_short: p.cut_short,
        rows: p.rows,
    })
}

/// The next chunk of the export, from `cursor`: its rows, newest first, and where the next
/// chunk starts (`None` after the last).
pub fn export_chunk(
    r: &Reader,
    q: &Query,
    cursor: &Cursor,
) -> anyhow::Result<(Vec<AuditEntry>, Option<Cursor>)> {
    let limits = Limits {
        rows: EXPORT_CHUNK,
        budget: EXPORT_BUDGET,
    };
    let p = query::read(r, q, cursor, limits)?;
    Ok((p.rows, p.older.map(Cursor::Older)))
}

/// The start of the CSV: UTF-8 with BOM (Excel), and the header line.
pub fn csv_head() -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    w.write_record(["日時", "操作者", "操作", "対象", "接続元", "詳細", "回数"])?;
    w.flush()?;
    drop(w);
    Ok(out)
}

/// CSV lines of `rows`, times in Japan time.
pub fn csv_rows(rows: &[AuditEntry]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for e in rows {
            let (at, times) = (format_jst(e.at), e.times().to_string());
            let cells = [
                at.as_str(),
                &e.actor,
                &e.action,
                e.target.as_deref().unwrap_or(""),
                e.client.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
                &times,
            ];
            // Typed text ends up in these cells: never as a spreadsheet formula.
            w.write_record(cells.map(|c| neutralise(c).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The daily job: deletes audit rows older than the union's retention period, a batch at
/// a time; returns how many.
pub fn apply_retention(store: &Store, now: DateTime<Utc>) -> anyhow::Result<u64> {
    use crate::audit::retention::{BATCH_SIZE, purge_expired};
    let settings = store.read_blocking(|r| r.get::<UnionSettings>("union"))?;
    let months = settings.unwrap_or_default().audit_retention_months;
    purge_expired(store, now, months, BATCH_SIZE)
}
