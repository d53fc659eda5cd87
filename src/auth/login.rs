//! The member login: a registered user ID with its password, or a postcard's temporary ID.
//! Every failure gives the same answer, and takes the same time, whether or not the ID exists.

use chrono::{DateTime, Utc};

use super::failures::Lock;
use super::hash::Hasher;
use super::model::{SessionKind, TemporaryCredential};
use super::session;
use super::throttle::{self, Purpose};
use crate::audit::{Action, Actor, AuditEntry};
use crate::domain::user_id::normalize_for_lookup;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Store;

pub use super::login_outcome::{LOCK_MINUTES, LoggedIn, LoginError, TEMPORARY_ID_LOCKED_FOR_GOOD};

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
                .get::<UnionSettings>(SETTINGS)?
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
    let actor = Actor::temporary(stored.as_ref().map(|_| temp_id.as_str())).to_string();
    let Some(credential) = stored.filter(|_| ok) else {
        store
            .write(move |w| {
                if !throttled {
                    throttle::address_count(w, Purpose::Login, client.as_deref(), now)?;
                }
                AuditEntry::new(now, actor, Action::LoginFailed)
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
            AuditEntry::new(now, actor, Action::LoginTemporary)
                .target(credential.household.to_string())
                .client(client)
                .record(w)?;
            session::start(w, session_kind, now)
        })
        .await?;
    Ok(LoggedIn { token, kind })
}
