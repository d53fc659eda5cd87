//! The member login: a registered user ID with its password, or a postcard's temporary ID.
//! Every failure gives the same answer, and takes the same time, whether or not the ID exists.

use chrono::{DateTime, Utc};

use super::actor;
use super::failures::Lock;
use super::hash::Hasher;
use super::model::{SessionKind, TemporaryCredential};
use super::session;
use super::throttle::{self, Purpose};
use crate::audit::AuditEntry;
use crate::domain::user_id::normalize_for_lookup;
use crate::settings::UnionSettings;
use crate::store::Store;

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

/// A 10-digit ID is a temporary ID: a registered user ID always contains a letter.
fn is_temporary_id(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Checks the pair and, on success, starts a session (ending `old_session` if any).
pub async fn login(
    store: &Store,
    hasher: &Hasher,
    raw_id: &str,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
    old_session: Option<String>,
) -> Result<LoggedIn, LoginError> {
    let id = normalize_for_lookup(raw_id);
    if is_temporary_id(&id) {
        login_temporary(store, hasher, id, password, now, client, old_session).await
    } else {
        let attempt = super::member_login::Attempt {
            key: id,
            now,
            client,
            old_session,
        };
        super::member_login::login(store, hasher, attempt, password).await
    }
}

async fn login_temporary(
    store: &Store,
    hasher: &Hasher,
    temp_id: String,
    password: &str,
    now: DateTime<Utc>,
    client: Option<String>,
    old_session: Option<String>,
) -> Result<LoggedIn, LoginError> {
    let lookup = temp_id.clone();
    let address = client.clone();
    let (stored, throttled, per_lock) = store
        .read(move |r| {
            let per_lock = r
                .get::<UnionSettings>("union")?
                .unwrap_or_default()
                .temp_id_max_failures;
            let throttled = match address {
                Some(a) => {
                    let attempts = r.get(&throttle::address_key(Purpose::Login, &a))?;
                    throttle::LOGIN_PER_ADDRESS
                        .wait_until(&attempts.unwrap_or_default(), now)
                        .is_some()
                }
                None => false,
            };
            Ok::<_, anyhow::Error>((r.get::<TemporaryCredential>(&lookup)?, throttled, per_lock))
        })
        .await?;
    // One verification whatever the ID and its state, throttled or not.
    let verified = hasher
        .verify(
            password.to_string(),
            stored.as_ref().map(|c| c.password_hash.clone()),
        )
        .await;
    let ok = !throttled && verified;
    // An ID that matched no postcard may be anything typed: it is not recorded.
    let actor = actor::temporary(stored.as_ref().map(|_| temp_id.as_str()));
    let Some(credential) = stored.filter(|_| ok) else {
        store
            .write(move |w| {
                if !throttled {
                    throttle::address_count(w, Purpose::Login, client.as_deref(), now)?;
                }
                AuditEntry::new(now, actor, "login.failed")
                    .client(client)
                    .detail(if throttled { "throttled" } else { "mismatch" })
                    .record_attempt(w, throttled)
            })
            .await?;
        return Err(LoginError::Invalid);
    };
    if credential.expires_at <= now {
        return Err(LoginError::TemporaryExpired);
    }
    match credential.lock(per_lock, now) {
        Lock::Open => {}
        Lock::Until(until) => return Err(LoginError::TemporaryLocked { until: Some(until) }),
        Lock::ForGood => return Err(LoginError::TemporaryLocked { until: None }),
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
