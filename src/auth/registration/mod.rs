//! The registration wizard's use cases (SPEC §3): identity check, profile, execute.
//! Nothing is stored before `execute`, which does everything in one transaction.

mod identity;
mod user_id;

pub use identity::{IdentityError, IdentityInput, verify_identity};
pub use user_id::{IdCheck, USER_ID_CHECKS, check_user_id};

use chrono::{DateTime, Utc};

use super::model::{
    Account, HouseholdState, RegistrationDraft, Session, SessionKind, TemporaryCredential,
};
use super::session;
use crate::audit::{Action, Actor, AuditEntry};
use crate::domain::email::Email;
use crate::domain::member::{HouseholdKey, Person};
use crate::domain::password::NewPassword;
use crate::domain::user_id::UserId;
use crate::mail::{outbox, templates};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Reader, Store, StoreKey as _, Writer};

/// The insured person (枝番 00) of a household.
pub fn insured_person(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Option<Person>> {
    r.get::<Person>(&h.insured().store_key())
}

/// The wizard's profile step: hashes the password off the runtime and keeps the draft in
/// the session until the member confirms; `false` when the session has gone.
pub async fn save_profile(
    store: &Store,
    session_key: String,
    user_id: &UserId,
    password: &NewPassword,
    email: &Email,
    notify: bool,
) -> anyhow::Result<bool> {
    let password_hash = super::hash::hash(password.expose().to_string()).await?;
    let draft = RegistrationDraft {
        user_id: user_id.as_str().to_string(),
        email: email.as_str().to_string(),
        notify,
        password_hash,
    };
    save_draft(store, session_key, draft).await
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
    let hkey = household.store_key();
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
    let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
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
    AuditEntry::new(
        now,
        Actor::Member(user_key.to_string()),
        Action::RegistrationCompleted,
    )
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
