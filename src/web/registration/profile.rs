//! 個人情報入力画面 and the live user-ID check.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::IntoResponsePage as _;
use crate::auth::registration::{self as uc, IdCheck};
use crate::domain::password::{NewPassword, PasswordContext, PasswordField};
use crate::domain::user_id::UserId;
use crate::web::guard::{guard, member::verified};
use crate::web::respond::{internal, page, page_with_status, see_other};
use crate::web::views::registration::{self as view, ProfileForm};
use crate::web::{AppState, Ctx};

#[handler]
pub fn profile_page(Data(ctx): Data<&Ctx>) -> Response {
    let w = guard!(plain verified(ctx));
    let form = match w.draft {
        Some(d) => ProfileForm {
            user_id: d.user_id,
            email: d.email,
            notify: d.notify,
            ..Default::default()
        },
        None => ProfileForm {
            notify: true,
            ..Default::default()
        },
    };
    page(ctx, "個人情報入力画面", view::profile(ctx, &form))
}

#[derive(Deserialize)]
pub struct ProfileFields {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    email: String,
    notify: Option<String>,
}

#[handler]
pub async fn profile_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<ProfileFields>,
) -> Response {
    let w = guard!(plain verified(ctx));
    let mut form = ProfileForm {
        user_id: input.user_id.trim().to_string(),
        email: input.email.trim().to_string(),
        notify: input.notify.is_some(),
        ..Default::default()
    };
    let user_id = UserId::parse(&input.user_id);
    match &user_id {
        Err(e) => form.user_id_error = Some(e.message().to_string()),
        Ok(id) => match uc::check_user_id(&state.store, &w.household, id, ctx.now).await {
            Ok(IdCheck::Taken) => form.user_id_error = Some(TAKEN.to_string()),
            Ok(IdCheck::Wait(until)) => form.user_id_error = Some(wait(until)),
            Ok(IdCheck::Free) => {}
            Err(e) => return internal(e).into_response_page(ctx),
        },
    }
    let symbol_number = [w.household.symbol.as_str(), w.household.number.as_str()];
    let password_ctx = PasswordContext {
        user_id: user_id
            .as_ref()
            .map(|u| u.as_str())
            .unwrap_or(input.user_id.trim()),
        union_name: &ctx.settings.union_name,
        household_symbol_number: &symbol_number,
    };
    let password = NewPassword::parse(&input.password, &input.password_confirm, &password_ctx);
    if let Err(e) = &password {
        match e.field() {
            PasswordField::Password => form.password_error = Some(e.message().to_string()),
            PasswordField::Confirmation => form.confirm_error = Some(e.message().to_string()),
        }
    }
    let email = uc::parse_email(&input.email);
    if let Err(e) = &email {
        form.email_error = Some(e.to_string());
    }
    let (Ok(user_id), Ok(password), Ok(email), None) =
        (user_id, password, email, &form.user_id_error)
    else {
        return page_with_status(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "個人情報入力画面",
            view::profile(ctx, &form),
        );
    };
    let saved = uc::save_profile(
        &state.store,
        w.key,
        &user_id,
        &password,
        &email,
        form.notify,
    );
    match saved.await {
        Ok(true) => see_other("/register/confirm"),
        Ok(false) => see_other("/"),
        Err(e) => internal(e).into_response_page(ctx),
    }
}

pub(super) const TAKEN: &str =
    "このユーザIDはすでに使われています。別のユーザIDを入力してください。";

/// A household past [`uc::USER_ID_CHECKS`]: nothing is said about the ID typed.
fn wait(until: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "ユーザIDの確認が続けて行われたため、{}まで確認できません。その後に、もう一度入力してください。",
        crate::clock::format_jst(until)
    )
}

#[derive(Deserialize)]
pub struct UserIdQuery {
    #[serde(default)]
    user_id: String,
}

/// Whether the live check was asked by the page's own htmx: it sends `HX-Request`, which
/// no other site can make a browser send (a link or form cannot set it, and a script's
/// request with it needs a CORS permission we never give), and a browser says
/// `Sec-Fetch-Site: cross-site` of a request another site started. Each new ID looked up
/// counts against the household, so another site must not be able to spend its lookups.
fn asked_by_the_form(ctx: &Ctx, req: &Request) -> bool {
    ctx.htmx && req.header("sec-fetch-site") != Some("cross-site")
}

/// The live check under the user ID field (htmx, debounced).
#[handler]
pub async fn user_id_check(
    req: &Request,
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<UserIdQuery>,
) -> poem::Result<Response> {
    let Ok(w) = verified(ctx) else {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    };
    if !asked_by_the_form(ctx, req) {
        return Ok(Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .content_type("text/plain; charset=utf-8")
            .body("ユーザIDの確認は、個人情報入力画面の入力欄から行ってください。"));
    }
    let markup = match UserId::parse(&q.user_id) {
        Err(e) => view::user_id_status(e.message(), false),
        Ok(id) => match uc::check_user_id(&state.store, &w.household, &id, ctx.now)
            .await
            .map_err(internal)?
        {
            IdCheck::Taken => view::user_id_status(TAKEN, false),
            IdCheck::Wait(until) => view::user_id_status(&wait(until), false),
            IdCheck::Free => view::user_id_status("このユーザIDは使用できます。", true),
        },
    };
    Ok(Response::builder()
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string()))
}
