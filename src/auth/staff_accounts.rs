//! Staff account management by a 管理者: create, reset password, disable, delete.
//! Every change ends the account's sessions (a role or password change applies at once).

use chrono::{DateTime, Utc};

use super::model::{Session, SessionKind, StaffAccount, StaffRole};
use crate::audit::AuditEntry;
use crate::store::{Reader, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StaffAdminError {
    #[error("このログインIDはすでに使われています")]
    Exists,
    #[error("職員アカウントが見つかりません")]
    NotFound,
    #[error("ご自身のアカウントは、この画面では停止・削除できません")]
    Yourself,
    #[error("管理者が1人もいなくなるため、この操作はできません")]
    LastAdmin,
    /// Turning off one's own second factor asks for the password or a code (二要素認証の画面).
    #[error("ご自身の二要素認証は「二要素認証」の画面で、本人確認をしてからやめてください")]
    OwnSecondFactor,
    /// One's own password changes with the current one (パスワードの変更, /staff/password).
    #[error(
        "ご自身のパスワードは「パスワードの変更」の画面で、現在のパスワードを入力してから変更してください"
    )]
    OwnPassword,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub fn list(r: &Reader) -> anyhow::Result<Vec<StaffAccount>> {
    Ok(r.scan::<StaffAccount>("")?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// Ends every session of one staff login; returns how many.
pub fn end_sessions(w: &mut Writer, login: &str) -> anyhow::Result<u64> {
    let mut ended = 0;
    for (key, session) in w.scan::<Session>("")? {
        if let SessionKind::Staff { login: l, .. } = &session.kind
            && l.eq_ignore_ascii_case(login)
        {
            w.delete::<Session>(&key)?;
            ended += 1;
        }
    }
    Ok(ended)
}

pub fn create(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    role: StaffRole,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    let key = login.to_ascii_lowercase();
    if w.get::<StaffAccount>(&key)?.is_some() {
        return Err(StaffAdminError::Exists);
    }
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
    AuditEntry::new(now, actor, "staff.created")
        .target(key)
        .detail(role_label(role))
        .record(w)?;
    Ok(())
}

pub fn role_label(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => "管理者",
        StaffRole::Clerk => "担当者",
    }
}

fn load(w: &Writer, login: &str) -> Result<(String, StaffAccount), StaffAdminError> {
    let key = login.to_ascii_lowercase();
    let account = w
        .get::<StaffAccount>(&key)?
        .ok_or(StaffAdminError::NotFound)?;
    Ok((key, account))
}

/// Sets a new password for another staff member, clears a lock and ends the account's
/// sessions. Not for one's own account: that asks for the current password.
pub fn reset_password(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    let (key, mut account) = load(w, login)?;
    if actor == format!("staff:{key}") {
        return Err(StaffAdminError::OwnPassword);
    }
    account.password_hash = password_hash;
    account.failures().clear();
    w.put(&key, &account)?;
    let ended = end_sessions(w, &key)?;
    AuditEntry::new(now, actor, "staff.password_reset")
        .target(key)
        .detail(format!("sessions_ended={ended}"))
        .record(w)?;
    Ok(())
}

fn admins_other_than(w: &Writer, key: &str) -> anyhow::Result<usize> {
    Ok(w.scan::<StaffAccount>("")?
        .into_iter()
        .filter(|(k, a)| k != key && a.role == StaffRole::Admin && !a.disabled)
        .count())
}

/// Disables (or enables) an account; enabling also clears a login lock.
pub fn set_disabled(
    w: &mut Writer,
    login: &str,
    disabled: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    let (key, mut account) = load(w, login)?;
    if actor == format!("staff:{key}") {
        return Err(StaffAdminError::Yourself);
    }
    if disabled && account.role == StaffRole::Admin && admins_other_than(w, &key)? == 0 {
        return Err(StaffAdminError::LastAdmin);
    }
    account.disabled = disabled;
    account.failures().clear();
    w.put(&key, &account)?;
    end_sessions(w, &key)?;
    let action = if disabled {
        "staff.disabled"
    } else {
        "staff.enabled"
    };
    AuditEntry::new(now, actor, action).target(key).record(w)?;
    Ok(())
}

pub fn delete(
    w: &mut Writer,
    login: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    let (key, account) = load(w, login)?;
    if actor == format!("staff:{key}") {
        return Err(StaffAdminError::Yourself);
    }
    if account.role == StaffRole::Admin && admins_other_than(w, &key)? == 0 {
        return Err(StaffAdminError::LastAdmin);
    }
    w.delete::<StaffAccount>(&key)?;
    end_sessions(w, &key)?;
    AuditEntry::new(now, actor, "staff.deleted")
        .target(key)
        .record(w)?;
    Ok(())
}
