//! Who may see a staff page: any staff session, or a 管理者 only (a 担当者 gets 403).

use poem::Response;
use poem::http::StatusCode;

use crate::auth::model::{SessionKind, StaffUser};
use crate::web::Ctx;
use crate::web::respond::{see_other, staff_page_with_status};
use crate::web::views::staff::layout::forbidden;

/// The logged-in staff member, or a redirect to the staff login.
pub fn staff_user(ctx: &Ctx) -> Result<StaffUser, Response> {
    match ctx.staff_session.as_ref().map(|(_, s)| &s.kind) {
        Some(SessionKind::Staff { login, role }) => Ok(StaffUser {
            login: login.clone(),
            role: *role,
        }),
        _ => Err(see_other("/staff/login")),
    }
}

/// A 管理者, or the login redirect, or a 403 page for a 担当者.
pub fn staff_admin(ctx: &Ctx) -> Result<StaffUser, Response> {
    let user = staff_user(ctx)?;
    if user.is_admin() {
        return Ok(user);
    }
    tracing::warn!("a clerk asked for an admin page");
    Err(staff_page_with_status(
        ctx,
        &user,
        StatusCode::FORBIDDEN,
        "権限がありません",
        forbidden(),
    ))
}
