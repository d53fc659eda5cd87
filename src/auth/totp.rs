//! The optional second factor of staff accounts (RFC 6238 TOTP, 6 digits, 30 s) with
//! single-use recovery codes. Time always comes from the caller (`now`).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::failures::count_failure;
use super::login_outcome::LoggedIn;
use super::model::{StaffAccount, TotpEnrolment};
use super::tokens::{constant_time_eq, random_token, temporary_password, token_digest};
use crate::audit::{Action, Actor, AuditEntry};
use crate::store::{Record, Store, Writer, tables};

mod sealed;

pub(crate) use sealed::open_secret;
use sealed::seal_secret;
pub use sealed::{pending_secret, seal_plain_secrets};

/// How long the code step of a login may take, and how many codes it may try.
pub const CHALLENGE_MINUTES: i64 = 5;
pub const CHALLENGE_ATTEMPTS: u32 = 5;
pub const RECOVERY_CODES: usize = 10;

/// A staff login whose password was right, waiting for its code; keyed by the token digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffChallenge {
    pub login: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
}

impl Record for StaffChallenge {
    const TABLE: &'static str = tables::STAFF_CHALLENGES;
}

fn totp(secret: &str, login: &str, issuer: &str) -> anyhow::Result<Totp> {
    let bytes = Secret::try_from_base32(secret)
        .map_err(|e| anyhow::anyhow!("bad TOTP secret: {e:?}"))?
        .as_bytes()
        .to_vec();
    let clean = |s: &str| s.replace(':', "").trim().to_string();
    let issuer = clean(issuer);
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(bytes)
        .with_account_name(clean(login))
        .with_issuer((!issuer.is_empty()).then_some(issuer))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build TOTP: {e}"))
}

/// A new random secret (160 bits), base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, login: &str, issuer: &str) -> anyhow::Result<String> {
    totp(secret, login, issuer)?
        .to_url()
        .map_err(|e| anyhow::anyhow!("cannot build the otpauth URL: {e}"))
}

fn seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or_default()
}

/// The code for `now` (tests and the enrolment page's self-check use it).
pub fn code_at(secret: &str, now: DateTime<Utc>) -> anyhow::Result<String> {
    Ok(totp(secret, "x", "")?.generate(seconds(now)).to_string())
}

/// The time step a code matches (one step of skew either way), if it matches.
pub fn check(secret: &str, code: &str, now: DateTime<Utc>) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, "x", "").ok()?.check(&code, seconds(now))
}

#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    #[error(
        "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
    )]
    WrongCode,
    #[error("登録を始め直してください。")]
    NotStarted,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The pending secret of an enrolment, created on first call.
pub fn begin_enrolment(w: &mut Writer, login: &str) -> anyhow::Result<Option<String>> {
    let key = login.to_ascii_lowercase();
    let Some(mut account) = w.get::<StaffAccount>(&key)? else {
        return Ok(None);
    };
    if let Some(stored) = &account.totp_pending {
        return Ok(Some(open_secret(w, &key, stored)?));
    }
    let secret = new_secret();
    account.totp_pending = Some(seal_secret(w, &key, &secret)?);
    w.put(&key, &account)?;
    Ok(Some(secret))
}

/// Turns the pending secret on when `code` matches; returns the plain recovery codes (shown once).
pub fn confirm_enrolment(
    w: &mut Writer,
    login: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, EnrolError> {
    let key = login.to_ascii_lowercase();
    let mut account = w.get::<StaffAccount>(&key)?.ok_or(EnrolError::NotStarted)?;
    let stored = account.totp_pending.clone().ok_or(EnrolError::NotStarted)?;
    let secret = open_secret(w, &key, &stored)?;
    let step = check(&secret, code, now).ok_or(EnrolError::WrongCode)?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| temporary_password()).collect();
    account.totp = Some(TotpEnrolment {
        secret: seal_secret(w, &key, &secret)?,
        enrolled_at: now,
        recovery_digests: codes.iter().map(|c| token_digest(c)).collect(),
        last_step: Some(step),
    });
    account.totp_pending = None;
    w.put(&key, &account)?;
    AuditEntry::new(now, Actor::staff(&key), Action::StaffTotpEnabled)
        .target(key)
        .record(w)?;
    Ok(codes)
}

/// Removes the second factor (by the owner, or by an admin for a lost phone).
pub fn disable(
    w: &mut Writer,
    login: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let key = login.to_ascii_lowercase();
    let Some(mut account) = w.get::<StaffAccount>(&key)? else {
        return Ok(false);
    };
    let had = account.totp.take().is_some();
    account.totp_pending = None;
    w.put(&key, &account)?;
    AuditEntry::new(now, actor, Action::StaffTotpDisabled)
        .target(key)
        .record(w)?;
    Ok(had)
}

/// Starts the code step after a right password; returns the token for the form.
pub fn start_challenge(w: &mut Writer, login: &str, now: DateTime<Utc>) -> anyhow::Result<String> {
    let token = random_token();
    let challenge = StaffChallenge {
        login: login.to_ascii_lowercase(),
        created_at: now,
        attempts: 0,
    };
    w.put(&token_digest(&token), &challenge)?;
    Ok(token)
}

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// Wrong code; the form may be tried again.
    #[error("確認コードが正しくありません。")]
    Wrong,
    /// The challenge ended (expired, too many tries, account locked): log in again.
    #[error("もう一度ログインしてください。")]
    Gone,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Whether `code` is an unused recovery code; uses it up if so.
fn use_recovery_code(enrolment: &mut TotpEnrolment, code: &str) -> bool {
    let digest = token_digest(code.trim());
    let found = enrolment
        .recovery_digests
        .iter()
        .position(|d| constant_time_eq(d, &digest));
    found
        .map(|i| enrolment.recovery_digests.remove(i))
        .is_some()
}

/// The code step of a staff login: a TOTP code (each step once) or a recovery code.
pub async fn verify_login_code(
    store: &Store,
    challenge_token: &str,
    code: &str,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<LoggedIn, CodeError> {
    let digest = token_digest(challenge_token);
    let code = code.to_string();
    store
        .write(move |w| {
            let Some(mut challenge) = w.get::<StaffChallenge>(&digest)? else {
                return Err(CodeError::Gone);
            };
            let key = challenge.login.clone();
            let account = w.get::<StaffAccount>(&key)?;
            let expired = now - challenge.created_at > Duration::minutes(CHALLENGE_MINUTES);
            let Some(mut account) = account.filter(|a| !a.disabled && !expired) else {
                w.delete::<StaffChallenge>(&digest)?;
                return Ok(Err(CodeError::Gone));
            };
            let locked = account.lock(now).is_locked();
            let Some(mut enrolment) = account.totp.clone().filter(|_| !locked) else {
                w.delete::<StaffChallenge>(&digest)?;
                return Ok(Err(CodeError::Gone));
            };
            let actor = Actor::staff(&key).to_string();
            let secret = open_secret(w, &key, &enrolment.secret)?;
            let step = check(&secret, &code, now)
                .filter(|s| enrolment.last_step.is_none_or(|last| *s > last));
            let accepted = match step {
                Some(s) => {
                    enrolment.last_step = Some(s);
                    Some(Action::StaffLoginSucceeded)
                }
                None => use_recovery_code(&mut enrolment, &code)
                    .then_some(Action::StaffLoginSucceededRecoveryCode),
            };
            let Some(action) = accepted else {
                challenge.attempts += 1;
                AuditEntry::new(now, actor, Action::StaffCodeFailed)
                    .client(client.clone())
                    .record(w)?;
                // A wrong code counts like a wrong password, under the same lock rule.
                let locked = count_failure(w, &key, &mut account, client, now)?.is_some();
                if locked || challenge.attempts >= CHALLENGE_ATTEMPTS {
                    w.delete::<StaffChallenge>(&digest)?;
                    return Ok(Err(CodeError::Gone));
                }
                w.put(&digest, &challenge)?;
                return Ok(Err(CodeError::Wrong));
            };
            w.delete::<StaffChallenge>(&digest)?;
            account.totp = Some(enrolment);
            let entry = AuditEntry::new(now, actor, action).client(client);
            Ok(Ok(LoggedIn::staff(w, &key, account, entry, now)?))
        })
        .await?
}
