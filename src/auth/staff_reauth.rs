//! Re-authentication before a staff member turns off their own second factor: a session
//! alone (a forgotten open browser, a stolen cookie) must not be enough to remove it.
//! The proof is the current password or a current TOTP code; wrong proofs are throttled
//! and counted like wrong passwords at the login.

use chrono::{DateTime, Utc};

use super::hash;
use super::model::StaffAccount;
use super::staff_login::{account_waits, count_failure};
use super::totp::check;
use crate::audit::AuditEntry;
use crate::store::{Store, Writer};

#[derive(Debug, thiserror::Error)]
pub enum ReauthError {
    /// Wrong, throttled or locked: one answer for all.
    #[error(
        "現在のパスワード、または認証アプリの確認コードが正しくありません。もう一度入力してください。"
    )]
    Wrong,
    /// The account is gone (deleted since the session started).
    #[error("account not found")]
    Gone,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A 6-digit proof is a TOTP code (staff passwords have at least 12 characters).
fn is_code(proof: &str) -> bool {
    let digits: String = proof.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Throttled,
    /// The password matched the hash that was read (re-checked in the write).
    Password,
    /// A code, checked inside the write against the stored secret and last step.
    Code,
    Mismatch,
}

/// Turns off the second factor of `login` when `proof` is its password or a current code.
/// Returns whether a second factor was on.
pub async fn disable_totp(
    store: &Store,
    login: &str,
    proof: &str,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<bool, ReauthError> {
    let key = login.to_ascii_lowercase();
    let lookup = key.clone();
    let stored = store
        .read(move |r| r.get::<StaffAccount>(&lookup))
        .await?
        .ok_or(ReauthError::Gone)?;
    let locked = stored.lock(now).is_locked();
    let check = if locked || account_waits(&stored, now) {
        Check::Throttled
    } else if is_code(proof) {
        Check::Code
    } else if hash::verify(proof.to_string(), Some(stored.password_hash.clone())).await {
        Check::Password
    } else {
        Check::Mismatch
    };
    let proof = proof.to_string();
    store
        .write(move |w| decide(w, &key, &stored, &proof, check, now, client))
        .await?
}

fn decide(
    w: &mut Writer,
    key: &str,
    checked: &StaffAccount,
    proof: &str,
    check: Check,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<Result<bool, ReauthError>> {
    let Some(mut account) = w.get::<StaffAccount>(key)? else {
        return Ok(Err(ReauthError::Gone));
    };
    let actor = format!("staff:{key}");
    let secret = match &account.totp {
        Some(t) if check == Check::Code => Some(crate::auth::totp::open_secret(w, key, &t.secret)?),
        _ => None,
    };
    let accepted = match check {
        Check::Password if account.password_hash == checked.password_hash => Some("password"),
        Check::Code => account.totp.as_mut().zip(secret).and_then(|(t, secret)| {
            let step = check_code(&secret, proof, now, t.last_step)?;
            t.last_step = Some(step);
            Some("code")
        }),
        _ => None,
    };
    let Some(how) = accepted else {
        AuditEntry::new(now, actor, "staff.totp_disable_refused")
            .target(key)
            .client(client.clone())
            .detail(if check == Check::Throttled {
                "throttled"
            } else {
                "wrong proof"
            })
            .record_attempt(w, check == Check::Throttled)?;
        if check != Check::Throttled {
            count_failure(w, key, &mut account, client, now)?;
        }
        return Ok(Err(ReauthError::Wrong));
    };
    let had = account.totp.take().is_some();
    account.totp_pending = None;
    account.failures().clear();
    w.put(key, &account)?;
    AuditEntry::new(now, actor, "staff.totp_disabled")
        .target(key)
        .client(client)
        .detail(format!("re-authenticated by {how}"))
        .record(w)?;
    Ok(Ok(had))
}

/// The step of a current code that was not used before.
fn check_code(secret: &str, code: &str, now: DateTime<Utc>, last: Option<u64>) -> Option<u64> {
    check(secret, code, now).filter(|s| last.is_none_or(|l| *s > l))
}
