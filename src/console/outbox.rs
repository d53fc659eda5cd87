//! 送信メール: what the outbox holds, and retrying failed mail.

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry};
use crate::domain::email::Email;
use crate::mail::outbox::{MailState, OutboxMail};
use crate::mail::sender::mask_address;
use crate::store::{Reader, Writer};

pub const LIST_LIMIT: usize = 300;

pub struct MailRow {
    pub id: String,
    pub to_masked: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When a waiting mail is tried next (`None` once sent or failed).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

pub fn state_label(state: MailState) -> &'static str {
    match state {
        MailState::Pending => "送信待ち",
        MailState::Sent => "送信済み",
        MailState::Failed => "送信失敗",
    }
}

pub fn mask(address: &str) -> String {
    Email::parse(address).map_or_else(|_| "***".to_string(), |e| e.masked())
}

#[derive(Default)]
pub struct Counts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// The error of the most recently tried mail that still waits: why mail waits.
    pub waiting_because: Option<String>,
}

/// Mail newest first, optionally of one state, with the counts of every state.
pub fn list(r: &Reader, only: Option<MailState>) -> anyhow::Result<(Vec<MailRow>, Counts)> {
    let mut counts = Counts::default();
    let mut rows = Vec::new();
    for (id, m) in r.scan::<OutboxMail>("")?.into_iter().rev() {
        match m.state {
            MailState::Pending => {
                counts.pending += 1;
                if counts.waiting_because.is_none()
                    && let Some(e) = &m.last_error
                {
                    counts.waiting_because = Some(mask_address(e, &m.to));
                }
            }
            MailState::Sent => counts.sent += 1,
            MailState::Failed => counts.failed += 1,
        }
        if only.is_none_or(|s| s == m.state) && rows.len() < LIST_LIMIT {
            rows.push(MailRow {
                id,
                to_masked: mask(&m.to),
                subject: m.subject,
                state: m.state,
                attempts: m.attempts,
                // A server's reply often quotes the recipient: mask it like the 宛先 column.
                last_error: m.last_error.map(|e| mask_address(&e, &m.to)),
                created_at: m.created_at,
                sent_at: m.sent_at,
                next_attempt_at: (m.state == MailState::Pending).then_some(m.next_attempt_at),
            });
        }
    }
    Ok((rows, counts))
}

/// Puts failed mail (one, or all with `None`) back in the queue; returns how many.
pub fn retry(
    w: &mut Writer,
    id: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let ids: Vec<String> = match id {
        Some(id) => vec![id.to_string()],
        None => w
            .scan::<OutboxMail>("")?
            .into_iter()
            .filter(|(_, m)| m.state == MailState::Failed)
            .map(|(id, _)| id)
            .collect(),
    };
    let mut retried = 0;
    for id in &ids {
        if crate::mail::outbox::retry_failed(w, id, now)? {
            retried += 1;
        }
    }
    if retried > 0 {
        AuditEntry::new(now, actor, Action::OutboxRetried)
            .detail(format!("mails={retried}"))
            .record(w)?;
    }
    Ok(retried)
}
