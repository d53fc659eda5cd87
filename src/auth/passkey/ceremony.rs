//! A WebAuthn ceremony between its start (the options sent to the browser) and its finish
//! (the browser's answer): its state stays here, keyed by the SHA-256 of a random token
//! that the browser sends back. Taking it deletes it, so an answer is used once; an answer
//! after [`CEREMONY_MINUTES`] finds nothing.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration,
};

use super::Owner;
use crate::auth::tokens::{random_token, token_digest};
use crate::store::{Record, Writer, tables};

/// How long the browser has to answer (WebAuthn's own timeout is set to the same).
pub const CEREMONY_MINUTES: i64 = 5;

#[derive(Serialize, Deserialize)]
pub enum Purpose {
    /// A new passkey for `owner`, named `name`.
    Register {
        owner: Owner,
        name: String,
        state: PasskeyRegistration,
    },
    /// A login with a discoverable credential, for members or (when allowed) staff.
    Login {
        staff: bool,
        state: DiscoverableAuthentication,
    },
    /// The second factor of a staff login whose password was right (`challenge` is the
    /// digest of its `StaffChallenge`).
    SecondFactor {
        login: String,
        challenge: String,
        state: PasskeyAuthentication,
    },
}

/// A ceremony waiting for its answer. No `Debug`: it holds the challenge.
#[derive(Serialize, Deserialize)]
pub struct Ceremony {
    pub purpose: Purpose,
    pub created_at: DateTime<Utc>,
}

impl Record for Ceremony {
    const TABLE: &'static str = tables::PASSKEY_CEREMONIES;
}

/// Most ceremonies waiting at once: anyone may start a login ceremony, so their rows are
/// capped (expired ones are swept first) rather than left to fill the disk.
pub const MAX_OPEN: u64 = 10_000;

/// Too many ceremonies are waiting: the start is refused ([`MAX_OPEN`]).
#[derive(Debug, thiserror::Error)]
#[error("too many passkey ceremonies are waiting")]
pub struct Busy;

/// Stores a ceremony; returns the token the browser sends back with its answer.
pub fn start(w: &mut Writer, purpose: Purpose, now: DateTime<Utc>) -> anyhow::Result<String> {
    if w.count::<Ceremony>()? >= MAX_OPEN {
        sweep(w, now)?;
        if w.count::<Ceremony>()? >= MAX_OPEN {
            return Err(Busy.into());
        }
    }
    let token = random_token();
    let ceremony = Ceremony {
        purpose,
        created_at: now,
    };
    w.put(&token_digest(&token), &ceremony)?;
    Ok(token)
}

/// Whether a ceremony started at `created_at` is over at `now`.
pub fn expired(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created_at > Duration::minutes(CEREMONY_MINUTES)
}

/// Takes the ceremony of `token` out of the data file: `None` if there is none (never
/// started, already answered) or if it has expired (then it is deleted all the same).
pub fn take(w: &mut Writer, token: &str, now: DateTime<Utc>) -> anyhow::Result<Option<Purpose>> {
    let digest = token_digest(token);
    let Some(ceremony) = w.get::<Ceremony>(&digest)? else {
        return Ok(None);
    };
    w.delete::<Ceremony>(&digest)?;
    Ok((!expired(ceremony.created_at, now)).then_some(ceremony.purpose))
}

/// Deletes the ceremonies that were never answered (the daily sweep).
pub fn sweep(w: &mut Writer, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let mut removed = 0;
    for (key, ceremony) in w.scan::<Ceremony>("")? {
        if expired(ceremony.created_at, now) {
            w.delete::<Ceremony>(&key)?;
            removed += 1;
        }
    }
    Ok(removed)
}
