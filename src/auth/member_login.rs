//! Login with a registered user ID: throttling, the lock, password age and the recovery
//! temporary password. Every refusal is the same `LoginError::Invalid`.

use chrono::{DateTime, Duration, Utc};

use super::failures::since_last_lock;
use super::hash::Hasher;
use super::lockout::{self, Failure};
use super::login_outcome::{LoggedIn, LoginError};
use super::model::{Account, SessionKind};
use super::session;
use super::throttle::{self, Attempts, Purpose};
use super::tokens;
use crate::audit::{Action, Actor, AuditEntry};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Store, Writer};

/// The account's failed logins, as the throttle ladder sees them.
pub fn failures(account: &Account) -> Attempts {
    since_last_lock(account.failed_logins, account.last_failed_login_at)
}

/// What the password checks found, before the transaction decides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Refused before any check: the account or the address must wait.
    Throttled,
    Mismatch,
    Password,
    Recovery,
}

/// Who tries which account, when and from where.
pub struct Attempt {
    /// The normalised user ID typed.
    pub key: String,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    pub old_session: Option<String>,
}

pub async fn login(
    store: &Store,
    hasher: &Hasher,
    attempt: Attempt,
    password: &str,
) -> Result<LoggedIn, LoginError> {
    let now = attempt.now;
    let lookup = attempt.key.clone();
    let address = attempt.client.clone();
    let (stored, address_attempts) = store
        .read(move |r| {
            let attempts = match address {
                Some(a) => r.get::<Attempts>(&throttle::address_key(Purpose::Login, &a))?,
                None => None,
            };
            Ok::<_, anyhow::Error>((r.get::<Account>(&lookup)?, attempts.unwrap_or_default()))
        })
        .await?;
    let throttled = throttle::LOGIN_PER_ADDRESS
        .wait_until(&address_attempts, now)
        .is_some()
        || stored.as_ref().is_some_and(|a| {
            throttle::LOGIN_PER_ACCOUNT
                .wait_until(&failures(a), now)
                .is_some()
        });
    // Checked even when throttled, and the result thrown away: see `check_password`.
    let checked = check_password(hasher, stored.as_ref(), password, now).await;
    let check = if throttled { Check::Throttled } else { checked };
    // A refusal is an answer, not an abort: the counters and the audit row must commit.
    store
        .write(move |w| decide(w, attempt, stored, check))
        .await?
}

/// The same argon2 work for the same kind of input, whatever the ID and its state. Input in
/// the recovery password's format ([`tokens::has_temporary_password_format`]: public, the
/// mails print it) costs two verifications on every path: against the pending recovery
/// password (or the dummy hash when there is none), then against the password (or the dummy
/// hash for an unknown ID), so that the old password keeps working while a recovery is
/// pending, even when it has that format (SPEC §4). Any other input costs one: against the
/// password, or the dummy hash for an unknown ID. Every stored hash has the same parameters,
/// so the work depends only on what was typed: neither the answer's time nor the server's
/// load tells that an account exists, is throttled or locked, or has a recovery pending.
async fn check_password(
    hasher: &Hasher,
    stored: Option<&Account>,
    password: &str,
    now: DateTime<Utc>,
) -> Check {
    let main = stored.map(|a| a.password_hash.clone());
    if tokens::has_temporary_password_format(password) {
        let pending = stored
            .and_then(|a| a.recovery.as_ref())
            .filter(|r| r.expires_at > now)
            .map(|r| r.hash.clone());
        let recovery = hasher.verify(password.to_string(), pending).await;
        let own = hasher.verify(password.to_string(), main).await;
        // The own password first: it keeps the pending recovery for later.
        return match (own, recovery) {
            (true, _) => Check::Password,
            (false, true) => Check::Recovery,
            (false, false) => Check::Mismatch,
        };
    }
    match hasher.verify(password.to_string(), main).await {
        true => Check::Password,
        false => Check::Mismatch,
    }
}

fn decide(
    w: &mut Writer,
    attempt: Attempt,
    checked: Option<Account>,
    check: Check,
) -> anyhow::Result<Result<LoggedIn, LoginError>> {
    let Attempt { key, now, .. } = &attempt;
    let fresh = w.get::<Account>(key)?;
    let Some(mut account) = fresh else {
        return refuse(w, &attempt, None, check);
    };
    let actor = Actor::member(Some(key)).to_string();
    // A password changed between the check and now makes the check void.
    let same = checked.is_some_and(|c| {
        c.password_hash == account.password_hash
            && c.recovery.map(|r| r.hash) == account.recovery.as_ref().map(|r| r.hash.clone())
    });
    let locked = account.lock(*now).is_locked();
    let expired = account.password_expires_at.is_some_and(|e| e <= *now);
    match check {
        Check::Recovery if same => {
            let was_locked = locked;
            use_recovery(w, &mut account, &actor, *now, was_locked, &attempt.client)?;
        }
        Check::Password if same && !locked && !expired => {}
        _ => return refuse(w, &attempt, Some(account), check),
    }
    let detail = if check == Check::Recovery {
        "recovery password"
    } else {
        "password"
    };
    succeed(w, &attempt, account, detail)
}

/// The checks after a right proof (a password, a recovery password or a passkey): a former
/// member's household past its last day is refused; otherwise the failures clear, a session
/// starts (ending `old_session`), forced to the password change when the password is too
/// old or a recovery password was used, and the login is audited with `detail`.
pub(super) fn succeed(
    w: &mut Writer,
    attempt: &Attempt,
    mut account: Account,
    detail: &str,
) -> anyhow::Result<Result<LoggedIn, LoginError>> {
    let Attempt { key, now, .. } = attempt;
    let actor = Actor::member(Some(key)).to_string();
    let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    // SPEC §6.1: a former member's household keeps its login for a while, then loses it.
    let insured = w.get::<crate::domain::member::Person>(&crate::store::key(&[
        &account.household.symbol,
        &account.household.number,
        crate::domain::member::INSURED_BRANCH,
    ]))?;
    let last_day = insured.and_then(|p| p.login_ends(settings.former_member_login_months));
    if let Some(last_day) = last_day.filter(|d| *d < crate::clock::today_jst(*now)) {
        AuditEntry::new(*now, actor, Action::LoginMembershipEnded)
            .target(account.household.to_string())
            .client(attempt.client.clone())
            .record(w)?;
        return Ok(Err(LoginError::MembershipEnded { last_day }));
    }
    account.failures().clear();
    account.last_login_at = Some(*now);
    w.put(key, &account)?;
    if let Some(old) = &attempt.old_session {
        session::end(w, old)?;
    }
    let too_old =
        *now - account.password_changed_at > Duration::days(settings.password_max_age_days);
    let kind = SessionKind::Member {
        user_id: key.clone(),
        household: account.household.clone(),
        must_change_password: too_old || account.must_change_password,
    };
    AuditEntry::new(*now, actor, Action::LoginSucceeded)
        .target(account.household.to_string())
        .client(attempt.client.clone())
        .detail(detail)
        .record(w)?;
    let token = session::start(w, kind.clone(), *now)?;
    Ok(Ok(LoggedIn { token, kind }))
}

/// The recovery temporary password becomes the password, valid until its own end, and must
/// be changed at once; the old password stops working, the lock ends, and every other
/// session of the household ends.
fn use_recovery(
    w: &mut Writer,
    account: &mut Account,
    actor: &str,
    now: DateTime<Utc>,
    was_locked: bool,
    client: &Option<String>,
) -> anyhow::Result<()> {
    let Some(recovery) = account.recovery.take() else {
        return Ok(());
    };
    account.password_hash = recovery.hash;
    account.password_expires_at = Some(recovery.expires_at);
    account.must_change_password = true;
    session::end_household(w, &account.household, None)?;
    AuditEntry::new(now, actor, Action::RecoveryUsed)
        .target(account.household.to_string())
        .client(client.clone())
        .record(w)?;
    if was_locked {
        AuditEntry::new(now, actor, Action::AccountUnlocked)
            .target(account.household.to_string())
            .client(client.clone())
            .detail("password recovery")
            .record(w)?;
    }
    Ok(())
}

/// Records a refusal: the audit row always; the counters only for a real mismatch (not a
/// throttled or locked attempt, which was never checked against the lock's count).
fn refuse(
    w: &mut Writer,
    attempt: &Attempt,
    account: Option<Account>,
    check: Check,
) -> anyhow::Result<Result<LoggedIn, LoginError>> {
    let Attempt {
        key, now, client, ..
    } = attempt;
    let throttled = check == Check::Throttled;
    if !throttled {
        throttle::address_count(w, Purpose::Login, client.as_deref(), *now)?;
    }
    let Some(mut account) = account else {
        // What was typed matched no account: it may be a password, so it is not recorded.
        AuditEntry::new(*now, Actor::UnknownMember, Action::LoginFailed)
            .client(client.clone())
            .detail(if throttled { "throttled" } else { "unknown" })
            .record_attempt(w, throttled)?;
        return Ok(Err(LoginError::Invalid));
    };
    let actor = Actor::member(Some(key)).to_string();
    let locked = account.lock(*now).is_locked();
    let detail = match (throttled, locked) {
        (true, _) => "throttled",
        (false, true) => "locked",
        (false, false) => "mismatch",
    };
    AuditEntry::new(*now, actor.clone(), Action::LoginFailed)
        .target(account.household.to_string())
        .client(client.clone())
        .detail(detail)
        .record_attempt(w, throttled)?;
    if throttled || locked {
        return Ok(Err(LoginError::Invalid));
    }
    let failure = Failure {
        key,
        actor: &actor,
        client,
        now: *now,
        what: "failed logins",
    };
    lockout::count_failure(w, &mut account, failure)?;
    Ok(Err(LoginError::Invalid))
}
