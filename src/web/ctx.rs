//! What the security stack learned about a request, handed to every handler.

use chrono::{DateTime, Utc};

use crate::auth::model::Session;
use crate::settings::UnionSettings;

#[derive(Clone)]
pub struct Ctx {
    pub request_id: String,
    /// The CSRF token forms must carry (hidden input `csrf`, header `X-CSRF-Token`), bound
    /// to the session of the request (staff pages: the staff session) and the browser.
    pub csrf_token: String,
    /// The browser's CSRF cookie, to mint the token of a session started by this request.
    pub(super) csrf_cookie: String,
    pub htmx: bool,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    pub settings: UnionSettings,
    /// The member-side session (member or registration wizard), with its key.
    pub member_session: Option<(String, Session)>,
    /// Whether a member-side cookie was presented but its session had ended.
    pub member_session_expired: bool,
    pub staff_session: Option<(String, Session)>,
    pub maintenance: crate::maintenance::MaintenanceState,
}

impl Ctx {
    /// The request as the member session it has just started sees it (`session_token`, as
    /// its cookie carries it): a page rendered in the same answer carries that session's
    /// CSRF token, since the browser sends the new cookie from now on.
    pub fn in_new_session(&self, csrf_key: &[u8], session_token: &str) -> Ctx {
        let session_key = crate::auth::tokens::token_digest(session_token);
        Ctx {
            csrf_token: super::csrf::token_for(csrf_key, Some(&session_key), &self.csrf_cookie),
            ..self.clone()
        }
    }
}
