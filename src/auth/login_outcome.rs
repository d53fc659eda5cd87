//! What a login comes to, for members and staff alike: a session, or one refusal that says
//! no more than it must.

use chrono::{DateTime, Utc};

use super::model::{SessionKind, StaffAccount};
use crate::audit::AuditEntry;
use crate::store::Writer;

/// How long a staff account's first lock lasts (member accounts: the setting
/// `account_lock_minutes`); each later lock lasts twice as long as the one before.
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
    /// `None`: locked until staff unlock or re-issue it.
    TemporaryLocked { until: Option<DateTime<Utc>> },
    /// Right password, but the household left the union longer ago than its login lasts.
    #[error("membership ended")]
    MembershipEnded { last_day: chrono::NaiveDate },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl LoginError {
    pub fn message(&self) -> String {
        match self {
            LoginError::Invalid => "ユーザIDまたはパスワードが正しくありません。入力内容をご確認ください。".into(),
            LoginError::TemporaryExpired => "仮ID・仮パスワードの有効期限が切れています。お手数ですが、健康保険組合に再発行をお申し出ください。".into(),
            LoginError::MembershipEnded { last_day } => format!(
                "被保険者の方が当組合の資格を喪失されたため、このユーザIDは{}をもってご利用いただけなくなりました。ご不明な点は健康保険組合にお問い合わせください。",
                last_day.format("%Y年%-m月%-d日")
            ),
            LoginError::TemporaryLocked { until: Some(until) } => format!(
                "本人確認に続けて失敗したため、この仮IDは一時的に利用できません。{}以降にもう一度お試しください。",
                crate::clock::format_jst(*until)
            ),
            LoginError::TemporaryLocked { until: None } => TEMPORARY_ID_LOCKED_FOR_GOOD.into(),
            LoginError::Unexpected(_) => "処理中にエラーが発生しました。しばらくしてからもう一度お試しください。".into(),
        }
    }
}

/// What a member reads when the temporary ID stays locked until staff act.
pub const TEMPORARY_ID_LOCKED_FOR_GOOD: &str = "本人確認に何度も続けて失敗したため、この仮IDはロックされています。お手数ですが、健康保険組合にお問い合わせください（ロックの解除または仮ID・仮パスワードの再発行をいたします）。";

pub struct LoggedIn {
    pub token: String,
    pub kind: SessionKind,
}

impl LoggedIn {
    /// Lets a staff member in, whichever step they passed last (password, TOTP code,
    /// passkey): clears the account's failed attempts, records `entry` and starts the
    /// session.
    pub fn staff(
        w: &mut Writer,
        key: &str,
        mut account: StaffAccount,
        entry: AuditEntry,
        now: DateTime<Utc>,
    ) -> anyhow::Result<LoggedIn> {
        account.failures().clear();
        w.put(key, &account)?;
        entry.record(w)?;
        let kind = SessionKind::Staff {
            login: account.login.clone(),
            role: account.role,
        };
        let token = super::session::start(w, kind.clone(), now)?;
        Ok(LoggedIn { token, kind })
    }
}
