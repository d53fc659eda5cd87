//! The member login: a registered user ID with its password, or a postcard's temporary ID.
//! Every failure gives the same answer, and takes the same time, whether or not the ID exists.

use chrono::{DateTime, Duration, Utc};

use super::hash;
use super::model::{Account, SessionKind, TemporaryCredential};
use super::session;
use crate::audit::AuditEntry;
use crate::domain::user_id::normalize_for_lookup;
use crate::settings::UnionSettings;
use crate::store::Store;

/// Consecutive failures that lock a registered account.
pub const MAX_FAILED_LOGINS: u32 = 10;
pub const LOCK_MINUTES: i64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong ID or password, or a locked account: one answer for all.
    #[error("invalid credentials")]
    Invalid,
    /// Right temporary pair, but its validity has ended.
    #[error("temporary credentials expired")]
    TemporaryExpired,
    /// Right temporary pair, but the identity check locked it.
    #[error("temporary ID locked")]
    TemporaryLocked { until: DateTime<Utc> },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl LoginError {
    pub fn message(&self) -> String {
        match self {
            LoginError::Invalid => "ユーザIDまたはパスワードが正しくありません。入力内容をご確認ください。".into(),
            LoginError::TemporaryExpired => "仮ID・仮パスワードの有効期限が切れています。お手数ですが、健康保険組合に再発行をお申し出ください。".into(),
            LoginError::TemporaryLocked { until } => format!(
                "本人確認に続けて失敗したため、この仮IDは一時的に利用できません。{}以降にもう一度お試しください。",
                crate::clock::format_jst(*until)
            ),
            LoginError::Unexpected(_) => "処理中にエラーが発生しました。しばらくしてからもう一度お試しください。".into(),
        }
    }
}

pub struct LoggedIn {
    pub token: String,
    pub kind: SessionKind,
}

/// A 10-digit ID is a temporary ID: a registered user ID always contains a letter.
fn is_temporary_id(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Checks the pair and, on success, starts a session (ending `old_session` if any).
pub async fn login(
    store: &Store,
    raw_id: &str,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
    old_session: Option<String>,
) -> Result<LoggedIn, LoginError> {
    let id = normalize_for_lookup(raw_id);
    if is_temporary_id(&id) {
        login_temporary(store, id, password, now, client, old_session).await
    } else {
        login_member(store, id, password, now, client, old_session).await
    }
}

async fn login_temporary(
    store: &Store,
    temp_id: String,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
    old_session: Option<String>,
) -> Result<LoggedIn, LoginError> {
    let lookup = temp_id.clone();
    let stored = store
        .read(move |r| r.get::<TemporaryCredential>(&lookup))
        .await?;
    let ok = hash::verify(
        password.to_string(),
        stored.as_ref().map(|c| c.password_hash.clone()),
    )
    .await;
    let actor = format!("temporary:{temp_id}");
    let Some(credential) = stored.filter(|_| ok) else {
        store
            .write(move |w| {
                AuditEntry::new(now, actor, "login.failed")
                    .client(client)
                    .record(w)
            })
            .await?;
        return Err(LoginError::Invalid);
    };
    if credential.expires_at <= now {
        return Err(LoginError::TemporaryExpired);
    }
    if let Some(until) = credential.locked_until.filter(|u| *u > now) {
        return Err(LoginError::TemporaryLocked { until });
    }
    let kind = SessionKind::Registration {
        temporary_id: temp_id,
        household: credential.household.clone(),
        verified: false,
        draft: None,
    };
    let session_kind = kind.clone();
    let token = store
        .write(move |w| {
            if let Some(old) = old_session {
                session::end(w, &old)?;
            }
            AuditEntry::new(now, actor, "login.temporary")
                .target(credential.household.to_string())
                .client(client)
                .record(w)?;
            session::start(w, session_kind, now)
        })
        .await?;
    Ok(LoggedIn { token, kind })
}

async fn login_member(
    store: &Store,
    key: String,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
    old_session: Option<String>,
) -> Result<LoggedIn, LoginError> {
    let lookup = key.clone();
    let (stored, settings) = store
        .read(move |r| {
            let settings = r.get::<UnionSettings>("union")?.unwrap_or_default();
            Ok::<_, anyhow::Error>((r.get::<Account>(&lookup)?, settings))
        })
        .await?;
    let ok = hash::verify(
        password.to_string(),
        stored.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let locked = stored
        .as_ref()
        .and_then(|a| a.locked_until)
        .is_some_and(|u| u > now);
    let actor = format!("member:{key}");
    store
        .write(move |w| {
            let Some(mut account) = w.get::<Account>(&key)? else {
                AuditEntry::new(now, actor, "login.failed")
                    .client(client)
                    .record(w)?;
                return Err(LoginError::Invalid);
            };
            if !ok || locked {
                account.failed_logins += 1;
                let mut entry = AuditEntry::new(now, actor.clone(), "login.failed");
                if !locked && account.failed_logins >= MAX_FAILED_LOGINS {
                    account.locked_until = Some(now + Duration::minutes(LOCK_MINUTES));
                    account.failed_logins = 0;
                    entry = AuditEntry::new(now, actor.clone(), "account.locked");
                }
                w.put(&key, &account)?;
                entry
                    .target(account.household.to_string())
                    .client(client)
                    .record(w)?;
                return Err(LoginError::Invalid);
            }
            account.failed_logins = 0;
            account.locked_until = None;
            account.last_login_at = Some(now);
            w.put(&key, &account)?;
            if let Some(old) = old_session {
                session::end(w, &old)?;
            }
            let too_old =
                now - account.password_changed_at > Duration::days(settings.password_max_age_days);
            let kind = SessionKind::Member {
                user_id: key.clone(),
                household: account.household.clone(),
                must_change_password: too_old,
            };
            AuditEntry::new(now, actor, "login.succeeded")
                .target(account.household.to_string())
                .client(client)
                .record(w)?;
            let token = session::start(w, kind.clone(), now)?;
            Ok(LoggedIn { token, kind })
        })
        .await
}
