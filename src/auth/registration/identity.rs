//! 本人確認: the union's 保険者番号, the insured person's birth date, and consent.

use chrono::{DateTime, Duration, Utc};

use crate::audit::AuditEntry;
use crate::auth::failures::{Lock, lock_length};
use crate::auth::model::{Session, SessionKind, TEMPORARY_ID_LOCKS, TemporaryCredential};
use crate::domain::birth_date::BirthDate;
use crate::domain::insurer_number::InsurerNumber;
use crate::domain::member::Person;
use crate::settings::UnionSettings;
use crate::store::{Store, key};

const MISMATCH: &str = "保険者番号または生年月日が一致しません。健康保険証の下段に記載の8桁の保険者番号と、被保険者ご本人の生年月日（西暦8桁）をご確認ください。";

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Refusals shown beside the fields; `counted` ones moved the lock counter.
    #[error("identity check refused")]
    Refused {
        insurer: Option<String>,
        birth: Option<String>,
        agree: Option<String>,
        /// Tries left before the next lock, and how long that lock will last (`None`:
        /// until staff act).
        remaining: Option<(u32, Option<Duration>)>,
    },
    /// `None`: locked until staff unlock or re-issue the temporary ID.
    #[error("temporary ID locked")]
    Locked { until: Option<DateTime<Utc>> },
    /// The temporary credentials are gone (used by another browser, re-issued, expired).
    #[error("temporary credentials no longer valid")]
    CredentialsGone,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub struct IdentityInput {
    pub insurer_number: String,
    pub birth_date: String,
    pub agree: Option<String>,
}

/// 本人確認: 保険者番号 equal to the union's, the insured person's birth date, and consent.
/// Format errors are shown and not counted; a wrong number or date counts towards the lock.
pub async fn verify_identity(
    store: &Store,
    session_key: String,
    temporary_id: String,
    input: IdentityInput,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<(), IdentityError> {
    let today = crate::clock::today_jst(now);
    let insurer = InsurerNumber::parse(&input.insurer_number);
    let birth = BirthDate::parse(&input.birth_date, today);
    let agree_error = match input.agree.as_deref() {
        Some("yes") => None,
        Some("no") => {
            Some("ご利用いただくには、注意事項等に「同意する」を選択してください。".to_string())
        }
        _ => Some("注意事項等に同意するかどうかを選択してください。".to_string()),
    };
    let insurer_error = insurer.as_ref().err().map(|e| e.message().to_string());
    let birth_error = birth.as_ref().err().map(|e| e.message().to_string());
    if insurer_error.is_some() || birth_error.is_some() || agree_error.is_some() {
        return Err(IdentityError::Refused {
            insurer: insurer_error,
            birth: birth_error,
            agree: agree_error,
            remaining: None,
        });
    }
    let (Ok(insurer), Ok(birth)) = (insurer, birth) else {
        return Err(IdentityError::Unexpected(anyhow::anyhow!(
            "parsed values missing"
        )));
    };
    store
        .write(move |w| {
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let Some(mut credential) = w.get::<TemporaryCredential>(&temporary_id)? else {
                return Err(IdentityError::CredentialsGone);
            };
            if credential.expires_at <= now {
                return Err(IdentityError::CredentialsGone);
            }
            let per_lock = settings.temp_id_max_failures.max(1);
            match credential.lock(per_lock, now) {
                Lock::Open => {}
                Lock::Until(until) => return Err(IdentityError::Locked { until: Some(until) }),
                Lock::ForGood => return Err(IdentityError::Locked { until: None }),
            }
            let h = credential.household.clone();
            let person = w.get::<Person>(&key(&[&h.symbol, &h.number, "00"]))?;
            let number_ok = insurer.as_str() == settings.insurer_number;
            let birth_ok = person.is_some_and(|p| p.birth_date == birth.date());
            let actor = format!("temporary:{temporary_id}");
            if number_ok && birth_ok {
                credential.failures = 0;
                credential.locked_until = None;
                w.put(&temporary_id, &credential)?;
                let Some(mut session) = w.get::<Session>(&session_key)? else {
                    return Err(IdentityError::CredentialsGone);
                };
                if let SessionKind::Registration { verified, .. } = &mut session.kind {
                    *verified = true;
                }
                w.put(&session_key, &session)?;
                AuditEntry::new(now, actor, "registration.identity_verified")
                    .target(h.to_string())
                    .client(client)
                    .record(w)?;
                return Ok(Ok(()));
            }
            // Failures count across locks: each lock lasts twice as long as the one before,
            // and after [`TEMPORARY_ID_LOCKS`] locks the ID stays locked until staff act, so
            // waiting out the locks never buys more than a few guesses of a birth date.
            credential.failures = credential.failures.saturating_add(1);
            let first = Duration::minutes(settings.temp_id_lock_minutes);
            let nth_lock = credential.failures / per_lock;
            let mut entry = AuditEntry::new(now, actor.clone(), "registration.identity_failed");
            let result = if !credential.failures.is_multiple_of(per_lock) {
                // One message beside both fields: which of the two was wrong stays unsaid.
                Err(IdentityError::Refused {
                    insurer: Some(MISMATCH.to_string()),
                    birth: Some(MISMATCH.to_string()),
                    agree: None,
                    remaining: Some((
                        per_lock - credential.failures % per_lock,
                        (nth_lock + 1 < TEMPORARY_ID_LOCKS)
                            .then(|| lock_length(nth_lock + 1, first)),
                    )),
                })
            } else if nth_lock >= TEMPORARY_ID_LOCKS {
                credential.locked_until = None;
                entry = AuditEntry::new(now, actor, "temporary_id.locked")
                    .detail(format!("{} failures: until staff act", credential.failures));
                Err(IdentityError::Locked { until: None })
            } else {
                let until = now + lock_length(nth_lock, first);
                credential.locked_until = Some(until);
                entry = AuditEntry::new(now, actor, "temporary_id.locked").detail(format!(
                    "{} failures: until {}",
                    credential.failures,
                    until.to_rfc3339()
                ));
                Err(IdentityError::Locked { until: Some(until) })
            };
            w.put(&temporary_id, &credential)?;
            entry.target(h.to_string()).client(client).record(w)?;
            // The counter must persist although the answer is a refusal: commit, then refuse.
            Ok(result)
        })
        .await?
}
