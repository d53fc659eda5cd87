//! Reading the audit log a page at a time, newest first: through the table's key order,
//! the day counters (a date filter is a key range) and the target index (a household is a
//! key prefix). Text filters are checked on the rows read, and a page reads at most a
//! budget of rows, so its work is bounded however long the log grows.

use std::ops::Bound::{self, Excluded, Included, Unbounded};

use chrono::NaiveDate;

use super::{AuditByTarget, AuditEntry, counts, target_prefix};
use crate::clock::today_jst;
use crate::store::Reader;

/// What to show. Empty text filters match everything.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Days in Japan, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Exactly this target (through the `audit_by_target` index).
    pub target: Option<String>,
    /// Part of the actor, any case.
    pub actor: String,
    /// Part of the action, any case.
    pub action: String,
}

fn contains(field: &str, want: &str) -> bool {
    let want = want.trim();
    want.is_empty() || field.to_lowercase().contains(&want.to_lowercase())
}

impl Query {
    /// Whether only the key range decides (no text filter, no target): the counters then
    /// know how many rows match.
    fn is_range_only(&self) -> bool {
        self.target.is_none() && self.actor.trim().is_empty() && self.action.trim().is_empty()
    }

    pub fn matches(&self, e: &AuditEntry) -> bool {
        let day = today_jst(e.at);
        self.from.is_none_or(|d| day >= d)
            && self.to.is_none_or(|d| day <= d)
            && self
                .target
                .as_ref()
                .is_none_or(|t| e.target.as_ref() == Some(t))
            && contains(&e.actor, &self.actor)
            && contains(&e.action, &self.action)
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Newest,
    /// The rows just older than this key.
    Older(String),
    /// The rows just newer than this key.
    Newer(String),
}

/// A page's size, and how many rows it may read to fill it.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub rows: usize,
    pub budget: usize,
}

#[derive(Debug, Default)]
pub struct Page {
    /// Newest first.
    pub rows: Vec<AuditEntry>,
    /// The cursor of the next, older page, when there may be one.
    pub older: Option<String>,
    /// The cursor of the previous, newer page, when there is one.
    pub newer: Option<String>,
    /// Matching rows in all, when the counters tell it without reading rows.
    pub total: Option<u64>,
    /// Reading stopped at the budget before the page was full: `older` goes on from there.
    pub cut_short: bool,
    /// This is the newest page (there is no newer one).
    pub newest: bool,
}

type Range = (Bound<String>, Bound<String>);

/// The keys of the rows of the query's days; `None` when those days hold no row.
fn day_range(r: &Reader, q: &Query) -> anyhow::Result<Option<Range>> {
    if q.from.is_none() && q.to.is_none() {
        return Ok(Some((Unbounded, Unbounded)));
    }
    Ok(counts::span(r, q.from, q.to)?.map(|d| (Included(d.first), Included(d.last))))
}

/// `range` without `key` and everything on one side of it.
fn beyond(range: &Range, key: &str, older: bool) -> Range {
    let cut = Excluded(key.to_string());
    let (lo, hi) = range.clone();
    if older {
        let hi = match &hi {
            Included(h) | Excluded(h) if h.as_str() < key => hi,
            _ => cut,
        };
        (lo, hi)
    } else {
        let lo = match &lo {
            Included(l) | Excluded(l) if l.as_str() > key => lo,
            _ => cut,
        };
        (lo, hi)
    }
}

fn prefixed(bound: &Bound<String>, prefix: &str, end: bool) -> Bound<String> {
    match bound {
        Included(k) => Included(format!("{prefix}{k}")),
        Excluded(k) => Excluded(format!("{prefix}{k}")),
        Unbounded if end => Excluded(format!("{prefix}{}", char::MAX)),
        Unbounded => Included(prefix.to_string()),
    }
}

fn as_ref(b: &Bound<String>) -> Bound<&str> {
    b.as_ref().map(String::as_str)
}

/// Calls `f` with each row in `range` (by key, or `reverse`d), through the target index
/// when the query names a target, until it returns false.
fn each(
    r: &Reader,
    q: &Query,
    range: &Range,
    reverse: bool,
    mut f: impl FnMut(&str, AuditEntry) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let Some(target) = &q.target else {
        return r.walk::<AuditEntry>((as_ref(&range.0), as_ref(&range.1)), reverse, f);
    };
    let prefix = target_prefix(target);
    let (lo, hi) = (
        prefixed(&range.0, &prefix, false),
        prefixed(&range.1, &prefix, true),
    );
    r.walk::<AuditByTarget>((as_ref(&lo), as_ref(&hi)), reverse, |k, _| {
        let id = k.strip_prefix(prefix.as_str()).unwrap_or(k);
        match r.get::<AuditEntry>(id)? {
            Some(e) => f(id, e),
            None => Ok(true),
        }
    })
}

/// One page of the rows that match `q`, from `cursor`.
pub fn read(r: &Reader, q: &Query, cursor: &Cursor, limits: Limits) -> anyhow::Result<Page> {
    let total = total(r, q)?;
    let Some(days) = day_range(r, q)? else {
        return Ok(Page {
            total,
            newest: true,
            ..Page::default()
        });
    };
    let mut page = match cursor {
        Cursor::Newest => newest_page(r, q, &days, limits)?,
        Cursor::Older(key) => older_page(r, q, &beyond(&days, key, true), limits)?,
        Cursor::Newer(key) => newer_page(r, q, &days, key, limits)?,
    };
    page.total = total;
    Ok(page)
}

fn total(r: &Reader, q: &Query) -> anyhow::Result<Option<u64>> {
    if !q.is_range_only() {
        return Ok(None);
    }
    if q.from.is_none() && q.to.is_none() {
        return Ok(Some(r.count::<AuditEntry>()?));
    }
    Ok(Some(counts::span(r, q.from, q.to)?.map_or(0, |d| d.rows)))
}

fn newest_page(r: &Reader, q: &Query, days: &Range, limits: Limits) -> anyhow::Result<Page> {
    Ok(Page {
        newer: None,
        newest: true,
        ..older_page(r, q, days, limits)?
    })
}

/// The newest `limits.rows` matching rows in `range`.
fn older_page(r: &Reader, q: &Query, range: &Range, limits: Limits) -> anyhow::Result<Page> {
    let mut page = Page::default();
    let mut keys: Vec<String> = Vec::new();
    let mut examined = 0;
    each(r, q, range, true, |id, e| {
        examined += 1;
        if q.matches(&e) {
            if page.rows.len() >= limits.rows {
                page.older = keys.last().cloned();
                return Ok(false);
            }
            keys.push(id.to_string());
            page.rows.push(e);
        }
        if examined >= limits.budget {
            page.cut_short = page.rows.len() < limits.rows;
            page.older = Some(id.to_string());
            return Ok(false);
        }
        Ok(true)
    })?;
    // The rows just newer than this page's newest are the previous page.
    page.newer = keys.first().cloned();
    Ok(page)
}

/// The `limits.rows` matching rows just newer than `key`; the newest page when fewer are
/// left.
fn newer_page(
    r: &Reader,
    q: &Query,
    days: &Range,
    key: &str,
    limits: Limits,
) -> anyhow::Result<Page> {
    let mut found: Vec<(String, AuditEntry)> = Vec::new();
    let (mut examined, mut more) = (0, false);
    each(r, q, &beyond(days, key, false), false, |id, e| {
        examined += 1;
        if q.matches(&e) {
            if found.len() >= limits.rows {
                more = true;
                return Ok(false);
            }
            found.push((id.to_string(), e));
        }
        if examined >= limits.budget {
            more = true;
            return Ok(false);
        }
        Ok(true)
    })?;
    if !more {
        return newest_page(r, q, days, limits);
    }
    found.reverse();
    Ok(Page {
        older: found
            .last()
            .map_or(Some(key.to_string()), |(k, _)| Some(k.clone())),
        newer: found.first().map(|(k, _)| k.clone()),
        rows: found.into_iter().map(|(_, e)| e).collect(),
        total: None,
        cut_short: false,
        newest: false,
    })
}
