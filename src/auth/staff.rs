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

fn new_account(
    login: &str,
    password_hash: String,
    role: StaffRole,
    now: DateTime<Utc>,
) -> StaffAccount {
    StaffAccount {
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
    }
}

/// `kenpo staff add LOGIN`: a new 管理者. An existing login is refused: replacing it
/// silently would drop its second factor and raise a 担当者 to 管理者.
pub fn add(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<(), StaffAddError> {
    let key = login.to_ascii_lowercase();
    if w.get::<StaffAccount>(&key)?.is_some() {
        return Err(StaffAddError::Exists(key));
    }
    w.put(
        &key,
        &new_account(login, password_hash, StaffRole::Admin, now),
    )?;
    AuditEntry::new(now, "cli", "staff.created")
        .target(key)
        .detail(super::staff_accounts::role_label(StaffRole::Admin))
        .record(w)?;
    Ok(())
}

/// What `kenpo staff add LOGIN --reset` changed, for its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub role: StaffRole,
    pub sessions_ended: u64,
    pub has_totp: bool,
    pub disabled: bool,
}

/// `kenpo staff add LOGIN --reset`: a new password for an existing account. Its role,
/// second factor and disabled state stay; a login lock is cleared; its sessions end.
pub fn reset(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Reset, StaffAddError> {
    let key = login.to_ascii_lowercase();
    let mut account = w
        .get::<StaffAccount>(&key)?
        .ok_or_else(|| StaffAddError::NotFound(key.clone()))?;
    account.password_hash = password_hash;
    account.failed_logins = 0;
    account.last_failed_login_at = None;
    account.locked_until = None;
    w.put(&key, &account)?;
    let sessions_ended = super::staff_accounts::end_sessions(w, &key)?;
    AuditEntry::new(now, "cli", "staff.password_reset")
        .target(key)
        .detail(format!("sessions_ended={sessions_ended}"))
        .record(w)?;
    Ok(Reset {
        role: account.role,
        sessions_ended,
        has_totp: account.totp.is_some(),
        disabled: account.disabled,
    })
}

/// The demo's own 管理者 only: creates or replaces the account without asking, ending any
/// sessions of a replaced one. `kenpo staff add` uses [`add`] and [`reset`].
pub fn put(
    w: &mut Writer,
    login: &str,
    password_hash: String,
    role: StaffRole,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let key = login.to_ascii_lowercase();
    let existed = w.get::<StaffAccount>(&key)?.is_some();
    w.put(&key, &new_account(login, password_hash, role, now))?;
    if existed {
        super::staff_accounts::end_sessions(w, &key)?;
    }
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::auth::model::{Session, SessionKind, TotpEnrolment};
    use crate::store::Store;

    fn now() -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0).single().expect("time")
    }

    #[test]
    fn add_refuses_an_existing_login_and_reset_keeps_role_and_second_factor() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("k.redb")).expect("open");
        let mut clerk = new_account("Tanaka", "$argon2id$old".into(), StaffRole::Clerk, now());
        clerk.totp = Some(TotpEnrolment {
            secret: "JBSWY3DPEHPK3PXP".into(),
            enrolled_at: now(),
            recovery_digests: vec![],
            last_step: None,
        });
        clerk.locked_until = Some(now() + chrono::Duration::minutes(30));
        let kind = SessionKind::Staff {
            login: "Tanaka".into(),
            role: StaffRole::Clerk,
        };
        store
            .write_blocking(|w| {
                w.put("tanaka", &clerk)?;
                crate::auth::session::start(w, kind, now()).map(|_| ())
            })
            .expect("arrange");

        let refused = store.write_blocking(|w| add(w, "TANAKA", "$argon2id$new".into(), now()));
        assert!(matches!(refused, Err(StaffAddError::Exists(k)) if k == "tanaka"));
        let missing = store.write_blocking(|w| reset(w, "suzuki", "$argon2id$new".into(), now()));
        assert!(matches!(missing, Err(StaffAddError::NotFound(_))));

        let done = store
            .write_blocking(|w| reset(w, "tanaka", "$argon2id$new".into(), now()))
            .expect("reset");
        assert_eq!(
            done,
            Reset {
                role: StaffRole::Clerk,
                sessions_ended: 1,
                has_totp: true,
                disabled: false
            }
        );
        let after = store
            .read_blocking(|r| r.get::<StaffAccount>("tanaka"))
            .expect("read")
            .expect("account");
        assert_eq!(after.password_hash, "$argon2id$new");
        assert_eq!(after.role, StaffRole::Clerk);
        assert!(after.totp.is_some(), "the second factor stays");
        assert_eq!(after.locked_until, None, "the lock is cleared");
        assert_eq!(
            store
                .read_blocking(|r| r.count::<Session>())
                .expect("count"),
            0
        );
    }
}
