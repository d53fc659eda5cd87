//! 個人情報管理: the e-mail address (applied when the new address confirms) and the
//! notification setting. The password change is in `password_change`.

use chrono::{DateTime, Utc};

use super::links;
use super::model::{Account, LinkPurpose};
use super::password_change::ChangeError;
use super::reauth::{self, Attempt, Reauth, account};
use super::recovery::Request;
use super::throttle::{self, Attempts, EMAIL_CHANGE_PER_ACCOUNT};
use crate::audit::{Action, Actor, AuditEntry};
use crate::clock::format_jst;
use crate::domain::email::Email;
use crate::mail::{outbox, templates};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Store;

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
        failed_action: Action::AccountEmailChangeFailed,
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
            let actor = Actor::Member(user_key.to_string()).to_string();
            let throttle_key = throttle::email_change_key(&user_key);
            let mut requests = w.get::<Attempts>(&throttle_key)?.unwrap_or_default();
            if let Some(until) = EMAIL_CHANGE_PER_ACCOUNT.wait_until(&requests, req.now) {
                AuditEntry::new(req.now, actor, Action::AccountEmailChangeRequested)
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
            let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            let expires = format_jst(req.now + validity);
            let mail = templates::email_confirmation(
                new_email.as_str(),
                templates::MailNames::of(&settings),
                &link,
                &expires,
            );
            outbox::enqueue_secret(w, mail, req.now)?;
            AuditEntry::new(req.now, actor, Action::AccountEmailChangeRequested)
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
            let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            let masked = Email::parse(&new_email)
                .map(|e| e.masked())
                .unwrap_or_default();
            let notice = templates::email_changed_notice(
                &old,
                templates::MailNames::of(&settings),
                &masked,
                &format_jst(now),
            );
            outbox::enqueue(w, notice, now)?;
            AuditEntry::new(
                now,
                Actor::Member(link.account.to_string()).to_string(),
                Action::AccountEmailChanged,
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
            AuditEntry::new(
                now,
                Actor::Member(user_key.to_string()),
                Action::AccountNotifyChanged,
            )
            .target(account.household.to_string())
            .client(client)
            .detail(if notify { "on" } else { "off" })
            .record(w)
        })
        .await
}
