//! Counted login failures and the locks they lead to, one rule for member and staff accounts
//! (SPEC §4; NIST SP 800-63B-4 allows at most 100 consecutive failures per account):
//!
//! - a failure counts only when the password was checked against an account that could log
//!   in: a throttled attempt, or one against a locked account, counts nothing;
//! - the count runs from the last successful login (or staff unlock, or completed password
//!   recovery), across locks: waiting out a lock does not start it again;
//! - every tenth counted failure locks the account, each lock twice as long as the one
//!   before (30 minutes, 1 hour, 2 hours, ... with the default first lock);
//! - the hundredth locks it until a password recovery completes or staff unlock it.
//!
//! So an attacker who waits out every delay gets at most 100 guesses per account, ever,
//! between two logins of its owner.

use chrono::{DateTime, Duration, Utc};

use super::login_outcome::LOCK_MINUTES;
use super::model::{Account, StaffAccount, TemporaryCredential};
use super::throttle::Attempts;
use crate::audit::{Action, Actor, AuditEntry};
use crate::store::Writer;

/// Counted failures that lock an account (the first lock: SPEC §4's ten in a row).
pub const FAILURES_PER_LOCK: u32 = 10;

/// Counted failures since the last successful login after which an account stays locked
/// until a password recovery completes or staff unlock it.
pub const MAX_FAILURES: u32 = 100;

/// Where an account's lock stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Open,
    Until(DateTime<Utc>),
    /// [`MAX_FAILURES`] reached: until a password recovery completes or staff unlock it.
    ForGood,
}

impl Lock {
    pub fn at(failed: u32, locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Lock {
        if failed >= MAX_FAILURES {
            return Lock::ForGood;
        }
        match locked_until {
            Some(until) if until > now => Lock::Until(until),
            _ => Lock::Open,
        }
    }

    pub fn is_locked(self) -> bool {
        self != Lock::Open
    }
}

/// How long the `nth` lock (1, 2, ...) lasts: `first`, then twice as long each time.
pub fn lock_length(nth: u32, first: Duration) -> Duration {
    let doublings = nth.saturating_sub(1).min(30);
    first
        .checked_mul(1i32 << doublings)
        .unwrap_or(Duration::MAX)
}

/// The failed-login fields of an account, whatever its kind.
pub struct Failures<'a> {
    pub count: &'a mut u32,
    pub last_at: &'a mut Option<DateTime<Utc>>,
    pub locked_until: &'a mut Option<DateTime<Utc>>,
}

impl Failures<'_> {
    /// Counts one failure at `now`. Returns the lock it started, if it started one.
    pub fn count(self, now: DateTime<Utc>, first_lock: Duration) -> Option<Lock> {
        *self.count = self.count.saturating_add(1);
        *self.last_at = Some(now);
        let count = *self.count;
        if count >= MAX_FAILURES {
            *self.locked_until = None;
            return Some(Lock::ForGood);
        }
        if !count.is_multiple_of(FAILURES_PER_LOCK) {
            return None;
        }
        let length = lock_length(count / FAILURES_PER_LOCK, first_lock);
        let until = now
            .checked_add_signed(length)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        *self.locked_until = Some(until);
        Some(Lock::Until(until))
    }

    /// A successful login, a completed recovery or staff: nothing counted, no lock.
    pub fn clear(self) {
        *self.count = 0;
        *self.last_at = None;
        *self.locked_until = None;
    }
}

/// The failures the per-account delay ladder sees: those since the last lock, so that the
/// ladder starts again when a lock ends (the lock itself was the long wait).
pub fn since_last_lock(count: u32, last_at: Option<DateTime<Utc>>) -> Attempts {
    Attempts {
        count: count % FAILURES_PER_LOCK,
        last_at,
    }
}

impl Account {
    pub fn failures(&mut self) -> Failures<'_> {
        Failures {
            count: &mut self.failed_logins,
            last_at: &mut self.last_failed_login_at,
            locked_until: &mut self.locked_until,
        }
    }

    pub fn lock(&self, now: DateTime<Utc>) -> Lock {
        Lock::at(self.failed_logins, self.locked_until, now)
    }
}

impl StaffAccount {
    pub fn failures(&mut self) -> Failures<'_> {
        Failures {
            count: &mut self.failed_logins,
            last_at: &mut self.last_failed_login_at,
            locked_until: &mut self.locked_until,
        }
    }

    pub fn lock(&self, now: DateTime<Utc>) -> Lock {
        Lock::at(self.failed_logins, self.locked_until, now)
    }
}

/// Locks of a temporary ID after which it stays locked until staff unlock or re-issue it:
/// with the default five tries a lock, 25 guesses of the birth date in all.
pub const TEMPORARY_ID_LOCKS: u32 = 5;

impl TemporaryCredential {
    /// Where the temporary ID's lock stands at `now`, for `per_lock` failures a lock.
    pub fn lock(&self, per_lock: u32, now: DateTime<Utc>) -> Lock {
        if self.failures >= per_lock.max(1).saturating_mul(TEMPORARY_ID_LOCKS) {
            return Lock::ForGood;
        }
        match self.locked_until {
            Some(until) if until > now => Lock::Until(until),
            _ => Lock::Open,
        }
    }
}

/// Counts one wrong password (or code) against an account that is not locked, under the
/// member accounts' rule (`failures`): every tenth locks it, each lock twice as long, the
/// hundredth until an admin resets its password or enables it again. Writes the account;
/// the caller audits the failure itself. A staff account has no e-mail address: its lock
/// is recorded in the audit log and the server log only. Returns the lock it started.
pub fn count_failure(
    w: &mut Writer,
    key: &str,
    account: &mut StaffAccount,
    client: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Lock>> {
    let lock = account
        .failures()
        .count(now, Duration::minutes(LOCK_MINUTES));
    w.put(key, account)?;
    let Some(lock) = lock else {
        return Ok(None);
    };
    let failed = account.failed_logins;
    let detail = match lock {
        Lock::Until(until) => format!(
            "{failed} failed logins since the last login; locked until {}",
            until.to_rfc3339()
        ),
        _ => format!(
            "{failed} failed logins since the last login; locked until an admin resets the password or enables the account"
        ),
    };
    tracing::warn!(
        failed,
        "a staff account locked (which one: the audit log): {detail}"
    );
    AuditEntry::new(now, Actor::staff(key), Action::StaffLocked)
        .target(key)
        .client(client)
        .detail(detail)
        .record(w)?;
    Ok(Some(lock))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    struct Fields(u32, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

    impl Fields {
        fn failures(&mut self) -> Failures<'_> {
            Failures {
                count: &mut self.0,
                last_at: &mut self.1,
                locked_until: &mut self.2,
            }
        }
    }

    #[test]
    fn every_tenth_failure_locks_twice_as_long_as_the_lock_before() {
        let mut f = Fields(0, None, None);
        let mut locks = Vec::new();
        for n in 1..=99 {
            if let Some(Lock::Until(until)) = f.failures().count(t(n), Duration::minutes(30)) {
                locks.push((until - t(n)).num_minutes());
            }
        }
        assert_eq!(
            locks,
            [30, 60, 120, 240, 480, 960, 1920, 3840, 7680],
            "nine locks, doubling"
        );
        assert_eq!(f.0, 99, "a lock forgets nothing");
    }

    #[test]
    fn the_hundredth_failure_locks_for_good_and_clearing_ends_it() {
        let mut f = Fields(99, Some(t(0)), Some(t(0)));
        let lock = f.failures().count(t(1), Duration::minutes(30));
        assert_eq!(lock, Some(Lock::ForGood));
        assert_eq!(Lock::at(f.0, f.2, t(1_000_000)), Lock::ForGood);
        f.failures().clear();
        assert_eq!(Lock::at(f.0, f.2, t(2)), Lock::Open);
        assert_eq!((f.0, f.1, f.2), (0, None, None));
    }

    #[test]
    fn a_lock_ends_at_its_time() {
        assert_eq!(Lock::at(10, Some(t(30)), t(29)), Lock::Until(t(30)));
        assert_eq!(Lock::at(10, Some(t(30)), t(30)), Lock::Open);
    }

    #[test]
    fn the_delay_ladder_starts_again_after_each_lock() {
        assert_eq!(since_last_lock(23, None).count, 3);
        assert_eq!(since_last_lock(10, None).count, 0);
    }

    #[test]
    fn a_huge_first_lock_does_not_overflow() {
        let mut f = Fields(89, None, None);
        let lock = f.failures().count(t(0), Duration::MAX);
        assert_eq!(lock, Some(Lock::Until(DateTime::<Utc>::MAX_UTC)));
    }
}
