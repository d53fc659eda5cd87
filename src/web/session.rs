//! Server-side sessions: the cookie carries a random token, the data file its SHA-256.

use chrono::{DateTime, Duration, Utc};

use super::AppState;
use super::security::set_cookie;
use crate::auth::model::{Session, SessionKind};
use crate::auth::tokens::token_digest;
use crate::settings::UnionSettings;

pub const MEMBER_COOKIE: &str = "kenpo_session";
pub const STAFF_COOKIE: &str = "kenpo_staff";

/// How often `last_seen_at` is written back (not on every request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

fn is_alive(session: &Session, settings: &UnionSettings, now: DateTime<Utc>) -> bool {
    let idle = match session.kind {
        SessionKind::Staff { .. } => Duration::minutes(15),
        _ => Duration::minutes(settings.session_idle_minutes),
    };
    now - session.last_seen_at < idle
        && now - session.created_at < Duration::hours(settings.session_absolute_hours)
}

/// Loads the session a cookie names, if it is alive; ends it if it has expired.
pub async fn load(
    state: &AppState,
    token: Option<&str>,
    settings: &UnionSettings,
    now: DateTime<Utc>,
) -> Option<(String, Session)> {
    let digest = token_digest(token?);
    let settings = settings.clone();
    let result = state
        .store
        .write(move |w| {
            let Some(mut session) = w.get::<Session>(&digest)? else {
                return Ok::<_, anyhow::Error>(None);
            };
            if !is_alive(&session, &settings, now) {
                w.delete::<Session>(&digest)?;
                return Ok(None);
            }
            if now - session.last_seen_at >= TOUCH_EVERY {
                session.last_seen_at = now;
                w.put(&digest, &session)?;
            }
            Ok(Some((digest, session)))
        })
        .await;
    result.unwrap_or_else(|e| {
        tracing::error!("cannot load a session: {e:#}");
        None
    })
}

pub fn member_cookie(state: &AppState, token: &str) -> String {
    set_cookie(state, MEMBER_COOKIE, token, "/", None)
}

pub fn staff_cookie(state: &AppState, token: &str) -> String {
    set_cookie(state, STAFF_COOKIE, token, "/staff", None)
}

pub fn clear_member_cookie(state: &AppState) -> String {
    set_cookie(state, MEMBER_COOKIE, "", "/", Some(0))
}

pub fn clear_staff_cookie(state: &AppState) -> String {
    set_cookie(state, STAFF_COOKIE, "", "/staff", Some(0))
}
