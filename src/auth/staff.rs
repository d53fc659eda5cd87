//! Staff accounts: creation from the command line and the staff login.

use chrono::{DateTime, Utc};

use super::hash;
use super::login::{LOCK_MINUTES, LoggedIn, LoginError, MAX_FAILED_LOGINS};
use super::model::{SessionKind, StaffAccount, StaffRole};
use super::session;
use crate::audit::AuditEntry;
use crate::store::{Store, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StaffAddError {
    #[error("ログインIDは半角英数字と「.」「_」「-」で3文字以上32文字以内にしてください")]
    BadLogin,
    #[error("パスワードは12文字以上にしてください")]
    WeakPassword,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn valid_login(login: &str) -> bool {
    (3..=32).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Checks a new staff login and password; returns the normalised login.
pub fn check_new(login: &str, password: &str) -> Result<String, StaffAddError> {
    if !valid_login(login) {
        return Err(StaffAddError::BadLogin);
    }
    if password.chars().count() < 12 {
        return Err(StaffAddError::WeakPassword);
    }
    Ok(login.to_ascii_lowercase())
}

/// Creates or replaces a staff account (the first one, and those made by `staff add`, are 管理者).
pub fn put(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    role: StaffRole,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let key = login.to_ascii_lowercase();
    let existed = w.get::<StaffAccount>(&key)?.is_some();
    let account = StaffAccount {
        login: login.to_string(),
        password_hash,
        role,
        created_at: now,
        failed_logins: 0,
        locked_until: None,
        disabled: false,
        totp: None,
        totp_pending: None,
    };
    w.put(&key, &account)?;
    AuditEntry::new(
        now,
        "cli",
        if existed {
            "staff.password_reset"
        } else {
            "staff.created"
        },
    )
    .target(key)
    .record(w)?;
    Ok(existed)
}

/// What a right password leads to: a session, or the code step for a second factor.
pub enum StaffLogin {
    Done(LoggedIn),
    NeedsCode { challenge: String },
}

pub async fn login(
    store: &Store,
    raw_login: &str,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<StaffLogin, LoginError> {
    let key = raw_login.trim().to_ascii_lowercase();
    let lookup = key.clone();
    let stored = store.read(move |r| r.get::<StaffAccount>(&lookup)).await?;
    let ok = hash::verify(
        password.to_string(),
        stored.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let actor = format!("staff:{key}");
    store
        .write(move |w| {
            let Some(mut account) = w.get::<StaffAccount>(&key)? else {
                AuditEntry::new(now, actor, "staff.login_failed")
                    .client(client)
                    .record(w)?;
                return Ok::<_, LoginError>(Err(LoginError::Invalid));
            };
            let locked = account.locked_until.is_some_and(|u| u > now);
            if !ok || locked || account.disabled {
                account.failed_logins += 1;
                if !locked && account.failed_logins >= MAX_FAILED_LOGINS {
                    account.locked_until = Some(now + chrono::Duration::minutes(LOCK_MINUTES));
                    account.failed_logins = 0;
                }
                w.put(&key, &account)?;
                AuditEntry::new(now, actor, "staff.login_failed")
                    .client(client)
                    .record(w)?;
                // The counter must persist although the answer is a refusal: commit, then refuse.
                return Ok(Err(LoginError::Invalid));
            }
            if account.totp.is_some() {
                AuditEntry::new(now, actor, "staff.password_accepted")
                    .client(client)
                    .record(w)?;
                let challenge = super::totp::start_challenge(w, &key, now)?;
                return Ok(Ok(StaffLogin::NeedsCode { challenge }));
            }
            account.failed_logins = 0;
            account.locked_until = None;
            w.put(&key, &account)?;
            AuditEntry::new(now, actor, "staff.login_succeeded")
                .client(client)
                .record(w)?;
            let kind = SessionKind::Staff {
                login: account.login.clone(),
                role: account.role,
            };
            let token = session::start(w, kind.clone(), now)?;
            Ok(Ok(StaffLogin::Done(LoggedIn { token, kind })))
        })
        .await?
}
