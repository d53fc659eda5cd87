//! 管理画面: its own login, its own cookie (path /staff), its own session.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use super::login::internal;
use super::respond::{page, page_with_status, see_other, see_other_with_cookie};
use super::views::staff as view;
use super::{AppState, Ctx, session};
use crate::auth::model::SessionKind;

#[handler]
pub fn login_page(Data(ctx): Data<&Ctx>) -> Response {
    if ctx.staff_session.is_some() {
        return see_other("/staff");
    }
    page(ctx, "管理画面ログイン", view::login(ctx, "", None))
}

#[derive(Deserialize)]
pub struct StaffLogin {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn login_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<StaffLogin>,
) -> Response {
    match crate::auth::staff::login(
        &state.store,
        &input.login,
        &input.password,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    {
        Ok(done) => see_other_with_cookie("/staff", &session::staff_cookie(state, &done.token)),
        Err(err) => {
            let message = err.message();
            page_with_status(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "管理画面ログイン",
                view::login(ctx, input.login.trim(), Some(&message)),
            )
        }
    }
}

#[handler]
pub fn home(Data(ctx): Data<&Ctx>) -> Response {
    match ctx.staff_session.as_ref().map(|(_, s)| &s.kind) {
        Some(SessionKind::Staff { login, .. }) => page(ctx, "管理画面", view::home(ctx, login)),
        _ => see_other("/staff/login"),
    }
}

#[handler]
pub async fn logout(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    if let Some((key, _)) = ctx.staff_session.clone() {
        state
            .store
            .write(move |w| crate::auth::session::end(w, &key))
            .await
            .map_err(internal)?;
    }
    Ok(see_other_with_cookie(
        "/staff/login",
        &session::clear_staff_cookie(state),
    ))
}
