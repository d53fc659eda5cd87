//! The record of one attempt: a mail is marked sent only after the SMTP server accepted
//! it, in a write transaction of its own, before its connection carries the next mail.

use chrono::{DateTime, Utc};

use super::{MAX_ATTEMPTS, backoff, mask_address};
use crate::clock::Clock;
use crate::mail::outbox::{MailState, OutboxMail, PendingMail};
use crate::mail::smtp::SendError;
use crate::store::Store;

/// What one attempt did to a mail.
pub(super) enum Outcome {
    Sent,
    Failed(SendError),
}

/// Stores the outcome of one attempt; returns the next attempt time if one is planned.
pub(super) async fn record(
    store: &Store,
    clock: &dyn Clock,
    id: &str,
    mail: &OutboxMail,
    outcome: Outcome,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let now = clock.now();
    let (error, next) = match &outcome {
        Outcome::Sent => {
            tracing::info!(outbox_id = id, "mail sent");
            (None, None)
        }
        Outcome::Failed(e) => {
            let attempts = mail.attempts + 1;
            let explanation = e.explain();
            let for_log = mask_address(&explanation, &mail.to);
            if e.is_permanent() {
                tracing::error!(
                    outbox_id = id,
                    attempts,
                    error = for_log,
                    "mail refused for good; not retried"
                );
                (Some(explanation), None)
            } else if attempts >= MAX_ATTEMPTS {
                tracing::error!(
                    outbox_id = id,
                    attempts,
                    error = for_log,
                    "mail failed; giving up"
                );
                (Some(explanation), None)
            } else {
                let next = now + backoff(attempts);
                tracing::warn!(
                    outbox_id = id,
                    attempts,
                    error = for_log,
                    "mail failed; will retry"
                );
                (Some(explanation), Some(next))
            }
        }
    };
    #[cfg(test)]
    if refused_for_test(store) {
        let full = std::io::Error::from_raw_os_error(libc::ENOSPC);
        return Err(anyhow::Error::from(full).context("commit (refused by the test)"));
    }
    let id = id.to_string();
    let expected_attempts = mail.attempts;
    store
        .write(move |w| {
            let Some(mut stored) = w.get::<OutboxMail>(&id)? else {
                w.delete::<PendingMail>(&id)?;
                return Ok(());
            };
            // Changed meanwhile (staff retried it, or another sender): leave it alone.
            if stored.state != MailState::Pending || stored.attempts != expected_attempts {
                return Ok(());
            }
            stored.attempts += 1;
            match (&outcome, next) {
                (Outcome::Sent, _) => {
                    stored.state = MailState::Sent;
                    stored.sent_at = Some(now);
                    stored.last_error = None;
                    // A sent mail's body is of no further use: keep no copy of it.
                    stored.body = crate::mail::outbox::BODY_REMOVED.to_string();
                    w.delete::<PendingMail>(&id)?;
                }
                (Outcome::Failed(_), Some(next)) => {
                    stored.last_error = error;
                    stored.next_attempt_at = next;
                }
                (Outcome::Failed(_), None) => {
                    stored.state = MailState::Failed;
                    stored.last_error = error;
                    if stored.secret {
                        // A retry would mail a stale secret; the member asks again instead.
                        stored.body = crate::mail::outbox::BODY_REMOVED.to_string();
                    }
                    w.delete::<PendingMail>(&id)?;
                }
            }
            w.put(&id, &stored)?;
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    Ok(next)
}

/// Data files whose records of attempts fail as on a full disk (test hook).
#[cfg(test)]
pub(super) static REFUSED_FOR_TEST: std::sync::Mutex<Vec<std::path::PathBuf>> =
    std::sync::Mutex::new(Vec::new());

#[cfg(test)]
fn refused_for_test(store: &Store) -> bool {
    REFUSED_FOR_TEST
        .lock()
        .map(|files| files.iter().any(|f| f == store.path()))
        .unwrap_or(false)
}
