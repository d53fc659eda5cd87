//! The staff login: throttled per client address and per account like the member login,
//! so that nobody can lock a staff account by posting wrong passwords at it. Every refusal
//! is the same `LoginError::Invalid`.

use chrono::{DateTime, Utc};

use super::failures::{count_failure, since_last_lock};
use super::hash::Hasher;
use super::login_outcome::{LoggedIn, LoginError};
use super::model::StaffAccount;
use super::throttle::{self, Attempts, Purpose};
use crate::audit::{Action, Actor, AuditEntry};
use crate::store::{Store, Writer};

/// What a right password leads to: a session, or the code step for a second factor.
pub enum StaffLogin {
    Done(LoggedIn),
    /// The code step: `totp` and `passkey` say which second factors the account has.
    NeedsCode {
        challenge: String,
        totp: bool,
        passkey: bool,
    },
}

/// The account's failed logins, as the throttle ladder sees them.
pub fn failures(account: &StaffAccount) -> Attempts {
    since_last_lock(account.failed_logins, account.last_failed_login_at)
}

/// Whether the account must wait before its next password is even checked.
pub fn account_waits(account: &StaffAccount, now: DateTime<Utc>) -> bool {
    throttle::LOGIN_PER_ACCOUNT
        .wait_until(&failures(account), now)
        .is_some()
}

/// What the password check found, before the transaction decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Refused before any check: the account or the address must wait.
    Throttled,
    Mismatch,
    Password,
}

struct Attempt {
    key: String,
    now: DateTime<Utc>,
    client: Option<String>,
}

pub async fn login(
    store: &Store,
    hasher: &Hasher,
    raw_login: &str,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<StaffLogin, LoginError> {
    let key = raw_login.trim().to_ascii_lowercase();
    let lookup = key.clone();
    let address = client.clone();
    let (stored, address_attempts) = store
        .read(move |r| {
            let attempts = match address {
                Some(a) => r.get::<Attempts>(&throttle::address_key(Purpose::Login, &a))?,
                None => None,
            };
            Ok::<_, anyhow::Error>((
                r.get::<StaffAccount>(&lookup)?,
                attempts.unwrap_or_default(),
            ))
        })
        .await?;
    let throttled = throttle::LOGIN_PER_ADDRESS
        .wait_until(&address_attempts, now)
        .is_some()
        || stored.as_ref().is_some_and(|a| account_waits(a, now));
    // One argon2 verification for every attempt, whatever the login and its state (the
    // dummy hash when the login is unknown; the result thrown away when throttled), so that
    // neither the time nor the load tells that the account exists.
    let verified = hasher
        .verify(
            password.to_string(),
            stored.as_ref().map(|a| a.password_hash.clone()),
        )
        .await;
    let check = match (throttled, verified) {
        (true, _) => Check::Throttled,
        (false, true) => Check::Password,
        (false, false) => Check::Mismatch,
    };
    let attempt = Attempt { key, now, client };
    // A refusal is an answer, not an abort: the counters and the audit row must commit.
    store
        .write(move |w| decide(w, &attempt, stored, check))
        .await?
}

fn decide(
    w: &mut Writer,
    attempt: &Attempt,
    checked: Option<StaffAccount>,
    check: Check,
) -> anyhow::Result<Result<StaffLogin, LoginError>> {
    let Attempt { key, now, client } = attempt;
    let Some(account) = w.get::<StaffAccount>(key)? else {
        return refuse(w, attempt, None, check);
    };
    // A password changed between the check and now makes the check void.
    let same = checked.is_some_and(|c| c.password_hash == account.password_hash);
    let locked = account.lock(*now).is_locked();
    if check != Check::Password || !same || locked || account.disabled {
        let check = if check == Check::Password {
            Check::Mismatch
        } else {
            check
        };
        return refuse(w, attempt, Some(account), check);
    }
    let actor = Actor::staff(key).to_string();
    // A passkey is a second factor as TOTP is: the code step offers what the account has.
    if super::passkey::has_second_factor(w, &account)? {
        AuditEntry::new(*now, actor, Action::StaffPasswordAccepted)
            .client(client.clone())
            .record(w)?;
        let challenge = super::totp::start_challenge(w, key, *now)?;
        return Ok(Ok(StaffLogin::NeedsCode {
            challenge,
            totp: account.totp.is_some(),
            passkey: super::passkey::has_passkeys(w, key)?,
        }));
    }
    let entry = AuditEntry::new(*now, actor, Action::StaffLoginSucceeded).client(client.clone());
    Ok(Ok(StaffLogin::Done(LoggedIn::staff(
        w, key, account, entry, *now,
    )?)))
}

/// Records a refusal: the audit row always; the counters only for a real mismatch against an
/// account that can log in (a throttled attempt was never checked, and a locked or disabled
/// account is refused whatever the password, so neither may extend or renew a lock).
fn refuse(
    w: &mut Writer,
    attempt: &Attempt,
    account: Option<StaffAccount>,
    check: Check,
) -> anyhow::Result<Result<StaffLogin, LoginError>> {
    let Attempt { key, now, client } = attempt;
    let throttled = check == Check::Throttled;
    if !throttled {
        throttle::address_count(w, Purpose::Login, client.as_deref(), *now)?;
    }
    let Some(mut account) = account else {
        // Never the typed login: people type passwords into the ID field.
        AuditEntry::new(*now, Actor::UnknownStaff, Action::StaffLoginFailed)
            .client(client.clone())
            .detail(if throttled { "throttled" } else { "unknown" })
            .record_attempt(w, throttled)?;
        return Ok(Err(LoginError::Invalid));
    };
    let locked = account.lock(*now).is_locked();
    let detail = if throttled {
        "throttled"
    } else if account.disabled {
        "disabled"
    } else if locked {
        "locked"
    } else {
        "mismatch"
    };
    AuditEntry::new(*now, Actor::staff(key), Action::StaffLoginFailed)
        .client(client.clone())
        .detail(detail)
        .record_attempt(w, throttled)?;
    if detail == "mismatch" {
        count_failure(w, key, &mut account, client.clone(), *now)?;
    }
    Ok(Err(LoginError::Invalid))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::auth::model::StaffRole;

    fn account(hash: &str) -> StaffAccount {
        StaffAccount {
            login: "admin".into(),
            password_hash: hash.into(),
            role: StaffRole::Admin,
            created_at: Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
            failed_logins: 0,
            locked_until: None,
            last_failed_login_at: None,
            disabled: false,
            totp: None,
            totp_pending: None,
        }
    }

    #[test]
    fn a_password_changed_since_the_check_voids_the_check() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("k.redb")).expect("open");
        let now = Utc.timestamp_opt(1_800_000_100, 0).unwrap();
        store
            .write_blocking(|w| w.put("admin", &account("$argon2id$new")))
            .expect("arrange");
        let attempt = Attempt {
            key: "admin".into(),
            now,
            client: None,
        };
        // The password matched the hash read before the check, which has since been reset.
        let answer = store
            .write_blocking(|w| {
                decide(w, &attempt, Some(account("$argon2id$old")), Check::Password)
            })
            .expect("decide");
        assert!(matches!(answer, Err(LoginError::Invalid)));
        let sessions = store
            .read_blocking(|r| r.count::<crate::auth::model::Session>())
            .expect("count");
        assert_eq!(sessions, 0, "no session for a stale check");
    }
}
