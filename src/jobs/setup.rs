//! init, staff add, credentials issue.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{JobError, JobIo};
use crate::audit::AuditEntry;
use crate::auth::credentials::{self, IssueError};
use crate::auth::model::StaffAccount;
use crate::auth::tokens::random_token;
use crate::domain::insurer_number::InsurerNumber;
use crate::domain::member::HouseholdKey;
use crate::settings::{DEFAULT_SERVICE_NAME, Secrets, UnionSettings};
use crate::store::Store;

pub fn init_union(
    store: &Store,
    union_name: &str,
    insurer_number: &str,
    service_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UnionSettings, JobError> {
    let number = InsurerNumber::parse(insurer_number)
        .map_err(|e| JobError::User(format!("保険者番号「{insurer_number}」: {}", e.message())))?;
    let union_name = union_name.trim();
    if union_name.is_empty() {
        return Err(JobError::User(
            "組合名を指定してください（--union-name）".into(),
        ));
    }
    let settings = store.write_blocking(|w| {
        let mut settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
        settings.union_name = union_name.to_string();
        settings.insurer_number = number.as_str().to_string();
        settings.service_name = match service_name.map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ if settings.service_name.is_empty() => DEFAULT_SERVICE_NAME.to_string(),
            _ => settings.service_name.clone(),
        };
        w.put("union", &settings)?;
        ensure_secrets(w)?;
        AuditEntry::new(now, "cli", "settings.changed")
            .detail("init")
            .record(w)?;
        Ok::<_, anyhow::Error>(settings)
    })?;
    Ok(settings)
}

/// Creates the server's secret key once.
pub fn ensure_secrets(w: &mut crate::store::Writer) -> anyhow::Result<Secrets> {
    if let Some(s) = w.get::<Secrets>("secrets")? {
        return Ok(s);
    }
    let secrets = Secrets {
        csrf_key: hex::encode(random_token()),
    };
    w.put("secrets", &secrets)?;
    Ok(secrets)
}

fn staff_error(e: crate::auth::staff::StaffAddError) -> JobError {
    match e {
        crate::auth::staff::StaffAddError::Unexpected(e) => JobError::Unexpected(e),
        other => JobError::User(other.to_string()),
    }
}

/// What the first login of `key` will ask while the union requires staff MFA.
fn enrolment_note(key: &str) -> String {
    format!(
        "組合の設定で職員の二要素認証が必須です。{key} でログインすると、パスワードの直後に二要素認証（認証アプリ）の設定画面が表示され、設定を終えるまでほかの画面は使えません。"
    )
}

fn staff_mfa_required(store: &Store) -> anyhow::Result<bool> {
    let settings = store.read_blocking(|r| r.get::<UnionSettings>("union"))?;
    Ok(settings.unwrap_or_default().staff_totp_required)
}

pub fn staff_add(
    store: &Store,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let key = crate::auth::staff::check_new(login, password).map_err(staff_error)?;
    // Refused before the hash is computed; the write refuses again if it appeared since.
    let exists = store.read_blocking(|r| r.get::<StaffAccount>(&key))?;
    if exists.is_some() {
        return Err(staff_error(crate::auth::staff::StaffAddError::Exists(key)));
    }
    let hash = crate::auth::hash::hash_blocking(password)?;
    store
        .write_blocking(|w| crate::auth::staff::add(w, login, hash, now))
        .map_err(staff_error)?;
    io.say(&format!("管理者 {key} を作成しました"));
    if staff_mfa_required(store)? {
        io.say(&enrolment_note(&key));
    }
    Ok(())
}

pub fn staff_reset(
    store: &Store,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let key = crate::auth::staff::check_new(login, password).map_err(staff_error)?;
    let hash = crate::auth::hash::hash_blocking(password)?;
    let done = store
        .write_blocking(|w| crate::auth::staff::reset(w, login, hash, now))
        .map_err(staff_error)?;
    io.say(&format!(
        "{} {key} のパスワードを再設定しました（権限と二要素認証はそのままです。ログイン中のセッション {} 件を終了しました）",
        crate::auth::staff_accounts::role_label(done.role),
        done.sessions_ended
    ));
    if done.disabled {
        io.say("このアカウントは利用停止中です。利用を再開するには、管理者が管理画面の「職員アカウント」で再開してください。");
    }
    if !done.has_totp && staff_mfa_required(store)? {
        io.say(&enrolment_note(&key));
    }
    Ok(())
}

pub fn issue_credentials(
    store: &Store,
    households: &[String],
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let mut keys = Vec::new();
    for h in households {
        let key = HouseholdKey::parse_display(h)
            .map_err(|e| JobError::User(format!("--household {h}: {e}")))?;
        keys.push(key);
    }
    let cards = credentials::issue(store, &keys, now, "cli", &mut |d, t| {
        io.progress("仮ID発行", d, t)
    })
    .map_err(|e| match e {
        IssueError::Unexpected(e) => JobError::Unexpected(e),
        other => JobError::User(other.to_string()),
    })?;
    let bytes = credentials::postcards_csv(&cards)?;
    let temp = temp_path(store, "postcards");
    write_private(&temp, &bytes)?;
    let result = io.output_file(&temp);
    let _ = std::fs::remove_file(&temp);
    result?;
    io.say(&format!(
        "{} 世帯に仮IDと仮パスワードを発行しました",
        cards.len()
    ));
    Ok(())
}

/// A temporary file beside the data file (same file system, private).
pub fn temp_path(store: &Store, what: &str) -> PathBuf {
    let mut name = store.path().as_os_str().to_owned();
    name.push(format!(".{what}.{}.tmp", std::process::id()));
    PathBuf::from(name)
}

/// Writes a file only its owner can read (it may hold temporary passwords).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
