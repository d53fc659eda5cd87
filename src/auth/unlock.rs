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
    account.failures().clear();
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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _, Utc};

    use super::*;
    use crate::auth::model::{Session, SessionKind};
    use crate::store::Store;

    #[test]
    fn unlocking_clears_the_lock_and_ends_the_households_sessions() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("k.redb")).expect("open");
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
            .single()
            .expect("time");
        let h = HouseholdKey::new("1201", "105").expect("key");
        let account = Account {
            user_id: "Yamada.Taro".into(),
            household: h.clone(),
            email: "taro@example.jp".into(),
            notify: true,
            password_hash: String::new(),
            password_changed_at: now,
            created_at: now,
            terms_version: 1,
            failed_logins: 3,
            locked_until: Some(now + Duration::minutes(30)),
            last_login_at: None,
            last_failed_login_at: None,
            recovery: None,
            must_change_password: false,
            password_expires_at: None,
            recovery_requests: Default::default(),
        };
        store
            .write_blocking(|w| {
                w.put("yamada.taro", &account)?;
                let state = HouseholdState {
                    account: Some("yamada.taro".into()),
                    temporary_id: None,
                };
                w.put(&household_key(&h), &state)?;
                let kind = SessionKind::Member {
                    user_id: "yamada.taro".into(),
                    household: h.clone(),
                    must_change_password: false,
                };
                session::start(w, kind, now)?;
                Ok::<_, anyhow::Error>(())
            })
            .expect("arrange");
        let done = store
            .write_blocking(|w| unlock_household(w, &h, "staff:admin", now))
            .expect("unlock");
        assert!(done.account && !done.temporary_id);
        assert_eq!(done.sessions_ended, 1);
        let after = store
            .read_blocking(|r| {
                Ok::<_, anyhow::Error>((r.get::<Account>("yamada.taro")?, r.count::<Session>()?))
            })
            .expect("read");
        let (account, sessions) = after;
        let account = account.expect("account");
        assert_eq!((account.failed_logins, account.locked_until), (0, None));
        assert_eq!(sessions, 0);
    }
}
