//! パスワード変更: the member changes their password with the current one.

use chrono::{DateTime, Utc};

use super::model::SessionKind;
use super::reauth::{self, Attempt, Reauth, account};
use super::{hash, session};
use crate::audit::{Action, Actor, AuditEntry};
use crate::clock::format_jst;
use crate::domain::password::NewPassword;
use crate::mail::{outbox, templates};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("the new password equals the current one")]
    SameAsCurrent,
    /// Too many wrong current passwords: the account locked and its sessions ended.
    #[error("the account locked")]
    Locked,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ChangeError {
    pub fn message(&self) -> &'static str {
        match self {
            ChangeError::WrongCurrent => "現在のパスワードが正しくありません。",
            ChangeError::SameAsCurrent => "現在のパスワードと異なるパスワードを設定してください。",
            ChangeError::Locked => "続けて失敗したため、ログアウトしました。",
            ChangeError::Unexpected(_) => {
                "処理中にエラーが発生しました。しばらくしてからもう一度お試しください。"
            }
        }
    }
}

pub struct PasswordChange {
    pub user_key: String,
    pub current: String,
    pub new: NewPassword,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
}

/// Changes the password, ends every session of the household and starts a new one for this
/// browser (a new session id: a forced change raises what the session may do). Returns the
/// new session token.
pub async fn change_password(store: &Store, change: PasswordChange) -> Result<String, ChangeError> {
    let attempt = Attempt {
        user_key: change.user_key.clone(),
        now: change.now,
        client: change.client.clone(),
        failed_action: Action::AccountPasswordChangeFailed,
    };
    let current_hash = match reauth::check(store, change.current.clone(), attempt).await? {
        Reauth::Confirmed { password_hash } => password_hash,
        Reauth::Wrong => return Err(ChangeError::WrongCurrent),
        Reauth::Locked => return Err(ChangeError::Locked),
    };
    let same = hash::verify(change.new.expose().to_string(), Some(current_hash.clone())).await;
    if same {
        return Err(ChangeError::SameAsCurrent);
    }
    let new_hash = hash::hash(change.new.expose().to_string()).await?;
    store
        .write(move |w| {
            let mut account = account(w, &change.user_key)?;
            if account.password_hash != current_hash {
                // Changed meanwhile in another tab: the current password checked is stale.
                return Ok::<_, anyhow::Error>(Err(ChangeError::WrongCurrent));
            }
            account.password_hash = new_hash;
            account.password_changed_at = change.now;
            account.must_change_password = false;
            account.password_expires_at = None;
            account.recovery = None;
            w.put(&change.user_key, &account)?;
            session::end_household(w, &account.household, None)?;
            let kind = SessionKind::Member {
                user_id: change.user_key.clone(),
                household: account.household.clone(),
                must_change_password: false,
            };
            let token = session::start(w, kind, change.now)?;
            let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            let when = format_jst(change.now);
            let notice = templates::password_changed_notice(
                &account.email,
                templates::MailNames::of(&settings),
                &when,
            );
            outbox::enqueue(w, notice, change.now)?;
            AuditEntry::new(
                change.now,
                Actor::Member(change.user_key.to_string()).to_string(),
                Action::AccountPasswordChanged,
            )
            .target(account.household.to_string())
            .client(change.client)
            .record(w)?;
            Ok(Ok(token))
        })
        .await?
}
