//! 個人情報管理 and パスワード変更: the e-mail address (applied when the new address confirms),
//! the notification setting, and the password.

use chrono::{DateTime, Utc};

use super::model::{Account, LinkPurpose, SessionKind};
use super::reauth::{self, Attempt, Reauth};
use super::recovery::Request;
use super::throttle::{self, Attempts, EMAIL_CHANGE_PER_ACCOUNT};
use super::{hash, links, session};
use crate::audit::AuditEntry;
use crate::clock::format_jst;
use crate::domain::email::Email;
use crate::domain::password::NewPassword;
use crate::mail::{outbox, templates};
use crate::settings::UnionSettings;
use crate::store::{Store, Writer};

fn names(settings: &UnionSettings) -> templates::MailNames<'_> {
    templates::MailNames {
        service: &settings.service_name,
        union: &settings.union_name,
    }
}

fn account(w: &Writer, user_key: &str) -> anyhow::Result<Account> {
    w.get::<Account>(user_key)?
        .ok_or_else(|| anyhow::anyhow!("the session's account {user_key} is gone"))
}

#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("the current password is wrong")]
    WrongPassword,
    /// Too many wrong current passwords: the account locked and its sessions ended.
    #[error("the account locked")]
    Locked,
    /// Too many confirmation mails lately: nothing is mailed before `until`.
    #[error("e-mail change requests throttled")]
    Throttled { until: DateTime<Utc> },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl EmailChangeError {
    pub fn message(&self) -> String {
        match self {
            EmailChangeError::WrongPassword => ChangeError::WrongCurrent.message().into(),
            EmailChangeError::Locked => ChangeError::Locked.message().into(),
            EmailChangeError::Throttled { until } => format!(
                "確認メールの送信が続いたため、しばらく送信できません。{}以降にもう一度お試しください。",
                format_jst(*until)
            ),
            EmailChangeError::Unexpected(_) => {
                "処理中にエラーが発生しました。しばらくしてからもう一度お試しください。".into()
            }
        }
    }
}

pub struct EmailChange {
    pub user_key: String,
    pub new_email: Email,
    /// Asked again: the address decides where a forgotten password goes.
    pub current_password: String,
}

/// Mails a confirmation link to the new address once the current password checks (a
/// wrong one counts like a failed login, see [`reauth`]); nothing changes until the link
/// is used. An older pending confirmation of the account stops working. The account's
/// requests climb the [`EMAIL_CHANGE_PER_ACCOUNT`] ladder: a throttled one mails nothing
/// and keeps the older link.
pub async fn request_email_change(
    store: &Store,
    change: EmailChange,
    req: Request,
) -> Result<(), EmailChangeError> {
    let EmailChange {
        user_key,
        new_email,
        current_password,
    } = change;
    let attempt = Attempt {
        user_key: user_key.clone(),
        now: req.now,
        client: req.client.clone(),
        failed_action: "account.email_change_failed",
    };
    let checked_hash = match reauth::check(store, current_password, attempt).await? {
        Reauth::Confirmed { password_hash } => password_hash,
        Reauth::Wrong => return Err(EmailChangeError::WrongPassword),
        Reauth::Locked => return Err(EmailChangeError::Locked),
    };
    store
        .write(move |w| {
            let account = account(w, &user_key)?;
            if account.password_hash != checked_hash {
                // Changed meanwhile in another tab: the password checked is stale.
                return Ok(Err(EmailChangeError::WrongPassword));
            }
            let actor = format!("member:{user_key}");
            let throttle_key = throttle::email_change_key(&user_key);
            let mut requests = w.get::<Attempts>(&throttle_key)?.unwrap_or_default();
            if let Some(until) = EMAIL_CHANGE_PER_ACCOUNT.wait_until(&requests, req.now) {
                AuditEntry::new(req.now, actor, "account.email_change_requested")
                    .target(account.household.to_string())
                    .client(req.client)
                    .detail("throttled")
                    .record_throttled(w)?;
                return Ok(Err(EmailChangeError::Throttled { until }));
            }
            EMAIL_CHANGE_PER_ACCOUNT.record(&mut requests, req.now);
            w.put(&throttle_key, &requests)?;
            let is_confirm = |p: &LinkPurpose| matches!(p, LinkPurpose::ConfirmEmail { .. });
            links::revoke(w, &user_key, is_confirm, req.now)?;
            let purpose = LinkPurpose::ConfirmEmail {
                new_email: new_email.as_str().to_string(),
            };
            let validity = links::CONFIRM_EMAIL_VALIDITY;
            let token = links::issue(w, purpose, &user_key, req.now, validity)?;
            let link = links::url(&req.base_url, "/confirm-email", &token);
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let expires = format_jst(req.now + validity);
            let mail = templates::email_confirmation(
                new_email.as_str(),
                names(&settings),
                &link,
                &expires,
            );
            outbox::enqueue_secret(w, mail, req.now)?;
            AuditEntry::new(req.now, actor, "account.email_change_requested")
                .target(account.household.to_string())
                .client(req.client)
                .record(w)?;
            Ok::<_, anyhow::Error>(Ok(()))
        })
        .await?
}

/// The address a confirmation link would apply, if it is still valid. Read only: opening
/// the link (a mail scanner may do it first) changes nothing; the button on that page does.
pub async fn email_link_target(
    store: &Store,
    token: String,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    store
        .read(move |r| {
            let Some(link) = links::peek(r, &token, now)? else {
                return Ok(None);
            };
            let LinkPurpose::ConfirmEmail { new_email } = link.purpose else {
                return Ok(None);
            };
            Ok(r.get::<Account>(&link.account)?.map(|_| new_email))
        })
        .await
}

/// Uses a confirmation link (the button on its page, a POST): the new address applies, a
/// notice goes to the old one. `None` for a used, expired or unknown link.
pub async fn confirm_email(
    store: &Store,
    token: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<Option<String>> {
    store
        .write(move |w| {
            let Some(link) = links::consume(w, &token, now)? else {
                return Ok(None);
            };
            let LinkPurpose::ConfirmEmail { new_email } = link.purpose else {
                return Ok(None);
            };
            let Some(mut account) = w.get::<Account>(&link.account)? else {
                return Ok(None);
            };
            let old = std::mem::replace(&mut account.email, new_email.clone());
            w.put(&link.account, &account)?;
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let masked = Email::parse(&new_email)
                .map(|e| e.masked())
                .unwrap_or_default();
            let notice =
                templates::email_changed_notice(&old, names(&settings), &masked, &format_jst(now));
            outbox::enqueue(w, notice, now)?;
            AuditEntry::new(
                now,
                format!("member:{}", link.account),
                "account.email_changed",
            )
            .target(account.household.to_string())
            .client(client)
            .record(w)?;
            Ok(Some(new_email))
        })
        .await
}

/// The notification setting applies at once.
pub async fn set_notify(
    store: &Store,
    user_key: String,
    notify: bool,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<()> {
    store
        .write(move |w| {
            let mut account = account(w, &user_key)?;
            account.notify = notify;
            w.put(&user_key, &account)?;
            AuditEntry::new(now, format!("member:{user_key}"), "account.notify_changed")
                .target(account.household.to_string())
                .client(client)
                .detail(if notify { "on" } else { "off" })
                .record(w)
        })
        .await
}

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
        failed_action: "account.password_change_failed",
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
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let when = format_jst(change.now);
            let notice =
                templates::password_changed_notice(&account.email, names(&settings), &when);
            outbox::enqueue(w, notice, change.now)?;
            AuditEntry::new(
                change.now,
                format!("member:{}", change.user_key),
                "account.password_changed",
            )
            .target(account.household.to_string())
            .client(change.client)
            .record(w)?;
            Ok(Ok(token))
        })
        .await?
}
