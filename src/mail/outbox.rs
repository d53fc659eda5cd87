//! The durable outbox: a mail is written in the same transaction as the change that causes it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{ReadTx, Record, Writer, tables};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum MailState {
    Pending,
    Sent,
    /// Gave up after the retry limit; staff can retry.
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxMail {
    pub to: String,
    pub subject: String,
    /// Sealed with the data file's key (see `store::seal`; [`open_body`] reads it), so
    /// that a copy of the data file carries no temporary password or link; plain in mail
    /// queued by an older kenpo; [`BODY_REMOVED`] once sent.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub state: MailState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The body carries a secret (a temporary password, a single-use link): it is removed
    /// as soon as the mail is sent or given up, so the data file never keeps it.
    #[serde(default)]
    pub secret: bool,
}

impl Record for OutboxMail {
    const TABLE: &'static str = tables::OUTBOX;
}

/// What a body reads once it has been removed from the data file.
pub const BODY_REMOVED: &str = "（送信済みのため本文は削除されました）";

/// Marks an outbox mail as waiting to be sent (key: the outbox id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingMail;

impl Record for PendingMail {
    const TABLE: &'static str = tables::OUTBOX_PENDING;
}

/// A mail ready to be queued.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Queues a mail inside the caller's write transaction; returns its outbox id.
pub fn enqueue(w: &mut Writer, mail: NewMail, now: DateTime<Utc>) -> anyhow::Result<String> {
    put(w, mail, now, false)
}

/// Queues a mail whose body holds a secret; the body is removed once sent or given up.
pub fn enqueue_secret(w: &mut Writer, mail: NewMail, now: DateTime<Utc>) -> anyhow::Result<String> {
    put(w, mail, now, true)
}

fn put(w: &mut Writer, mail: NewMail, now: DateTime<Utc>, secret: bool) -> anyhow::Result<String> {
    let id = w.next_id("outbox")?;
    let record = OutboxMail {
        to: mail.to,
        subject: mail.subject,
        body: w.seal(&body_context(&id), &mail.body)?,
        created_at: now,
        state: MailState::Pending,
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        sent_at: None,
        secret,
    };
    w.put(&id, &record)?;
    w.put(&id, &PendingMail)?;
    Ok(id)
}

/// What a mail's sealed body is bound to: it opens only as the body of this outbox id.
fn body_context(id: &str) -> String {
    format!("outbox:{id}")
}

/// The plain body of the outbox mail `id`.
pub fn open_body(r: &impl ReadTx, id: &str, mail: &OutboxMail) -> anyhow::Result<String> {
    r.unseal(&body_context(id), &mail.body)
}

/// Every outbox mail with its body opened (for tools and tests; pages show no bodies).
pub fn scan_opened(r: &impl ReadTx) -> anyhow::Result<Vec<(String, OutboxMail)>> {
    let mut all = r.scan::<OutboxMail>("")?;
    for (id, mail) in &mut all {
        mail.body = open_body(r, id, mail)?;
    }
    Ok(all)
}

/// Seals the bodies an older kenpo stored in plain text (once per data file).
pub fn seal_plain_bodies(w: &mut Writer) -> anyhow::Result<u64> {
    let mut sealed = 0;
    for (id, mut mail) in w.scan::<OutboxMail>("")? {
        if crate::store::seal::is_sealed(&mail.body) || mail.body == BODY_REMOVED {
            continue;
        }
        mail.body = w.seal(&body_context(&id), &mail.body)?;
        w.put(&id, &mail)?;
        sealed += 1;
    }
    Ok(sealed)
}

/// The ids of pending mails whose next attempt is due at `now`, oldest first.
pub(crate) fn due_ids(r: &crate::store::Reader, now: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
    let mut due = Vec::new();
    for (id, _) in r.scan::<PendingMail>("")? {
        match r.get::<OutboxMail>(&id)? {
            Some(mail) if mail.state == MailState::Pending && mail.next_attempt_at <= now => {
                due.push(id);
            }
            Some(_) => {}
            None => tracing::warn!(outbox_id = id, "a pending marker has no outbox mail"),
        }
    }
    Ok(due)
}

/// The mail `id` with its body opened, if it is still pending and due at `now`. Opened just
/// before it is sent: the plain body lives only in this process, one mail at a time.
pub(crate) fn load_due(
    r: &crate::store::Reader,
    id: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<OutboxMail>> {
    let Some(mut mail) = r.get::<OutboxMail>(id)? else {
        return Ok(None);
    };
    if mail.state != MailState::Pending || mail.next_attempt_at > now {
        return Ok(None);
    }
    match open_body(r, id, &mail) {
        Ok(body) => {
            mail.body = body;
            Ok(Some(mail))
        }
        Err(e) => {
            tracing::error!(
                outbox_id = id,
                error = format!("{e:#}"),
                "a queued mail cannot be opened"
            );
            Ok(None)
        }
    }
}

/// Puts a Failed mail back into the queue with a fresh set of attempts; returns false when
/// the mail does not exist or has not failed. Wake the sender after the commit.
pub fn retry_failed(w: &mut Writer, id: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let Some(mut mail) = w.get::<OutboxMail>(id)? else {
        return Ok(false);
    };
    // A secret mail's body is gone once it failed: there is nothing left to send.
    if mail.state != MailState::Failed || mail.body == BODY_REMOVED {
        return Ok(false);
    }
    mail.state = MailState::Pending;
    mail.attempts = 0;
    mail.next_attempt_at = now;
    w.put(id, &mail)?;
    w.put(id, &PendingMail)?;
    Ok(true)
}
