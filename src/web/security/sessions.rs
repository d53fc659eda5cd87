//! The session cookies of a request: their names (`__Host-` over HTTPS), which session a
//! path sees (staff pages the staff session, every other page the member-side one) and so
//! which session its CSRF token is bound to, and the whole-page navigation htmx needs when
//! the session changes.

use chrono::{DateTime, Utc};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Request, Response};

use super::cookie;
use crate::auth::model::{Session, SessionKind};
use crate::settings::UnionSettings;
use crate::web::{AppState, session};

/// Over HTTPS every cookie is `__Host-` prefixed: the browser then keeps it only with
/// `Secure`, `Path=/` and no `Domain`, so another host of the domain cannot plant or
/// shadow it. Over plain HTTP (a trial on loopback) the plain name.
pub fn cookie_name(state: &AppState, base: &str) -> String {
    if state.secure_cookies() {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

pub fn is_staff_path(path: &str) -> bool {
    path == "/staff" || path.starts_with("/staff/")
}

/// The live sessions a request came with.
pub(super) struct Sessions {
    staff_path: bool,
    pub member: Option<(String, Session)>,
    /// A member-side cookie came, but its session had ended.
    pub member_expired: bool,
    pub staff: Option<(String, Session)>,
    staff_expired: bool,
}

impl Sessions {
    /// Loads the session the path belongs to: a staff page sees only the staff session, a
    /// member page only the member-side one (over HTTPS both cookies have `Path=/`).
    pub async fn load(
        req: &Request,
        state: &AppState,
        settings: &UnionSettings,
        now: DateTime<Utc>,
    ) -> Sessions {
        let staff_path = is_staff_path(req.uri().path());
        let name = if staff_path {
            session::STAFF_COOKIE
        } else {
            session::MEMBER_COOKIE
        };
        let presented = cookie(req, &cookie_name(state, name));
        let is_staff = |(_, s): &(String, Session)| matches!(s.kind, SessionKind::Staff { .. });
        // A staff session is never a member session, nor the other way round, whichever
        // cookie carries its token.
        let loaded = session::load(state, presented.as_deref(), settings, now)
            .await
            .filter(|s| is_staff(s) == staff_path);
        let expired = presented.is_some() && loaded.is_none();
        let (member, staff) = if staff_path {
            (None, loaded)
        } else {
            (loaded, None)
        };
        Sessions {
            staff_path,
            member,
            member_expired: expired && !staff_path,
            staff,
            staff_expired: expired && staff_path,
        }
    }

    /// The key of the session CSRF tokens of this path are bound to.
    pub fn bound_key(&self) -> Option<&str> {
        let session = if self.staff_path {
            &self.staff
        } else {
            &self.member
        };
        session.as_ref().map(|(key, _)| key.as_str())
    }

    /// A post from a page whose session has since ended carries that session's token: it
    /// changes nothing and leads to the login page, as the handler would have.
    pub fn expired_refusal(&self, htmx: bool) -> Option<Response> {
        match (self.staff_path, self.member_expired, self.staff_expired) {
            (false, true, _) => Some(navigate("/?expired=1", htmx)),
            (true, _, true) => Some(navigate("/staff/login", htmx)),
            _ => None,
        }
    }
}

/// A redirect; for htmx, a whole-page navigation (`HX-Redirect`).
fn navigate(location: &str, htmx: bool) -> Response {
    let (status, name) = if htmx {
        (StatusCode::OK, "hx-redirect")
    } else {
        (StatusCode::SEE_OTHER, "location")
    };
    Response::builder()
        .status(status)
        .header(name, location)
        .finish()
}

/// htmx swaps `<main>` only, and `hx-headers` on `<body>` would keep the CSRF token of the
/// session before: an answer to htmx that starts or ends a session becomes a whole-page
/// navigation to where it leads (a redirect's target, or the page asked for).
pub(super) fn navigate_whole_page_on_session_change(
    resp: &mut Response,
    state: &AppState,
    method: &Method,
    here: &str,
) {
    let names = [session::MEMBER_COOKIE, session::STAFF_COOKIE].map(|n| cookie_name(state, n));
    let changes = resp.headers().get_all(header::SET_COOKIE).iter().any(|c| {
        let name = c
            .to_str()
            .ok()
            .and_then(|c| c.split_once('='))
            .map(|(n, _)| n);
        name.is_some_and(|n| names.iter().any(|s| s == n))
    });
    if !changes {
        return;
    }
    let target = if resp.status().is_redirection() {
        resp.headers().get(header::LOCATION).cloned()
    } else if method == Method::GET {
        HeaderValue::from_str(here).ok()
    } else {
        None
    };
    let Some(target) = target else { return };
    resp.set_status(StatusCode::OK);
    resp.headers_mut().remove(header::LOCATION);
    resp.headers_mut().insert("hx-redirect", target);
    resp.set_body(());
}
