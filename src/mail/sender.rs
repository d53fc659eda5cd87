//! The background outbox sender: sends due mails over a small pool of reused SMTP
//! connections (`--smtp-connections`), retries with backoff, and gives up after
//! [`MAX_ATTEMPTS`] or at once on a 5xx; staff can then retry by hand.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::domain::email::Email;
#[cfg(test)]
use crate::mail::outbox::retry_failed;
use crate::mail::outbox::{MailState, OutboxMail, PendingMail, due_ids};
use crate::mail::smtp::SmtpConfig;
use crate::store::Store;

mod pool;
mod record;

/// Attempts before a mail is marked Failed.
pub const MAX_ATTEMPTS: u32 = 12;
/// Longest wait between two looks at the outbox.
const MAX_IDLE: StdDuration = StdDuration::from_secs(30);
/// Shortest wait, so that a mail that cannot be recorded never spins the loop.
const MIN_IDLE: StdDuration = StdDuration::from_millis(250);

/// The wait before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, ... 1 h.
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(7);
    Duration::seconds(30 * (1_i64 << doublings)).min(Duration::hours(1))
}

pub struct Sender {
    store: Store,
    clock: Arc<dyn Clock>,
    smtp: Option<SmtpConfig>,
    /// Notified (`notify_one`) after a commit that queued a mail.
    wake: Arc<Notify>,
    /// After the server itself failed (unreachable, TLS, login, 421), no mail is tried before this.
    paused_until: Mutex<Option<DateTime<Utc>>>,
    /// Set by [`Sender::run`]: a round in progress takes no new mail once it turns true.
    shutdown: Option<watch::Receiver<bool>>,
    /// Mails the server accepted whose record failed (a full disk), by outbox id, without
    /// their bodies: recorded as sent before anything else is sent, never sent again.
    unrecorded: Unrecorded,
}

/// Mails accepted by the server but not yet recorded as sent.
type Unrecorded = Arc<Mutex<HashMap<String, OutboxMail>>>;

impl Sender {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        smtp: Option<SmtpConfig>,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            clock,
            smtp,
            wake,
            paused_until: Mutex::new(None),
            shutdown: None,
            unrecorded: Unrecorded::default(),
        }
    }

    /// Runs until `shutdown` becomes true or its sender is dropped.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        self.shutdown = Some(shutdown.clone());
        loop {
            if *shutdown.borrow() {
                break;
            }
            let idle = match &self.smtp {
                Some(_) => Some(self.round().await),
                None => {
                    self.report_kept_mail().await;
                    None
                }
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                _ = tokio::time::sleep(idle.unwrap_or(MAX_IDLE)), if idle.is_some() => {}
            }
        }
        tracing::info!("mail sender stopped");
    }

    /// One round of sending, then how long to wait before the next.
    async fn round(&self) -> StdDuration {
        if let Err(e) = self.process_due().await {
            tracing::error!(
                error = format!("{e:#}"),
                "the outbox could not be processed"
            );
            return MAX_IDLE;
        }
        match self.next_due().await {
            Ok(Some(at)) => (at - self.clock.now())
                .to_std()
                .unwrap_or(MIN_IDLE)
                .clamp(MIN_IDLE, MAX_IDLE),
            Ok(None) => MAX_IDLE,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "the outbox could not be read");
                MAX_IDLE
            }
        }
    }

    async fn report_kept_mail(&self) {
        match self.store.read(|r| r.count::<PendingMail>()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                pending = n,
                "mail is kept in the outbox: no SMTP server configured"
            ),
            Err(e) => tracing::error!(error = format!("{e:#}"), "the outbox could not be read"),
        }
    }

    /// Sends every pending mail whose time has come over up to `connections` SMTP
    /// connections; returns how many were sent. Without an SMTP server nothing is sent.
    /// After a failure of the server itself (unreachable, TLS, login, `421`) the rest wait
    /// until that mail's next attempt.
    pub async fn process_due(&self) -> anyhow::Result<usize> {
        let Some(config) = &self.smtp else {
            return Ok(0);
        };
        // While a mail the server accepted cannot be recorded, none is sent: it would be
        // sent again, and so would every other whose record fails the same way.
        self.record_unrecorded().await?;
        let now = self.clock.now();
        if self.paused_until().is_some_and(|until| now < until) {
            return Ok(0);
        }
        let due = self.store.read(move |r| due_ids(r, now)).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let delivery = pool::deliver(
            self.store.clone(),
            self.clock.clone(),
            config.clone(),
            due,
            self.shutdown.clone(),
            self.unrecorded.clone(),
        )
        .await?;
        match delivery.pause {
            Some(until) => self.set_paused_until(Some(until)),
            None if delivery.sent > 0 => self.set_paused_until(None),
            None => {}
        }
        Ok(delivery.sent)
    }

    /// Records as sent the mails the server accepted whose record failed before.
    async fn record_unrecorded(&self) -> anyhow::Result<()> {
        let waiting: Vec<(String, OutboxMail)> = lock(&self.unrecorded)
            .iter()
            .map(|(id, mail)| (id.clone(), mail.clone()))
            .collect();
        for (id, mail) in waiting {
            let sent = record::Outcome::Sent;
            record::record(&self.store, self.clock.as_ref(), &id, &mail, sent).await?;
            lock(&self.unrecorded).remove(&id);
        }
        Ok(())
    }

    /// When the next pending mail is due (at the earliest when a pause ends).
    async fn next_due(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        let earliest = self
            .store
            .read(|r| {
                let mut earliest: Option<DateTime<Utc>> = None;
                for (id, _) in r.scan::<PendingMail>("")? {
                    if let Some(mail) = r
                        .get::<OutboxMail>(&id)?
                        .filter(|m| m.state == MailState::Pending)
                    {
                        earliest = Some(
                            earliest.map_or(mail.next_attempt_at, |e| e.min(mail.next_attempt_at)),
                        );
                    }
                }
                Ok::<_, anyhow::Error>(earliest)
            })
            .await?;
        Ok(match (earliest, self.paused_until()) {
            (Some(at), Some(until)) => Some(at.max(until)),
            (earliest, _) => earliest,
        })
    }

    fn paused_until(&self) -> Option<DateTime<Utc>> {
        *self
            .paused_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_paused_until(&self, until: Option<DateTime<Utc>>) {
        *self
            .paused_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = until;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Replaces the recipient address in a server reply by its masked form, for the log and
/// for the staff outbox screen (an address that does not parse becomes `***`). A server
/// may echo the address in other letter case (`<TARO@Example.JP>`): that is masked too.
pub fn mask_address(text: &str, to: &str) -> String {
    if to.is_empty() {
        return text.to_string();
    }
    match Email::parse(to) {
        Ok(email) => replace_ignoring_ascii_case(text, to, &email.masked()),
        Err(_) => replace_ignoring_ascii_case(text, to, "***"),
    }
}

/// `text` with every `needle`, in any ASCII letter case, replaced by `with`. Bytes other
/// than ASCII letters must match exactly, so a match starts and ends on a character
/// boundary.
fn replace_ignoring_ascii_case(text: &str, needle: &str, with: &str) -> String {
    let (bytes, n) = (text.as_bytes(), needle.len());
    let mut out = String::with_capacity(text.len());
    let (mut at, mut copied) = (0, 0);
    while let Some(window) = bytes.get(at..at + n) {
        if window.eq_ignore_ascii_case(needle.as_bytes()) {
            out.push_str(text.get(copied..at).unwrap_or_default());
            out.push_str(with);
            at += n;
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests;
