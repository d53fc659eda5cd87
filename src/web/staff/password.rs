//! パスワードの変更: each staff member, for their own account, with the current password.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use super::guard::{guard, staff_page, staff_page_with_status, staff_user};
use crate::auth::staff_password::{Change, ChangeError, Field, change_own, check};
use crate::web::login::internal;
use crate::web::respond::see_other;
use crate::web::views::staff::password as view;
use crate::web::{AppState, Ctx};

const TITLE: &str = "パスワードの変更";

#[handler]
pub fn form(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    Ok(staff_page(ctx, &user, TITLE, view::form(ctx, None, None)))
}

#[derive(Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirmation: String,
}

#[handler]
pub async fn change(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<PasswordFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some((session_key, _)) = &ctx.staff_session else {
        return Ok(see_other("/staff/login"));
    };
    let refuse = |field: Field, message: &str| {
        staff_page_with_status(
            ctx,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            TITLE,
            view::form(ctx, Some((field.name(), message)), None),
        )
    };
    if f.current_password.is_empty() {
        return Ok(refuse(
            Field::Current,
            "現在のパスワードを入力してください。",
        ));
    }
    let checked = check(
        &user.login,
        &ctx.settings.union_name,
        &f.current_password,
        &f.new_password,
        &f.confirmation,
    );
    let new = match checked {
        Ok(new) => new,
        Err((field, message)) => return Ok(refuse(field, &message)),
    };
    let request = Change {
        login: &user.login,
        keep_session: session_key,
        now: ctx.now,
        client: ctx.client.clone(),
    };
    match change_own(&state.store, request, &f.current_password, new).await {
        Ok(_) => Ok(staff_page(
            ctx,
            &user,
            TITLE,
            view::form(
                ctx,
                None,
                Some("パスワードを変更しました。ほかの端末やブラウザでのログインは終了しました。"),
            ),
        )),
        Err(ChangeError::WrongCurrent) => Ok(refuse(
            Field::Current,
            &ChangeError::WrongCurrent.to_string(),
        )),
        Err(ChangeError::Gone) => Ok(see_other("/staff/login")),
        Err(ChangeError::Unexpected(e)) => Err(internal(e)),
    }
}
