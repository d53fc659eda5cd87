//! Removes what has expired but was never presented again: sessions, mailed links,
//! staff second-factor challenges, passkey ceremonies, and throttle counts that a quiet day has reset. Run daily by the server beside the retention job.

use chrono::{DateTime, Duration, Utc};

use super::model::{AccountLink, Session};
use super::throttle::Attempts;
use super::totp::{CHALLENGE_MINUTES, StaffChallenge};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Store;

/// Deletes expired records; returns how many.
pub fn sweep_expired(store: &Store, now: DateTime<Utc>) -> anyhow::Result<u64> {
    store.write_blocking(|w| {
        let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
        let mut removed = 0;
        for (key, session) in w.scan::<Session>("")? {
            if !super::session::is_alive(&session, &settings, now) {
                w.delete::<Session>(&key)?;
                removed += 1;
            }
        }
        for (key, link) in w.scan::<AccountLink>("")? {
            if link.expires_at <= now {
                w.delete::<AccountLink>(&key)?;
                removed += 1;
            }
        }
        for (key, challenge) in w.scan::<StaffChallenge>("")? {
            if now - challenge.created_at > Duration::minutes(CHALLENGE_MINUTES) {
                w.delete::<StaffChallenge>(&key)?;
                removed += 1;
            }
        }
        removed += super::passkey::ceremony::sweep(w, now)?;
        // Every ladder kept in the throttle table forgets after at most a day of quiet.
        for (key, attempts) in w.scan::<Attempts>("")? {
            if attempts
                .last_at
                .is_none_or(|at| now - at > Duration::hours(25))
            {
                w.delete::<Attempts>(&key)?;
                removed += 1;
            }
        }
        Ok(removed)
    })
}
