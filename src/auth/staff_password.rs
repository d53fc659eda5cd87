//! A staff member changes their own password. The current password comes first (a session
//! alone — a forgotten open browser, a stolen cookie — must not be enough); wrong ones are
//! throttled and counted like wrong passwords at the login. The account's other sessions
//! end, the one in use goes on, and the change is audited.

use chrono::{DateTime, Utc};

use super::hash;
use super::model::{Session, SessionKind, StaffAccount};
use super::staff_login::{account_waits, count_failure};
use crate::audit::AuditEntry;
use crate::domain::password::{NewPassword, PasswordContext, PasswordError, PasswordField};
use crate::store::{Store, Writer};

/// The fewest characters of a staff password (the domain's rules come on top).
pub const STAFF_MIN_CHARS: usize = 12;

/// The form field a refusal is shown beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Current,
    New,
    Confirmation,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Current => "current_password",
            Field::New => "new_password",
            Field::Confirmation => "confirmation",
        }
    }
}

/// Checks the new password and its confirmation: the domain's password rules (with the
/// login and the union's name as context), then the staff minimum, then that it differs
/// from the current one.
pub fn check(
    login: &str,
    union_name: &str,
    current: &str,
    new: &str,
    confirmation: &str,
) -> Result<NewPassword, (Field, String)> {
    let context = PasswordContext {
        user_id: login,
        union_name,
        household_symbol_number: &[],
    };
    let field = |e: &PasswordError| match e.field() {
        PasswordField::Password => Field::New,
        PasswordField::Confirmation => Field::Confirmation,
    };
    let password = NewPassword::parse(new, confirmation, &context)
        .map_err(|e| (field(&e), e.message().to_string()))?;
    if new.chars().count() < STAFF_MIN_CHARS {
        let message = format!("職員のパスワードは{STAFF_MIN_CHARS}文字以上で入力してください。");
        return Err((Field::New, message));
    }
    if new == current {
        let message = "現在と同じパスワードは使えません。別のパスワードを入力してください。";
        return Err((Field::New, message.to_string()));
    }
    Ok(password)
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Wrong, throttled or locked: one answer for all.
    #[error("現在のパスワードが正しくありません。もう一度入力してください。")]
    WrongCurrent,
    /// The account is gone (deleted since the session started).
    #[error("account not found")]
    Gone,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What the caller knows about the request: who, from where, and the session in use.
pub struct Change<'a> {
    pub login: &'a str,
    /// The stored key of the session in use (it is kept; every other one ends).
    pub keep_session: &'a str,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
}

/// Changes the password of `c.login` when `current` is right; returns how many other
/// sessions ended.
pub async fn change_own(
    store: &Store,
    c: Change<'_>,
    current: &str,
    new: NewPassword,
) -> Result<u64, ChangeError> {
    let key = c.login.to_ascii_lowercase();
    let lookup = key.clone();
    let stored = store
        .read(move |r| r.get::<StaffAccount>(&lookup))
        .await?
        .ok_or(ChangeError::Gone)?;
    let locked = stored.locked_until.is_some_and(|u| u > c.now);
    let throttled = locked || account_waits(&stored, c.now);
    let right =
        !throttled && hash::verify(current.to_string(), Some(stored.password_hash.clone())).await;
    let new_hash = if right {
        Some(hash::hash(new.expose().to_string()).await?)
    } else {
        None
    };
    let (keep, now, client) = (c.keep_session.to_string(), c.now, c.client);
    store
        .write(move |w| -> anyhow::Result<Result<u64, ChangeError>> {
            let Some(mut account) = w.get::<StaffAccount>(&key)? else {
                return Ok(Err(ChangeError::Gone));
            };
            // A password changed since it was checked makes the check void.
            let same = account.password_hash == stored.password_hash;
            let Some(new_hash) = new_hash.filter(|_| same) else {
                refuse(w, &key, &mut account, throttled, now, client)?;
                return Ok(Err(ChangeError::WrongCurrent));
            };
            account.password_hash = new_hash;
            account.failed_logins = 0;
            account.last_failed_login_at = None;
            w.put(&key, &account)?;
            let ended = end_other_sessions(w, &key, &keep)?;
            AuditEntry::new(now, format!("staff:{key}"), "staff.password_changed")
                .target(key)
                .client(client)
                .detail(format!("other_sessions_ended={ended}"))
                .record(w)?;
            Ok(Ok(ended))
        })
        .await?
}

fn refuse(
    w: &mut Writer,
    key: &str,
    account: &mut StaffAccount,
    throttled: bool,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<()> {
    AuditEntry::new(now, format!("staff:{key}"), "staff.password_change_refused")
        .target(key)
        .client(client.clone())
        .detail(if throttled {
            "throttled"
        } else {
            "wrong current password"
        })
        .record(w)?;
    if !throttled {
        count_failure(w, key, account, client, now)?;
    }
    Ok(())
}

/// Ends every session of one staff login but `keep`; returns how many.
fn end_other_sessions(w: &mut Writer, login: &str, keep: &str) -> anyhow::Result<u64> {
    let mut ended = 0;
    for (key, session) in w.scan::<Session>("")? {
        if let SessionKind::Staff { login: l, .. } = &session.kind
            && l.eq_ignore_ascii_case(login)
            && key != keep
        {
            w.delete::<Session>(&key)?;
            ended += 1;
        }
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_password_follows_the_domain_rules_and_the_staff_minimum() {
        let check = |new: &str, confirmation: &str| {
            check(
                "tanaka",
                "テスト健康保険組合",
                "current-pass-1234",
                new,
                confirmation,
            )
            .map(|_| ())
            .map_err(|(field, _)| field)
        };
        assert_eq!(
            check("letters-only-here", "letters-only-here"),
            Err(Field::New)
        );
        assert_eq!(check("short-pw-1", "short-pw-1"), Err(Field::New));
        assert_eq!(
            check("x-tanaka-2027-pw", "x-tanaka-2027-pw"),
            Err(Field::New)
        );
        assert_eq!(
            check("Renewed-pass-2027", "Renewed-pass-2028"),
            Err(Field::Confirmation)
        );
        assert_eq!(
            check("current-pass-1234", "current-pass-1234"),
            Err(Field::New)
        );
        assert_eq!(check("Renewed-pass-2027", "Renewed-pass-2027"), Ok(()));
    }
}
