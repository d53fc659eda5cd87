//! Staff hooks on a member account's lock (used by the staff screens).

use chrono::{DateTime, Utc};

use super::model::Account;
use super::session;
use crate::audit::AuditEntry;
use crate::store::Writer;

/// Ends an account's lock and its failure count. Returns whether the account exists.
/// `actor` is who did it, e.g. `staff:tanaka`.
pub fn unlock(
    w: &mut Writer,
    user_key: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    if !super::unlock::unlock_account(w, user_key)? {
        return Ok(false);
    }
    let Some(account) = w.get::<Account>(user_key)? else {
        return Ok(false);
    };
    AuditEntry::new(now, actor, "account.unlocked")
        .target(account.household.to_string())
        .detail(format!("user {user_key}"))
        .record(w)?;
    Ok(true)
}

/// Locks an account until `until` and ends every session of its household.
pub fn lock(
    w: &mut Writer,
    user_key: &str,
    actor: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(mut account) = w.get::<Account>(user_key)? else {
        return Ok(false);
    };
    account.locked_until = Some(until);
    w.put(user_key, &account)?;
    session::end_household(w, &account.household, None)?;
    AuditEntry::new(now, actor, "account.locked")
        .target(account.household.to_string())
        .detail(format!("user {user_key}"))
        .record(w)?;
    Ok(true)
}
