//! 「職員の二要素認証を必須にする」: while the union setting is on, a staff session whose
//! account has no second factor reaches the enrolment pages and logout, and nothing else.
//! Every staff request passes here (whatever its handler's guard), and the account is read
//! at each one: turning the setting on, or an admin removing someone's TOTP, applies to
//! sessions that are already open.

use std::sync::Arc;

use poem::{Endpoint, IntoResponse as _, Request, Response};

use super::guard::staff_user;
use crate::auth::model::StaffAccount;
use crate::web::login::internal;
use crate::web::respond::see_other;
use crate::web::{AppState, Ctx};

/// Where a staff member without a second factor is sent.
pub const ENROLMENT: &str = "/staff/totp";

/// The staff paths open before enrolment: the login steps, logout and enrolment itself.
const OPEN: &[&str] = &[
    "/staff/login",
    "/staff/login/code",
    "/staff/logout",
    ENROLMENT,
    "/staff/totp/start",
];

fn is_staff_path(path: &str) -> bool {
    path == "/staff" || path.starts_with("/staff/")
}

/// Whether this staff member must enrol before anything else (`login` has no TOTP and the
/// union requires it).
pub async fn must_enrol(ctx: &Ctx, state: &AppState, login: &str) -> poem::Result<bool> {
    if !ctx.settings.staff_totp_required {
        return Ok(false);
    }
    let key = login.to_ascii_lowercase();
    let account = state
        .store
        .read(move |r| r.get::<StaffAccount>(&key))
        .await
        .map_err(internal)?;
    // A deleted account is left to the page's guard (its session ends with the account).
    Ok(account.is_some_and(|a| a.totp.is_none()))
}

/// The middleware around every route (member paths pass untouched).
pub async fn only_enrolment_until_done<E: Endpoint>(
    next: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    let path = req.uri().path();
    if is_staff_path(path) && !OPEN.contains(&path) {
        let ctx = req.extensions().get::<Ctx>();
        let state = req.data::<Arc<AppState>>();
        if let (Some(ctx), Some(state)) = (ctx, state)
            && let Ok(user) = staff_user(ctx)
            && must_enrol(ctx, state, &user.login).await?
        {
            tracing::info!(login = %user.login, "sent a staff member without TOTP to enrolment");
            return Ok(see_other(ENROLMENT));
        }
    }
    Ok(next.call(req).await?.into_response())
}
