//! Unlocking a member account: staff do it from the household page; a completed
//! password recovery (issue 5) can reuse [`unlock_account`].

use chrono::{DateTime, Utc};

use super::model::{Account, HouseholdState, TemporaryCredential};
use super::registration::household_key;
use super::session;
use crate::audit::AuditEntry;
use crate::domain::member::HouseholdKey;
use crate::store::Writer;

/// Clears the failure counter and the lock of one account (key: normalised user ID).
/// Returns whether the account exists. Records nothing: the caller audits.
pub fn unlock_account(w: &mut Writer, user_key: &str) -> anyhow::Result<bool> {
    let Some(mut account) = w.get::<Account>(user_key)? else {
        return Ok(false);
    };
    account.failed_logins = 0;
    account.locked_until = None;
    w.put(user_key, &account)?;
    Ok(true)
}

pub struct Unlocked {
    pub account: bool,
    pub temporary_id: bool,
    pub sessions_ended: u64,
}

/// Staff unlock a household: its account's lock, its temporary ID's lock, and its sessions.
pub fn unlock_household(
    w: &mut Writer,
    household: &HouseholdKey,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Unlocked> {
    let state = w
        .get::<HouseholdState>(&household_key(household))?
        .unwrap_or_default();
    let account = match &state.account {
        Some(user_key) => unlock_account(w, user_key)?,
        None => false,
    };
    let mut temporary_id = false;
    if let Some(id) = &state.temporary_id
        && let Some(mut credential) = w.get::<TemporaryCredential>(id)?
    {
        credential.failures = 0;
        credential.locked_until = None;
        w.put(id, &credential)?;
        temporary_id = true;
    }
    let sessions_ended = session::end_household(w, household, None)?;
    AuditEntry::new(now, actor, "account.unlocked")
        .target(household.to_string())
        .record(w)?;
    Ok(Unlocked {
        account,
        temporary_id,
        sessions_ended,
    })
}
