//! init, staff add, credentials issue.

use chrono::{DateTime, Utc};

use super::{JobError, JobIo, Spool};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::credentials::{self, IssueError};
use crate::auth::model::StaffAccount;
use crate::auth::tokens::random_token;
use crate::domain::insurer_number::InsurerNumber;
use crate::domain::member::HouseholdKey;
use crate::settings::{DEFAULT_SERVICE_NAME, SETTINGS, Secrets, UnionSettings};
use crate::store::seal::is_sealed;
use crate::store::{Record, Store, Writer};
use serde::{Deserialize, Serialize};

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
        let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
        settings.union_name = union_name.to_string();
        settings.insurer_number = Some(number);
        settings.service_name = match service_name.map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ if settings.service_name.is_empty() => DEFAULT_SERVICE_NAME.to_string(),
            _ => settings.service_name.clone(),
        };
        w.put(SETTINGS, &settings)?;
        ensure_secrets(w)?;
        AuditEntry::new(now, Actor::Cli, Action::SettingsChanged)
            .detail("init")
            .record(w)?;
        Ok::<_, anyhow::Error>(settings)
    })?;
    Ok(settings)
}

/// What the CSRF key is sealed to in the data file.
const CSRF_KEY_CONTEXT: &str = "secrets:csrf_key";

/// Creates the server's secret key once; returns it opened (the data file keeps it sealed).
pub fn ensure_secrets(w: &mut Writer) -> anyhow::Result<Secrets> {
    let (csrf_key, plain) = match w.get::<Secrets>("secrets")? {
        Some(stored) => (
            w.unseal(CSRF_KEY_CONTEXT, &stored.csrf_key)?,
            !is_sealed(&stored.csrf_key),
        ),
        None => (hex::encode(random_token()), true),
    };
    if plain {
        let sealed = Secrets {
            csrf_key: w.seal(CSRF_KEY_CONTEXT, &csrf_key)?,
        };
        w.put("secrets", &sealed)?;
    }
    Ok(Secrets { csrf_key })
}

/// Marks a data file whose outbox has been sealed (the outbox may be long: looked at once).
#[derive(Serialize, Deserialize)]
struct OutboxSealed;

impl Record for OutboxSealed {
    const TABLE: &'static str = crate::store::tables::META;
}

/// Seals what an older kenpo kept in plain text in the data file: queued mail bodies and
/// staff TOTP secrets (the CSRF key is sealed by [`ensure_secrets`]).
pub fn seal_plain_secrets(w: &mut Writer) -> anyhow::Result<()> {
    if w.get::<OutboxSealed>("outbox_sealed")?.is_none() {
        let mails = crate::mail::outbox::seal_plain_bodies(w)?;
        w.put("outbox_sealed", &OutboxSealed)?;
        if mails > 0 {
            tracing::info!(
                mails,
                "sealed mail bodies an older kenpo kept in plain text"
            );
        }
    }
    let accounts = crate::auth::totp::seal_plain_secrets(w)?;
    if accounts > 0 {
        tracing::info!(
            accounts,
            "sealed TOTP secrets an older kenpo kept in plain text"
        );
    }
    Ok(())
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
    let settings = store.read_blocking(|r| r.get::<UnionSettings>(SETTINGS))?;
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
    let issue_error = |e| match e {
        IssueError::Unexpected(e) => JobError::Unexpected(e),
        other => JobError::User(other.to_string()),
    };
    let prepared = credentials::prepare(store, &keys, now, &mut |d, t| io.step("仮ID発行", d, t))
        .map_err(issue_error)?;
    // The postcards are handed over before anything is stored: the receiver holds the whole
    // file (the command line has written it) when `output_file` returns. A file lost on
    // the way (Ctrl-C, a full disk) stores nothing and leaves the earlier postcards valid.
    // Under a name the start-up sweep knows: a crash while handing it over leaves no
    // temporary passwords on disk for good.
    let bytes = credentials::postcards_csv(&prepared.postcards)?;
    let temp = Spool::beside_named(store.path(), "postcards");
    write_private(&temp.path, &bytes)?;
    io.output_file(&temp.path)?;
    drop(temp);
    let done = prepared
        .commit(store, now, &Actor::Cli.to_string())
        .map_err(issue_error)?;
    io.say(&format!(
        "{} 世帯に仮IDと仮パスワードを発行しました",
        done.issued.len()
    ));
    if !done.void.is_empty() {
        let void: Vec<String> = done.void.iter().map(ToString::to_string).collect();
        io.say(&format!(
            "次の {} 世帯は発行の間に利用登録を済ませたため、ファイル内のはがきは無効です（送付しないでください）: {}",
            void.len(),
            void.join(", ")
        ));
    }
    Ok(())
}

/// Writes a file only its owner can read (it may hold temporary passwords).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    Ok(crate::store::files::write_private(path, bytes)?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::auth::model::{StaffAccount, StaffRole, TotpEnrolment};
    use crate::mail::outbox::{MailState, OutboxMail, PendingMail};

    /// What an older kenpo wrote: the CSRF key, a TOTP secret and a mail body in plain text.
    fn plain_records(w: &mut Writer, now: DateTime<Utc>) -> anyhow::Result<()> {
        let csrf_key = "plain-csrf-key".to_string();
        w.put("secrets", &Secrets { csrf_key })?;
        crate::auth::staff::put(w, "admin", "hash".into(), StaffRole::Admin, now)?;
        let mut account = w.get::<StaffAccount>("admin")?.expect("admin");
        account.totp = Some(TotpEnrolment {
            secret: "PLAINTOTPSECRETAAAAA".into(),
            enrolled_at: now,
            recovery_digests: Vec::new(),
            last_step: None,
        });
        w.put("admin", &account)?;
        let mail = OutboxMail {
            to: "taro@example.jp".into(),
            subject: "件名".into(),
            body: "仮パスワード：PLAINPASSWORD".into(),
            created_at: now,
            state: MailState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            sent_at: None,
            secret: true,
        };
        w.put("00000000000000000001", &mail)?;
        w.put("00000000000000000001", &PendingMail)
    }

    #[test]
    fn secrets_an_older_kenpo_kept_in_plain_text_are_sealed_and_still_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
        let now = Utc
            .with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
            .single()
            .expect("time");
        store
            .write_blocking(|w| plain_records(w, now))
            .expect("arrange");
        let secrets = store
            .write_blocking(|w| {
                seal_plain_secrets(w)?;
                ensure_secrets(w)
            })
            .expect("sealed");
        assert_eq!(secrets.csrf_key, "plain-csrf-key");
        store
            .read_blocking(|r| {
                let stored = r.get::<Secrets>("secrets")?.expect("secrets");
                assert!(is_sealed(&stored.csrf_key));
                let account = r.get::<StaffAccount>("admin")?.expect("admin");
                let secret = account.totp.expect("enrolled").secret;
                assert!(is_sealed(&secret));
                let opened = crate::auth::totp::open_secret(r, "admin", &secret)?;
                assert_eq!(opened, "PLAINTOTPSECRETAAAAA");
                let mails = crate::mail::outbox::scan_opened(r)?;
                assert_eq!(mails[0].1.body, "仮パスワード：PLAINPASSWORD");
                let raw = r.get::<OutboxMail>("00000000000000000001")?.expect("mail");
                assert!(is_sealed(&raw.body));
                Ok::<_, anyhow::Error>(())
            })
            .expect("read");
    }
}
