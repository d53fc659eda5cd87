//! The registration wizard's use cases (SPEC §3): identity check, profile, execute.
//! Nothing is stored before `execute`, which does everything in one transaction.

use chrono::{DateTime, Duration, Utc};

use super::model::{
    Account, HouseholdState, RegistrationDraft, Session, SessionKind, TemporaryCredential,
};
use super::session;
use crate::audit::AuditEntry;
use crate::domain::birth_date::BirthDate;
use crate::domain::email::Email;
use crate::domain::insurer_number::InsurerNumber;
use crate::domain::member::{HouseholdKey, Person};
use crate::domain::user_id::UserId;
use crate::mail::outbox;
use crate::mail::templates;
use crate::settings::UnionSettings;
use crate::store::{Reader, Store, Writer, key};

/// The household key as stored: `symbol␟number`.
pub fn household_key(h: &HouseholdKey) -> String {
    key(&[&h.symbol, &h.number])
}

/// The insured person (枝番 00) of a household.
pub fn insured_person(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Option<Person>> {
    r.get::<Person>(&key(&[&h.symbol, &h.number, "00"]))
}

const MISMATCH: &str = "保険者番号または生年月日が一致しません。健康保険証の下段に記載の8桁の保険者番号と、被保険者ご本人の生年月日（西暦8桁）をご確認ください。";

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Refusals shown beside the fields; `counted` ones moved the lock counter.
    #[error("identity check refused")]
    Refused {
        insurer: Option<String>,
        birth: Option<String>,
        agree: Option<String>,
        remaining: Option<u32>,
    },
    #[error("temporary ID locked")]
    Locked { until: DateTime<Utc> },
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
            if let Some(until) = credential.locked_until.filter(|u| *u > now) {
                return Err(IdentityError::Locked { until });
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
            credential.failures += 1;
            let max = settings.temp_id_max_failures.max(1);
            let mut entry = AuditEntry::new(now, actor.clone(), "registration.identity_failed");
            let result = if credential.failures >= max {
                let until = now + Duration::minutes(settings.temp_id_lock_minutes);
                credential.locked_until = Some(until);
                credential.failures = 0;
                entry = AuditEntry::new(now, actor, "temporary_id.locked");
                Err(IdentityError::Locked { until })
            } else {
                // One message beside both fields: which of the two was wrong stays unsaid.
                Err(IdentityError::Refused {
                    insurer: Some(MISMATCH.to_string()),
                    birth: Some(MISMATCH.to_string()),
                    agree: None,
                    remaining: Some(max - credential.failures),
                })
            };
            w.put(&temporary_id, &credential)?;
            entry.target(h.to_string()).client(client).record(w)?;
            // The counter must persist although the answer is a refusal: commit, then refuse.
            Ok(result)
        })
        .await?
}

/// Whether a user ID is free (case-insensitive).
pub fn user_id_taken(r: &Reader, user_id: &UserId) -> anyhow::Result<bool> {
    Ok(r.get::<Account>(&user_id.normalized())?.is_some())
}

fn user_id_taken_w(w: &Writer, user_id: &str) -> anyhow::Result<bool> {
    Ok(w.get::<Account>(user_id)?.is_some())
}

/// Saves the profile form (with the password already hashed) in the wizard's session.
pub async fn save_draft(
    store: &Store,
    session_key: String,
    draft: RegistrationDraft,
) -> anyhow::Result<bool> {
    store
        .write(move |w| {
            let Some(mut session) = w.get::<Session>(&session_key)? else {
                return Ok(false);
            };
            let SessionKind::Registration {
                draft: slot,
                verified: true,
                ..
            } = &mut session.kind
            else {
                return Ok(false);
            };
            *slot = Some(draft);
            w.put(&session_key, &session)?;
            Ok(true)
        })
        .await
}

/// 戻る: the form again, keeping everything but the password.
pub async fn forget_password_in_draft(store: &Store, session_key: String) -> anyhow::Result<()> {
    store
        .write(move |w| {
            if let Some(mut session) = w.get::<Session>(&session_key)? {
                if let SessionKind::Registration { draft: Some(d), .. } = &mut session.kind {
                    d.password_hash.clear();
                }
                w.put(&session_key, &session)?;
            }
            Ok(())
        })
        .await
}

#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error("user ID taken")]
    UserIdTaken,
    #[error("household already registered")]
    AlreadyRegistered,
    #[error("wizard incomplete")]
    Incomplete,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub struct ExecuteContext {
    pub session_key: String,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    pub login_url: String,
}

/// 実行: creates the account, kills the temporary credentials, queues the welcome mail and
/// an audit row, and marks the session completed: all in one transaction.
pub async fn execute(store: &Store, ctx: ExecuteContext) -> Result<(), ExecuteError> {
    store.write(move |w| execute_in(w, ctx)).await
}

fn execute_in(w: &mut Writer, ctx: ExecuteContext) -> Result<(), ExecuteError> {
    let ExecuteContext {
        session_key,
        now,
        client,
        login_url,
    } = ctx;
    let Some(mut session) = w.get::<Session>(&session_key)? else {
        return Err(ExecuteError::Incomplete);
    };
    if matches!(
        session.kind,
        SessionKind::Completed { .. } | SessionKind::Member { .. }
    ) {
        // A second click on 実行, or a second tab: the first one already registered.
        return Ok(());
    }
    let SessionKind::Registration {
        temporary_id,
        household,
        verified: true,
        draft: Some(draft),
    } = session.kind.clone()
    else {
        return Err(ExecuteError::Incomplete);
    };
    if draft.password_hash.is_empty() {
        return Err(ExecuteError::Incomplete);
    }
    let hkey = household_key(&household);
    let mut state = w.get::<HouseholdState>(&hkey)?.unwrap_or_default();
    let credential = w.get::<TemporaryCredential>(&temporary_id)?;
    let credential_ok = credential.is_some_and(|c| c.household == household && c.expires_at > now);
    if state.account.is_some() || !credential_ok {
        return Err(ExecuteError::AlreadyRegistered);
    }
    let user_key = draft.user_id.to_ascii_lowercase();
    if user_id_taken_w(w, &user_key)? {
        return Err(ExecuteError::UserIdTaken);
    }
    let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
    let terms_version = crate::terms::current_w(w)?;
    let account = Account {
        user_id: draft.user_id.clone(),
        household: household.clone(),
        email: draft.email.clone(),
        notify: draft.notify,
        password_hash: draft.password_hash.clone(),
        password_changed_at: now,
        created_at: now,
        terms_version,
        failed_logins: 0,
        locked_until: None,
        last_login_at: Some(now),
        last_failed_login_at: None,
        recovery: None,
        must_change_password: false,
        password_expires_at: None,
        recovery_requests: Default::default(),
    };
    w.put(&user_key, &account)?;
    w.delete::<TemporaryCredential>(&temporary_id)?;
    state.account = Some(user_key.clone());
    state.temporary_id = None;
    w.put(&hkey, &state)?;
    let mail = templates::welcome(
        &draft.email,
        &settings.service_name,
        &settings.union_name,
        &draft.user_id,
        &login_url,
    );
    outbox::enqueue(w, mail, now)?;
    AuditEntry::new(now, format!("member:{user_key}"), "registration.completed")
        .target(household.to_string())
        .detail(format!("terms_version={terms_version}"))
        .client(client)
        .record(w)?;
    session.kind = SessionKind::Completed {
        user_id: user_key,
        household,
    };
    w.put(&session_key, &session)?;
    Ok(())
}

/// Turns a completed wizard session into a member session under a new token.
pub async fn upgrade_completed(
    store: &Store,
    session_key: String,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    store
        .write(move |w| {
            let Some(session) = w.get::<Session>(&session_key)? else {
                return Ok(None);
            };
            let SessionKind::Completed { user_id, household } = session.kind else {
                return Ok(None);
            };
            session::end(w, &session_key)?;
            let kind = SessionKind::Member {
                user_id,
                household,
                must_change_password: false,
            };
            Ok(Some(session::start(w, kind, now)?))
        })
        .await
}

/// Validates the e-mail for the draft (kept here so the handler only maps messages).
pub fn parse_email(input: &str) -> Result<Email, &'static str> {
    Email::parse(input).map_err(|e| e.message())
}
