//! Who may see a staff page: any staff session, or a 管理者 only (a 担当者 gets 403).

use maud::{Markup, html};
use poem::Response;
use poem::http::StatusCode;

use crate::auth::model::{SessionKind, StaffRole};
use crate::web::Ctx;
use crate::web::respond::{page_with_status, see_other};
use crate::web::views::staff::nav::{enrolment_bar, nav};

#[derive(Clone)]
pub struct StaffUser {
    pub login: String,
    pub role: StaffRole,
}

impl StaffUser {
    /// The audit actor: `staff:<login>`.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.login.to_ascii_lowercase())
    }

    pub fn is_admin(&self) -> bool {
        self.role == StaffRole::Admin
    }
}

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
    tracing::warn!(login = %user.login, "a clerk asked for an admin page");
    Err(staff_page_with_status(
        ctx,
        &user,
        StatusCode::FORBIDDEN,
        "権限がありません",
        html! {
            h1 { "権限がありません" }
            p role="alert" { "この画面は管理者のみ利用できます。必要な場合は管理者にご依頼ください。" }
        },
    ))
}

/// A staff page: the navigation bar above the content.
pub fn staff_page(ctx: &Ctx, user: &StaffUser, title: &str, content: Markup) -> Response {
    staff_page_with_status(ctx, user, StatusCode::OK, title, content)
}

pub fn staff_page_with_status(
    ctx: &Ctx,
    user: &StaffUser,
    status: StatusCode,
    title: &str,
    content: Markup,
) -> Response {
    page_with_status(
        ctx,
        status,
        title,
        html! {
            (nav(ctx, user))
            (content)
        },
    )
}

/// A page of the enrolment a staff member must finish first: no menu, only logout.
pub fn enrolment_page_with_status(
    ctx: &Ctx,
    user: &StaffUser,
    status: StatusCode,
    title: &str,
    content: Markup,
) -> Response {
    page_with_status(
        ctx,
        status,
        title,
        html! {
            (enrolment_bar(ctx, user))
            (content)
        },
    )
}

/// Unwraps a guard: `let user = guard!(staff_user(ctx));`
macro_rules! guard {
    ($e:expr) => {
        match $e {
            Ok(user) => user,
            Err(response) => return Ok(response),
        }
    };
}
pub(crate) use guard;
