//! Answers shared by the screens: a whole page or an htmx fragment, and redirects.

use maud::Markup;
use poem::Response;
use poem::http::{StatusCode, header};

use super::Ctx;
use super::views::layout;
use super::views::staff::layout as staff_layout;
use crate::auth::model::StaffUser;

/// A whole page for a plain request, the `<main>` content for htmx.
pub fn page(ctx: &Ctx, title: &str, content: Markup) -> Response {
    page_with_status(ctx, StatusCode::OK, title, content)
}

pub fn page_with_status(ctx: &Ctx, status: StatusCode, title: &str, content: Markup) -> Response {
    let html = if ctx.htmx {
        layout::fragment(ctx, title, content)
    } else {
        layout::page(ctx, title, content)
    };
    Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .body(html.into_string())
}

/// 303 See Other: after a successful POST, and for screens the session may not see.
/// htmx follows it and asks for the next screen's fragment.
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .finish()
}

/// Like [`see_other`], also setting a cookie.
pub fn see_other_with_cookie(location: &str, cookie: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .header(header::SET_COOKIE, cookie)
        .finish()
}

/// An unexpected failure: logged with its whole cause chain, answered with the 500 page
/// (the security stack adds the request id).
pub fn internal(e: anyhow::Error) -> poem::Error {
    if let Some(refusal) = crate::store::write_refusal(&e) {
        // A full or read-only disk: the member is told the service cannot save just now.
        tracing::error!(cause = refusal.cause(), "cannot write the data file: {e:#}");
        return poem::Error::from_status(StatusCode::SERVICE_UNAVAILABLE);
    }
    tracing::error!("{e:#}");
    poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
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
    page_with_status(ctx, status, title, staff_layout::staff(ctx, user, content))
}
