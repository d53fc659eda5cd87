//! Escalating delays for login and recovery, per account and per client address.
//!
//! A throttled attempt is refused early with the same answer as any other failure: nobody
//! sleeps on the server, and the delay is a pure function of the stored attempts and `now`,
//! so tests move the clock instead of waiting. The state lives in the data file, written in
//! the same transaction as the failure and its audit row: it survives a restart, and the
//! count and the audit can never disagree.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{ReadTx, Writer, key};

/// Attempts counted against an account or an address.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attempts {
    pub count: u32,
    pub last_at: Option<DateTime<Utc>>,
}

/// A delay ladder: `free` attempts without delay, then `first`, doubling, up to `cap`.
/// With `forget_after`, a quiet spell that long starts the count again.
#[derive(Debug, Clone, Copy)]
pub struct Ladder {
    pub free: u32,
    pub first: Duration,
    pub cap: Duration,
    pub forget_after: Option<Duration>,
}

/// Failed logins of one account: 0, 0, 0, then 1 s, 2 s, 4 s, ... (the lock comes at 10).
pub const LOGIN_PER_ACCOUNT: Ladder = Ladder {
    free: 3,
    first: Duration::seconds(1),
    cap: Duration::minutes(5),
    forget_after: None,
};

/// Failed logins from one address, whatever the ID: an office behind one address gets
/// ten free failures, then 1 s, 2 s, 4 s, ... up to a minute; an hour of quiet forgets.
pub const LOGIN_PER_ADDRESS: Ladder = Ladder {
    free: 10,
    first: Duration::seconds(1),
    cap: Duration::minutes(1),
    forget_after: Some(Duration::hours(1)),
};

/// Recovery mails to one account: three, then one a minute, two minutes, ... up to an hour.
pub const RECOVERY_PER_ACCOUNT: Ladder = Ladder {
    free: 3,
    first: Duration::minutes(1),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(24)),
};

/// Recovery requests from one address, matched or not.
pub const RECOVERY_PER_ADDRESS: Ladder = Ladder {
    free: 10,
    first: Duration::seconds(30),
    cap: Duration::minutes(30),
    forget_after: Some(Duration::hours(1)),
};

/// Confirmation mails for a new e-mail address from one account (a logged-in session
/// could otherwise make the union's SMTP mail any address without end): three, then one
/// a minute, two minutes, ... up to an hour.
pub const EMAIL_CHANGE_PER_ACCOUNT: Ladder = Ladder {
    free: 3,
    first: Duration::minutes(1),
    cap: Duration::hours(1),
    forget_after: Some(Duration::hours(24)),
};

/// The key of an account's e-mail change requests in the `throttle` table.
pub fn email_change_key(user_key: &str) -> String {
    key(&["email_change", user_key])
}

impl Ladder {
    /// The count that still applies at `now`.
    pub fn current(&self, attempts: &Attempts, now: DateTime<Utc>) -> u32 {
        match (self.forget_after, attempts.last_at) {
            (Some(forget), Some(last)) if now - last >= forget => 0,
            _ => attempts.count,
        }
    }

    /// How long to wait after the last attempt, once `count` attempts were counted.
    pub fn delay(&self, count: u32) -> Duration {
        let Some(steps) = count.checked_sub(self.free) else {
            return Duration::zero();
        };
        let factor = 1i32.checked_shl(steps.min(30)).unwrap_or(i32::MAX);
        let delay = self.first * factor;
        if delay > self.cap { self.cap } else { delay }
    }

    /// When the next attempt is allowed, if that is still in the future.
    pub fn wait_until(&self, attempts: &Attempts, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last = attempts.last_at?;
        let until = last + self.delay(self.current(attempts, now));
        (until > now).then_some(until)
    }

    /// Counts one more attempt at `now`.
    pub fn record(&self, attempts: &mut Attempts, now: DateTime<Utc>) {
        attempts.count = self.current(attempts, now).saturating_add(1);
        attempts.last_at = Some(now);
    }
}

/// What is being throttled per address.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    Login,
    Recovery,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Login => "login",
            Purpose::Recovery => "recovery",
        }
    }

    pub fn ladder(self) -> Ladder {
        match self {
            Purpose::Login => LOGIN_PER_ADDRESS,
            Purpose::Recovery => RECOVERY_PER_ADDRESS,
        }
    }
}

pub use crate::domain::client_address::address_group;

/// The key of an address's attempts in the `throttle` table.
pub fn address_key(purpose: Purpose, client: &str) -> String {
    key(&[purpose.name(), &address_group(client)])
}

/// Whether the address must wait before this attempt. No address (a test client, a Unix
/// socket) is never throttled per address; accounts still are.
pub fn address_waits(
    w: &impl ReadTx,
    purpose: Purpose,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(client) = client else {
        return Ok(false);
    };
    let attempts = w
        .get::<Attempts>(&address_key(purpose, client))?
        .unwrap_or_default();
    Ok(purpose.ladder().wait_until(&attempts, now).is_some())
}

/// Counts an attempt (a failed login, any recovery request) from the address.
pub fn address_count(
    w: &mut Writer,
    purpose: Purpose,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(client) = client else {
        return Ok(());
    };
    let k = address_key(purpose, client);
    let mut attempts = w.get::<Attempts>(&k)?.unwrap_or_default();
    purpose.ladder().record(&mut attempts, now);
    w.put(&k, &attempts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn the_login_ladder_is_free_three_times_then_doubles() {
        let delays: Vec<i64> = (0..10)
            .map(|n| LOGIN_PER_ACCOUNT.delay(n).num_seconds())
            .collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(LOGIN_PER_ACCOUNT.delay(40), Duration::minutes(5));
    }

    #[test]
    fn waiting_counts_from_the_last_attempt() {
        let mut a = Attempts::default();
        for s in 0..4 {
            LOGIN_PER_ACCOUNT.record(&mut a, t(s));
        }
        assert_eq!(LOGIN_PER_ACCOUNT.wait_until(&a, t(3)), Some(t(5)));
        assert_eq!(LOGIN_PER_ACCOUNT.wait_until(&a, t(5)), None);
    }

    #[test]
    fn an_ipv6_address_is_throttled_with_its_slash_64() {
        let key = |a: &str| address_key(Purpose::Login, a);
        assert_eq!(
            key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            key("2001:db8:1:2::1")
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(address_group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_ne!(
            address_key(Purpose::Login, "2001:db8:1:2::1"),
            address_key(Purpose::Recovery, "2001:db8:1:2::1")
        );
    }

    #[test]
    fn an_ipv4_address_is_throttled_alone_however_it_is_written() {
        let key = |a: &str| address_key(Purpose::Login, a);
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
    }

    #[test]
    fn a_quiet_hour_forgets_an_address() {
        let mut a = Attempts::default();
        for s in 0..30 {
            LOGIN_PER_ADDRESS.record(&mut a, t(s));
        }
        assert!(LOGIN_PER_ADDRESS.wait_until(&a, t(30)).is_some());
        assert_eq!(LOGIN_PER_ADDRESS.current(&a, t(29 + 3600)), 0);
        LOGIN_PER_ADDRESS.record(&mut a, t(29 + 3600));
        assert_eq!(a.count, 1);
    }
}
