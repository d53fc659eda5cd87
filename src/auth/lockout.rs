//! A member account's lock: counting a failure (and the lock and mail it may bring), and
//! the staff hooks used by the staff screens. The rule itself is in [`super::failures`].

use chrono::{DateTime, Duration, Utc};

use super::failures::Lock;
use super::model::Account;
use super::session;
use crate::audit::AuditEntry;
use crate::clock::format_jst;
use crate::mail::{outbox, templates};
use crate::settings::UnionSettings;
use crate::store::Writer;

/// Who failed, where, and how (`what`: e.g. "failed logins", for the audit row).
pub struct Failure<'a> {
    pub key: &'a str,
    pub actor: &'a str,
    pub client: &'a Option<String>,
    pub now: DateTime<Utc>,
    pub what: &'a str,
}

/// Counts one failure against a member account that could log in and writes it. When that
/// locks the account, records the lock and mails the household in the same transaction:
/// the mail says only that the account locked and what to do. Returns the lock it started.
pub fn count_failure(
    w: &mut Writer,
    account: &mut Account,
    failure: Failure,
) -> anyhow::Result<Option<Lock>> {
    let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
    let first = Duration::minutes(settings.account_lock_minutes);
    let lock = account.failures().count(failure.now, first);
    w.put(failure.key, account)?;
    let Some(lock) = lock else {
        return Ok(None);
    };
    let (detail, until) = match lock {
        Lock::Until(until) => (
            format!(
                "{} {} since the last login; locked until {}",
                account.failed_logins,
                failure.what,
                until.to_rfc3339()
            ),
            Some(format_jst(until)),
        ),
        _ => (
            format!(
                "{} {} since the last login; locked until a password recovery or staff unlock",
                account.failed_logins, failure.what
            ),
            None,
        ),
    };
    AuditEntry::new(failure.now, failure.actor, "account.locked")
        .target(account.household.to_string())
        .client(failure.client.clone())
        .detail(detail)
        .record(w)?;
    let names = templates::MailNames {
        service: &settings.service_name,
        union: &settings.union_name,
    };
    let login_url = match settings.public_url.as_str() {
        "" => "組合からのご案内にあるアドレスからログインしてください。".to_string(),
        url => format!("{}/", url.trim_end_matches('/')),
    };
    let mail = templates::account_locked(&account.email, names, until.as_deref(), &login_url);
    outbox::enqueue(w, mail, failure.now)?;
    Ok(Some(lock))
}

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
