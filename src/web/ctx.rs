//! What the security stack learned about a request, handed to every handler.

use chrono::{DateTime, Utc};

use crate::auth::model::Session;
use crate::settings::UnionSettings;

#[derive(Clone)]
pub struct Ctx {
    pub request_id: String,
    /// The CSRF token forms must carry (hidden input `csrf`, header `X-CSRF-Token`).
    pub csrf_token: String,
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
