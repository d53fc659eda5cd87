//! Whether a user ID is free, as the wizard asks it (the live check under the field and the
//! profile step): each new ID looked up counts against the household registering, so that
//! one postcard cannot test any number of user IDs for being taken (SECURITY.md, "Account
//! enumeration"). An ID already answered for the household is answered again without
//! counting: the live check asks at every pause in typing, and the profile step asks again.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::auth::model::Account;
use crate::auth::throttle::{Attempts, Ladder};
use crate::domain::member::HouseholdKey;
use crate::domain::user_id::UserId;
use crate::store::{ReadTx, Record, Store, StoreKey as _, key, tables};

/// New user IDs one household's registration may look up: twenty (a member trying a few
/// IDs stays far below), then one after 30 s, 1 min, 2 min, ... up to an hour; a day of
/// quiet forgets.
pub const USER_ID_CHECKS: Ladder = Ladder {
    free: 20,
    first: Duration::seconds(30),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(24)),
};

/// IDs remembered as answered, per household (the oldest goes first).
const ANSWERED: usize = 32;

/// What the wizard may say about a user ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdCheck {
    Free,
    Taken,
    /// Too many new IDs looked up: nothing is said about this one before `until`.
    Wait(DateTime<Utc>),
}

/// A household's lookups in the `throttle` table: the ladder's count (the sweep reads the
/// row as [`Attempts`]), and the IDs answered, each as a short hash.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Lookups {
    count: u32,
    last_at: Option<DateTime<Utc>>,
    #[serde(default)]
    answered: Vec<String>,
}

impl Record for Lookups {
    const TABLE: &'static str = tables::THROTTLE;
}

impl Lookups {
    fn attempts(&self) -> Attempts {
        Attempts {
            count: self.count,
            last_at: self.last_at,
        }
    }
}

fn checks_key(household: &HouseholdKey) -> String {
    key(&["user_id_check", &household.store_key()])
}

fn id_hash(normalized: &str) -> String {
    hex::encode(&Sha256::digest(normalized.as_bytes())[..8])
}

fn answer(r: &impl ReadTx, normalized: &str) -> anyhow::Result<IdCheck> {
    Ok(if r.get::<Account>(normalized)?.is_some() {
        IdCheck::Taken
    } else {
        IdCheck::Free
    })
}

/// What the row says without counting: the answer for an ID already answered, the wait of
/// a household past [`USER_ID_CHECKS`]; `None`: a new lookup, to be counted.
fn without_counting(
    r: &impl ReadTx,
    lookups: &Lookups,
    (id, hash): (&str, &str),
    now: DateTime<Utc>,
) -> anyhow::Result<Option<IdCheck>> {
    if lookups.answered.iter().any(|h| h == hash) {
        return answer(r, id).map(Some);
    }
    Ok(USER_ID_CHECKS
        .wait_until(&lookups.attempts(), now)
        .map(IdCheck::Wait))
}

/// Looks `user_id` up for `household`'s registration. A repeat, or a household told to
/// wait, takes a read only; a new lookup is counted in the same write that answers it.
pub async fn check_user_id(
    store: &Store,
    household: &HouseholdKey,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> anyhow::Result<IdCheck> {
    let k = checks_key(household);
    let id = user_id.normalized();
    let hash = id_hash(&id);
    let (rk, rid, rhash) = (k.clone(), id.clone(), hash.clone());
    let known = store
        .read(move |r| {
            let lookups = r.get::<Lookups>(&rk)?.unwrap_or_default();
            without_counting(r, &lookups, (&rid, &rhash), now)
        })
        .await?;
    if let Some(known) = known {
        return Ok(known);
    }
    store
        .write(move |w| {
            let mut lookups = w.get::<Lookups>(&k)?.unwrap_or_default();
            // Asked twice at once: the other request may have counted it meanwhile.
            if let Some(known) = without_counting(w, &lookups, (&id, &hash), now)? {
                return Ok(known);
            }
            let mut attempts = lookups.attempts();
            USER_ID_CHECKS.record(&mut attempts, now);
            (lookups.count, lookups.last_at) = (attempts.count, attempts.last_at);
            lookups.answered.push(hash);
            let over = lookups.answered.len().saturating_sub(ANSWERED);
            lookups.answered.drain(..over);
            w.put(&k, &lookups)?;
            answer(w, &id)
        })
        .await
}
