//! Staff accounts: creation from the command line; the staff login lives in `staff_login`.

use chrono::{DateTime, Utc};

use super::model::{StaffAccount, StaffRole};
use crate::audit::AuditEntry;
use crate::store::Writer;

pub use super::staff_login::{StaffLogin, login};

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
        last_failed_login_at: None,
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
