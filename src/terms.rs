//! The terms of use, versioned: staff publish a new version; members agree to the current
//! one at registration and the account records which.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{Action, AuditEntry};
use crate::store::{Reader, Record, Writer, tables};

/// Version 1: the text shipped in the binary, current until staff publish another.
pub const EMBEDDED_TERMS: &str = include_str!("../assets/terms.txt");
pub const MAX_TERMS_CHARS: usize = 6_000;

/// One published version, keyed by its zero-padded number.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermsVersion {
    pub version: u32,
    pub text: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

impl Record for TermsVersion {
    const TABLE: &'static str = tables::TERMS;
}

fn version_key(version: u32) -> String {
    format!("{version:06}")
}

/// The current version and its text.
pub fn current(r: &Reader) -> anyhow::Result<(u32, String)> {
    let latest = r.scan::<TermsVersion>("")?.into_iter().next_back();
    Ok(match latest {
        Some((_, t)) => (t.version, t.text),
        None => (1, EMBEDDED_TERMS.to_string()),
    })
}

/// [`current`] inside a write transaction.
pub fn current_w(w: &Writer) -> anyhow::Result<u32> {
    let latest = w.scan::<TermsVersion>("")?.into_iter().next_back();
    Ok(latest.map_or(1, |(_, t)| t.version))
}

pub fn history(r: &Reader) -> anyhow::Result<Vec<TermsVersion>> {
    let mut list: Vec<_> = r
        .scan::<TermsVersion>("")?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    list.reverse();
    Ok(list)
}

/// Publishes a new version (the next number); returns it.
pub fn publish(w: &mut Writer, text: &str, actor: &str, now: DateTime<Utc>) -> anyhow::Result<u32> {
    let version = current_w(w)? + 1;
    let record = TermsVersion {
        version,
        text: text.replace("\r\n", "\n"),
        published_at: now,
        published_by: actor.to_string(),
    };
    w.put(&version_key(version), &record)?;
    AuditEntry::new(now, actor, Action::TermsPublished)
        .detail(format!("version={version}"))
        .record(w)?;
    Ok(version)
}
