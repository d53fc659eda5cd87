//! Starting and ending server-side sessions inside a use case's transaction.

use chrono::{DateTime, Duration, Utc};

use super::model::{Session, SessionKind};
use super::tokens::{random_token, token_digest};
use crate::audit::{Action, Actor};
use crate::domain::member::HouseholdKey;
use crate::settings::UnionSettings;
use crate::store::Writer;

/// Whether a session is within its idle and absolute limits (staff: 15 minutes idle).
pub fn is_alive(session: &Session, settings: &UnionSettings, now: DateTime<Utc>) -> bool {
    let idle = match session.kind {
        SessionKind::Staff { .. } => Duration::minutes(15),
        _ => Duration::minutes(settings.session_idle_minutes),
    };
    now - session.last_seen_at < idle
        && now - session.created_at < Duration::hours(settings.session_absolute_hours)
}

/// Starts a session; returns the token for the cookie (the data file keeps its digest).
pub fn start(w: &mut Writer, kind: SessionKind, now: DateTime<Utc>) -> anyhow::Result<String> {
    let token = random_token();
    let session = Session {
        kind,
        created_at: now,
        last_seen_at: now,
    };
    w.put(&token_digest(&token), &session)?;
    Ok(token)
}

/// Logout: ends the session and records who left.
pub fn logout(
    w: &mut Writer,
    key: &str,
    session: &Session,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<()> {
    let actor = match &session.kind {
        SessionKind::Member { user_id, .. } | SessionKind::Completed { user_id, .. } => {
            Actor::Member(user_id.to_string()).to_string()
        }
        SessionKind::Staff { login, .. } => Actor::staff(login).to_string(),
        SessionKind::Registration { temporary_id, .. } => {
            Actor::Temporary(temporary_id.to_string()).to_string()
        }
    };
    end(w, key)?;
    crate::audit::AuditEntry::new(now, actor, Action::Logout)
        .client(client)
        .record(w)
}

/// Ends one session, by its stored key (the digest).
pub fn end(w: &mut Writer, key: &str) -> anyhow::Result<()> {
    w.delete::<Session>(key)?;
    Ok(())
}

/// Ends every member session of a household except `keep` (a password change, a lock).
pub fn end_household(
    w: &mut Writer,
    household: &HouseholdKey,
    keep: Option<&str>,
) -> anyhow::Result<u64> {
    let mut ended = 0;
    for (key, session) in w.scan::<Session>("")? {
        let theirs = match &session.kind {
            SessionKind::Member { household: h, .. }
            | SessionKind::Completed { household: h, .. } => h == household,
            SessionKind::Registration { household: h, .. } => h == household,
            SessionKind::Staff { .. } => false,
        };
        if theirs && Some(key.as_str()) != keep {
            w.delete::<Session>(&key)?;
            ended += 1;
        }
    }
    Ok(ended)
}
