//! 「職員の二要素認証を必須にする」: while the union setting is on, a staff session whose
//! account has no second factor reaches the enrolment pages and logout, and nothing else.
//! Every staff request passes here (whatever its handler's guard), and the account is read
//! at each one: turning the setting on, or an admin removing someone's TOTP, applies to
//! sessions that are already open.

use std::sync::Arc;

use poem::{Endpoint, IntoResponse as _, Request, Response};

use crate::auth::model::StaffAccount;
use crate::web::guard::staff::staff_user;
use crate::web::respond::{internal, see_other};
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
    // A passkey is the other way to a second factor, and its login steps.
    "/staff/passkeys/register/start",
    "/staff/passkeys/register/finish",
    "/staff/login/passkey/start",
    "/staff/login/passkey/finish",
    "/staff/login/passkey-only/start",
    "/staff/login/passkey-only/finish",
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
    let lacks = state
        .store
        .read(move |r| match r.get::<StaffAccount>(&key)? {
            Some(a) => Ok(!crate::auth::passkey::has_second_factor(r, &a)?),
            // A deleted account is left to the page's guard (its session ends with it).
            None => anyhow::Ok(false),
        })
        .await
        .map_err(internal)?;
    // A passkey counts as the second factor as TOTP does.
    Ok(lacks)
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
            tracing::info!("sent a staff member without TOTP to enrolment");
            return Ok(see_other(ENROLMENT));
        }
    }
    Ok(next.call(req).await?.into_response())
}
