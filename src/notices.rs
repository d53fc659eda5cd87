//! お知らせ (SPEC §5.4): staff write and schedule notices; members read them, newest first,
//! with a read mark per household.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{Action, AuditEntry};
use crate::domain::member::HouseholdKey;
use crate::store::{Reader, Record, StoreKey as _, Writer, key, tables};

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_BODY_CHARS: usize = 5_000;

/// A notice, keyed by its id (sortable by creation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notice {
    pub title: String,
    /// Plain text with a small Markdown-like subset (paragraphs, line breaks, `- ` lists).
    pub body: String,
    pub publish_from: DateTime<Utc>,
    pub publish_until: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for Notice {
    const TABLE: &'static str = tables::NOTICES;
}

/// That a household has opened a notice; keyed by `household␟notice id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeRead {
    pub at: DateTime<Utc>,
}

impl Record for NoticeRead {
    const TABLE: &'static str = tables::NOTICE_READS;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeState {
    Scheduled,
    Published,
    Ended,
    Withdrawn,
}

impl NoticeState {
    pub fn label(self) -> &'static str {
        match self {
            NoticeState::Scheduled => "公開予定",
            NoticeState::Published => "公開中",
            NoticeState::Ended => "掲載終了",
            NoticeState::Withdrawn => "取り下げ",
        }
    }
}

impl Notice {
    pub fn state(&self, now: DateTime<Utc>) -> NoticeState {
        if self.withdrawn_at.is_some() {
            NoticeState::Withdrawn
        } else if self.publish_from > now {
            NoticeState::Scheduled
        } else if self.publish_until.is_some_and(|u| u <= now) {
            NoticeState::Ended
        } else {
            NoticeState::Published
        }
    }
}

/// What staff fill in; checked by [`NoticeDraft::check`].
pub struct NoticeDraft {
    pub title: String,
    pub body: String,
    pub publish_from: DateTime<Utc>,
    pub publish_until: Option<DateTime<Utc>>,
}

impl NoticeDraft {
    /// Field-by-field messages, empty when the draft is fine.
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(("title", "件名を入力してください。"));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            errors.push(("title", "件名は100文字以内にしてください。"));
        }
        if self.body.trim().is_empty() {
            errors.push(("body", "本文を入力してください。"));
        } else if self.body.chars().count() > MAX_BODY_CHARS {
            errors.push(("body", "本文は5,000文字以内にしてください。"));
        }
        if self.publish_until.is_some_and(|u| u <= self.publish_from) {
            errors.push((
                "publish_until",
                "掲載終了日時は公開開始日時より後にしてください。",
            ));
        }
        errors
    }
}

pub fn all(r: &Reader) -> anyhow::Result<Vec<(String, Notice)>> {
    let mut list = r.scan::<Notice>("")?;
    list.sort_by(|a, b| b.1.publish_from.cmp(&a.1.publish_from).then(b.0.cmp(&a.0)));
    Ok(list)
}

/// Published notices, newest first, each with whether the household has read it.
pub fn for_household(
    r: &Reader,
    household: &HouseholdKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, Notice, bool)>> {
    let mut out = Vec::new();
    for (id, notice) in all(r)? {
        if notice.state(now) == NoticeState::Published {
            let read = r.get::<NoticeRead>(&read_key(household, &id))?.is_some();
            out.push((id, notice, read));
        }
    }
    Ok(out)
}

fn read_key(household: &HouseholdKey, id: &str) -> String {
    key(&[&household.store_key(), id])
}

/// A published notice for a member, marking it read for the household.
pub fn open_for_household(
    w: &mut Writer,
    household: &HouseholdKey,
    id: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Notice>> {
    let Some(notice) = w
        .get::<Notice>(id)?
        .filter(|n| n.state(now) == NoticeState::Published)
    else {
        return Ok(None);
    };
    let k = read_key(household, id);
    if w.get::<NoticeRead>(&k)?.is_none() {
        w.put(&k, &NoticeRead { at: now })?;
    }
    Ok(Some(notice))
}

/// Creates (id `None`) or edits a notice; returns its id.
pub fn save(
    w: &mut Writer,
    id: Option<&str>,
    draft: NoticeDraft,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let (id, mut notice, action) = match id {
        Some(id) => match w.get::<Notice>(id)? {
            Some(n) => (id.to_string(), n, Action::NoticeUpdated),
            None => return Ok(None),
        },
        None => {
            let notice = Notice {
                title: String::new(),
                body: String::new(),
                publish_from: now,
                publish_until: None,
                withdrawn_at: None,
                created_at: now,
                updated_at: now,
            };
            (w.next_id("notice")?, notice, Action::NoticeCreated)
        }
    };
    notice.title = draft.title.trim().to_string();
    notice.body = draft.body.replace("\r\n", "\n");
    notice.publish_from = draft.publish_from;
    notice.publish_until = draft.publish_until;
    notice.updated_at = now;
    w.put(&id, &notice)?;
    AuditEntry::new(now, actor, action)
        .detail(format!("notice={id}"))
        .record(w)?;
    Ok(Some(id))
}

/// Withdraws a notice (or puts it back): members stop (or start again) seeing it.
pub fn set_withdrawn(
    w: &mut Writer,
    id: &str,
    withdrawn: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(mut notice) = w.get::<Notice>(id)? else {
        return Ok(false);
    };
    notice.withdrawn_at = withdrawn.then_some(now);
    notice.updated_at = now;
    w.put(id, &notice)?;
    let action = if withdrawn {
        Action::NoticeWithdrawn
    } else {
        Action::NoticeRestored
    };
    AuditEntry::new(now, actor, action)
        .detail(format!("notice={id}"))
        .record(w)?;
    Ok(true)
}
