#![allow(clippy::result_large_err)] // handlers return a redirect `Response` as their `Err`: it is the answer, not a failure
//! HTTP: poem routes, the security stack and the screens. Handlers parse input into domain
//! types, call the use cases and render a view; they never name redb or mail-send.

mod assets;
mod benefits;
mod csrf;
mod ctx;
mod email_change;
mod expense_filter;
mod expenses;
mod guard;
mod health;
mod login;
mod menu;
mod notices;
mod pacing;
mod pages;
mod passkey_login;
mod passkeys;
mod profile;
mod recovery;
mod registration;
mod respond;
mod security;
mod session;
pub(crate) mod staff;
mod tax_notice;
pub mod views;

use std::sync::Arc;

use poem::{Endpoint, Route, get, post};

use crate::clock::Clock;
use crate::store::Store;

pub use ctx::Ctx;

/// Everything a request needs, shared by all requests.
pub struct AppState {
    pub store: Store,
    /// Durable audit rows of medical-data views, committed in groups.
    pub audit: crate::audit::GroupCommit,
    pub clock: Arc<dyn Clock>,
    /// Public URL of the portal, used in mails; `https://` also marks cookies `Secure`.
    pub base_url: String,
    pub csrf_key: Vec<u8>,
    /// Wakes the mail sender after a transaction queued mail.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Claim files uploaded in the staff console, importing or done.
    pub claim_imports: Arc<crate::console::claim_imports::ClaimImports>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address (throttling and
    /// the audit log need the member's address, not the proxy's).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The argon2 work of the login and recovery forms (counted, for the equal-work tests).
    pub hasher: crate::auth::hash::Hasher,
}

impl AppState {
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn login_url(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

/// Largest request body accepted (forms).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Largest members file accepted: multipart bodies to [`MEMBERS_UPLOAD_PATH`] only.
pub const UPLOAD_LIMIT: usize = 50 * 1024 * 1024;
/// The uploads: their bodies are not read by the security stack but, once the staff
/// session is checked, streamed to disk by the route (`staff::upload`), within their limits.
pub const MEMBERS_UPLOAD_PATH: &str = "/staff/import/members";
pub const CLAIMS_UPLOAD_PATH: &str = "/staff/import/claims";
/// The benefits file: streamed like the claim file, within the same limit.
pub const BENEFITS_UPLOAD_PATH: &str = "/staff/import/benefits";
/// A claim file of a million rows is about 100 MiB (the benefits file's limit too).
pub const CLAIMS_UPLOAD_LIMIT: u64 = 200 * 1024 * 1024;

pub fn routes(state: Arc<AppState>) -> impl Endpoint {
    let app = Route::new()
        .at("/", get(login::show).post(login::submit))
        .at("/logout", post(login::logout))
        .at("/terms", get(pages::terms))
        .at(
            "/forgot-id",
            get(recovery::forgot_id_page).post(recovery::forgot_id_submit),
        )
        .at("/forgot-id/sent", get(recovery::forgot_id_sent))
        .at(
            "/forgot-id/show",
            get(recovery::user_id_link_page).post(recovery::show_user_id),
        )
        .at(
            "/forgot-password",
            get(recovery::forgot_password_page).post(recovery::forgot_password_submit),
        )
        .at("/forgot-password/sent", get(recovery::forgot_password_sent))
        .at(
            "/confirm-email",
            get(profile::confirm_email_page).post(profile::confirm_email),
        )
        .at(
            "/register/identity",
            get(registration::identity_page).post(registration::identity_submit),
        )
        .at(
            "/register/profile",
            get(registration::profile_page).post(registration::profile_submit),
        )
        .at("/register/user-id-check", get(registration::user_id_check))
        .at("/register/confirm", get(registration::confirm_page))
        .at("/register/execute", post(registration::execute))
        .at("/register/back", post(registration::back))
        .at("/register/done", get(registration::done))
        .at("/menu", get(menu::show))
        .at("/menu/profile", get(profile::profile_page))
        .at("/menu/profile/email", post(email_change::submit))
        .at("/menu/profile/notify", post(profile::notify_submit))
        .at(
            "/menu/password",
            get(profile::password_page).post(profile::password_submit),
        )
        .at(
            "/menu/profile/passkeys/start",
            post(passkeys::register_start),
        )
        .at(
            "/menu/profile/passkeys/finish",
            post(passkeys::register_finish),
        )
        .at(
            "/menu/profile/passkeys/delete",
            get(passkeys::delete_page).post(passkeys::delete_submit),
        )
        .at("/passkey/login/start", post(passkey_login::login_start))
        .at("/passkey/login/finish", post(passkey_login::login_finish))
        .at("/menu/expenses", get(expenses::list))
        .at("/menu/expenses/chart", get(expenses::chart_page))
        .at("/menu/benefits", get(benefits::list))
        .at("/menu/benefits/:number", get(benefits::show))
        .at("/menu/tax-notice", get(tax_notice::show))
        .at("/menu/tax-notice.csv", get(tax_notice::csv))
        .at("/menu/notices", get(notices::list))
        .at("/menu/notices/:id", get(notices::show))
        .at(
            "/staff/login",
            get(staff::login_page).post(staff::login_submit),
        )
        .at("/staff/logout", post(staff::logout))
        .at("/staff", get(staff::home))
        .at("/staff/maintenance", get(staff::maintenance::show))
        .at(
            "/staff/maintenance/rule",
            post(staff::maintenance::save_rule),
        )
        .at(
            "/staff/maintenance/windows",
            post(staff::maintenance::add_window),
        )
        .at(
            "/staff/maintenance/windows/:id/cancel",
            post(staff::maintenance::cancel_window),
        )
        .at("/healthz", get(health::healthz))
        .at("/assets/*path", get(assets::serve));
    let app = staff::routes(app);
    security::stack(app, state)
}

#[cfg(test)]
mod form_fuzz;
