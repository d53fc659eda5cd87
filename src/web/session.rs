//! Server-side sessions: the cookie carries a random token, the data file its SHA-256.

use chrono::{DateTime, Duration, Utc};

use super::AppState;
use super::security::set_cookie;
use crate::auth::model::Session;
use crate::auth::tokens::token_digest;
use crate::settings::UnionSettings;

pub const MEMBER_COOKIE: &str = "kenpo_session";
pub const STAFF_COOKIE: &str = "kenpo_staff";

/// How often `last_seen_at` is written back (not on every request).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// How long a request waits for its session bookkeeping (touch, removal of an expired
/// session). Behind a long write (a large claims import holds the one write transaction
/// for seconds) the request goes on with what it read, and the write lands afterwards.
const BOOKKEEPING_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Loads the session a cookie names, if it is alive; ends it if it has expired. Reads in a
/// read transaction, so that requests are not held up by a running import; writes only
/// when `last_seen_at` is due or the session has expired.
pub async fn load(
    state: &AppState,
    token: Option<&str>,
    settings: &UnionSettings,
    now: DateTime<Utc>,
) -> Option<(String, Session)> {
    let digest = token_digest(token?);
    let key = digest.clone();
    let found = state.store.read(move |r| r.get::<Session>(&key)).await;
    let mut session = match found {
        Ok(session) => session?,
        Err(e) => {
            tracing::error!("cannot load a session: {e:#}");
            return None;
        }
    };
    let key = digest.clone();
    if !crate::auth::session::is_alive(&session, settings, now) {
        bookkeeping(state, move |w| w.delete::<Session>(&key).map(|_| ())).await;
        return None;
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        session.last_seen_at = now;
        bookkeeping(state, move |w| {
            if let Some(mut stored) = w.get::<Session>(&key)? {
                stored.last_seen_at = stored.last_seen_at.max(now);
                w.put(&key, &stored)?;
            }
            Ok(())
        })
        .await;
    }
    Some((digest, session))
}

async fn bookkeeping<F>(state: &AppState, f: F)
where
    F: FnOnce(&mut crate::store::Writer) -> anyhow::Result<()> + Send + 'static,
{
    let store = state.store.clone();
    let task = tokio::spawn(async move {
        if let Err(e) = store.write(f).await {
            tracing::error!("cannot update a session: {e:#}");
        }
    });
    if tokio::time::timeout(BOOKKEEPING_WAIT, task).await.is_err() {
        tracing::info!("session bookkeeping waits for a long write");
    }
}

/// Ends the session a request came with (logout); nothing to do without one.
pub async fn end_current(
    ctx: &super::Ctx,
    state: &AppState,
    session: Option<(String, Session)>,
) -> poem::Result<()> {
    let Some((key, session)) = session else {
        return Ok(());
    };
    let (now, client) = (ctx.now, ctx.client.clone());
    state
        .store
        .write(move |w| crate::auth::session::logout(w, &key, &session, now, client))
        .await
        .map_err(super::login::internal)
}

pub fn member_cookie(state: &AppState, token: &str) -> String {
    set_cookie(state, MEMBER_COOKIE, token, "/", None)
}

/// `Path=/staff` over plain HTTP; over HTTPS `__Host-kenpo_staff` with `Path=/` (the prefix
/// demands it), and the security stack reads it on staff pages only.
pub fn staff_cookie(state: &AppState, token: &str) -> String {
    set_cookie(state, STAFF_COOKIE, token, "/staff", None)
}

pub fn clear_member_cookie(state: &AppState) -> String {
    set_cookie(state, MEMBER_COOKIE, "", "/", Some(0))
}

pub fn clear_staff_cookie(state: &AppState) -> String {
    set_cookie(state, STAFF_COOKIE, "", "/staff", Some(0))
}
