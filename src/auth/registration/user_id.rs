//! Whether a user ID is free, as the wizard asks it (the live check under the field and the
//! profile step): each answer counts against the household registering, so that one
//! postcard cannot test any number of user IDs for being taken (SECURITY.md, "Account
//! enumeration").

use chrono::{DateTime, Duration, Utc};

use super::user_id_taken_w;
use crate::auth::throttle::{Attempts, Ladder};
use crate::domain::member::HouseholdKey;
use crate::domain::user_id::UserId;
use crate::store::{Store, StoreKey as _, key};

/// User IDs one household's registration may look up: twenty (a member trying a few IDs
/// while typing stays far below), then one after 30 s, 1 min, 2 min, ... up to an hour;
/// a day of quiet forgets.
pub const USER_ID_CHECKS: Ladder = Ladder {
    free: 20,
    first: Duration::seconds(30),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(24)),
};

/// What the wizard may say about a user ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdCheck {
    Free,
    Taken,
    /// Too many looked up: nothing is said about this one before `until`.
    Wait(DateTime<Utc>),
}

/// The key of a household's user-ID lookups in the `throttle` table.
fn checks_key(household: &HouseholdKey) -> String {
    key(&["user_id_check", &household.store_key()])
}

/// Looks `user_id` up for `household`'s registration, counting the lookup; a household
/// past [`USER_ID_CHECKS`] is told to wait, and nothing is looked up.
pub async fn check_user_id(
    store: &Store,
    household: &HouseholdKey,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> anyhow::Result<IdCheck> {
    let (k, id) = (checks_key(household), user_id.normalized());
    store
        .write(move |w| {
            let mut checks = w.get::<Attempts>(&k)?.unwrap_or_default();
            if let Some(until) = USER_ID_CHECKS.wait_until(&checks, now) {
                return Ok(IdCheck::Wait(until));
            }
            USER_ID_CHECKS.record(&mut checks, now);
            w.put(&k, &checks)?;
            Ok::<_, anyhow::Error>(if user_id_taken_w(w, &id)? {
                IdCheck::Taken
            } else {
                IdCheck::Free
            })
        })
        .await
}
