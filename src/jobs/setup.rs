//! init, staff add, credentials issue.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{JobError, JobIo};
use crate::audit::AuditEntry;
use crate::auth::credentials::{self, IssueError};
use crate::auth::model::StaffRole;
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

pub fn staff_add(
    store: &Store,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let key = crate::auth::staff::check_new(login, password)
        .map_err(|e| JobError::User(e.to_string()))?;
    let hash = crate::auth::hash::hash_blocking(password)?;
    let existed =
        store.write_blocking(|w| crate::auth::staff::put(w, login, hash, StaffRole::Admin, now))?;
    io.say(&if existed {
        format!("管理者 {key} のパスワードを変更しました")
    } else {
        format!("管理者 {key} を作成しました")
    });
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
    Ok(crate::store::files::write_private(path, bytes)?)
}
