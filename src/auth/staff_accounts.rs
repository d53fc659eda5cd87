//! Staff account management by a 管理者: create, reset password, disable, delete.
//! Every change ends the account's sessions (a role or password change applies at once).

use chrono::{DateTime, Utc};

use super::model::{Session, SessionKind, StaffAccount, StaffRole};
use crate::audit::{Action, Actor, AuditEntry};
use crate::store::{Reader, Store, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StaffAddError {
    #[error("ログインIDは半角英数字と「.」「_」「-」で3文字以上32文字以内にしてください")]
    BadLogin,
    #[error("パスワードは12文字以上にしてください")]
    WeakPassword,
    #[error(
        "職員アカウント {0} はすでにあります。パスワードを再設定するときは --reset を付けてください（権限と二要素認証はそのまま、ログイン中のセッションは終了します）"
    )]
    Exists(String),
    #[error("職員アカウント {0} はありません。作成するときは --reset を付けずに実行してください")]
    NotFound(String),
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
    /// The login or the password is not acceptable ([`check_new`]).
    #[error(transparent)]
    Invalid(StaffAddError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Adds a staff account from the console: checks the login and the password, hashes the
/// password off the runtime, and writes the account with its audit row.
pub async fn add(
    store: &Store,
    login: &str,
    password: String,
    role: StaffRole,
    actor: String,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    check_new(login, &password).map_err(StaffAdminError::Invalid)?;
    let hash = super::hash::hash(password).await?;
    let login = login.to_string();
    store
        .write(move |w| create(w, &login, hash, role, &actor, now))
        .await
}

/// Sets another staff member's password from the console (one's own changes with the
/// current password elsewhere): checks it, hashes it off the runtime, writes and audits.
pub async fn reset(
    store: &Store,
    login: &str,
    password: String,
    actor: String,
    now: DateTime<Utc>,
) -> Result<(), StaffAdminError> {
    if actor == Actor::staff(login).to_string() {
        return Err(StaffAdminError::OwnPassword);
    }
    check_new(login, &password).map_err(StaffAdminError::Invalid)?;
    let hash = super::hash::hash(password).await?;
    let login = login.to_string();
    store
        .write(move |w| reset_password(w, &login, hash, &actor, now))
        .await
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
    AuditEntry::new(now, actor, Action::StaffCreated)
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
    if actor == Actor::staff(&key).to_string() {
        return Err(StaffAdminError::OwnPassword);
    }
    account.password_hash = password_hash;
    account.failures().clear();
    w.put(&key, &account)?;
    let ended = end_sessions(w, &key)?;
    AuditEntry::new(now, actor, Action::StaffPasswordReset)
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
    if actor == Actor::staff(&key).to_string() {
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
        Action::StaffDisabled
    } else {
        Action::StaffEnabled
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
    if actor == Actor::staff(&key).to_string() {
        return Err(StaffAdminError::Yourself);
    }
    if account.role == StaffRole::Admin && admins_other_than(w, &key)? == 0 {
        return Err(StaffAdminError::LastAdmin);
    }
    w.delete::<StaffAccount>(&key)?;
    end_sessions(w, &key)?;
    // Its passkeys and user handle go too: a later account of the same login is someone else.
    super::passkey::staff::forget(w, &key, actor, now)?;
    AuditEntry::new(now, actor, Action::StaffDeleted)
        .target(key)
        .record(w)?;
    Ok(())
}
