//! IDを忘れた方はこちら and パスワードを忘れた方はこちら. The answer after a request is one
//! redirect, paced to a fixed minimum, whatever matched; every page here sends
//! `Referrer-Policy: no-referrer`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::login::internal;
use super::pacing::{Pace, no_referrer};
use super::respond::{page, page_with_status, see_other};
use super::views::recovery::{self as view, RecoveryForm};
use super::{AppState, Ctx};
use crate::auth::recovery::{self as uc, Request};
use crate::domain::birth_date::BirthDate;
use crate::domain::email::Email;

const ID_TITLE: &str = "IDを忘れた方";
const PASSWORD_TITLE: &str = "パスワードを忘れた方";

#[derive(Deserialize)]
pub struct RecoveryFields {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    birth_date: String,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn request(ctx: &Ctx, state: &AppState) -> Request {
    Request {
        now: ctx.now,
        client: ctx.client.clone(),
        base_url: state.base_url.clone(),
    }
}

/// Parses the e-mail and birth date; the form with its messages when either is malformed.
fn parse(ctx: &Ctx, input: &RecoveryFields, form: &mut RecoveryForm) -> Option<(Email, BirthDate)> {
    let email = Email::parse(&input.email);
    let birth = BirthDate::parse(&input.birth_date, crate::clock::today_jst(ctx.now));
    form.email = input.email.trim().to_string();
    form.email_error = email.as_ref().err().map(|e| e.message().to_string());
    form.birth_error = birth.as_ref().err().map(|e| e.message().to_string());
    Some((email.ok()?, birth.ok()?))
}

fn refused(ctx: &Ctx, title: &str, markup: maud::Markup) -> Response {
    no_referrer(page_with_status(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        title,
        markup,
    ))
}

#[handler]
pub fn forgot_id_page(Data(ctx): Data<&Ctx>) -> Response {
    no_referrer(page(
        ctx,
        ID_TITLE,
        view::forgot_id(ctx, &RecoveryForm::default()),
    ))
}

#[handler]
pub async fn forgot_id_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<RecoveryFields>,
) -> poem::Result<Response> {
    let pace = Pace::start();
    let mut form = RecoveryForm::default();
    let Some((email, birth)) = parse(ctx, &input, &mut form) else {
        let markup = view::forgot_id(ctx, &form);
        return Ok(pace.finish(refused(ctx, ID_TITLE, markup)).await);
    };
    let mailed = uc::request_user_id(&state.store, email, birth, request(ctx, state))
        .await
        .map_err(internal)?;
    if mailed > 0 {
        state.mail_wake.notify_one();
    }
    Ok(pace.finish(no_referrer(see_other("/forgot-id/sent"))).await)
}

#[handler]
pub fn forgot_id_sent(Data(ctx): Data<&Ctx>) -> Response {
    no_referrer(page(
        ctx,
        ID_TITLE,
        view::sent(ID_TITLE, "ユーザIDを確認するためのURLを記載したメール"),
    ))
}

fn link_gone(ctx: &Ctx) -> Response {
    page_with_status(
        ctx,
        StatusCode::GONE,
        "このURLは無効です",
        view::link_invalid(("/forgot-id", "もう一度お問い合わせする")),
    )
}

/// The mailed link: a page with a button, or the invalid-link page. Changes nothing, so a
/// mail scanner opening the link first leaves it usable.
#[handler]
pub async fn user_id_link_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<TokenQuery>,
) -> poem::Result<Response> {
    let token = q.token;
    let valid = uc::user_id_link_valid(&state.store, token.clone(), ctx.now)
        .await
        .map_err(internal)?;
    let answer = match valid {
        true => page(ctx, "ユーザIDの確認", view::user_id_link(ctx, &token)),
        false => link_gone(ctx),
    };
    Ok(no_referrer(answer))
}

/// The button on that page: uses the link and shows the user ID, once.
#[handler]
pub async fn show_user_id(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<TokenQuery>,
) -> poem::Result<Response> {
    let shown = uc::open_user_id_link(&state.store, input.token, ctx.now, ctx.client.clone())
        .await
        .map_err(internal)?;
    let answer = match shown {
        Some(user_id) => page(ctx, "ユーザIDのお知らせ", view::user_id_shown(&user_id)),
        None => link_gone(ctx),
    };
    Ok(no_referrer(answer))
}

#[handler]
pub fn forgot_password_page(Data(ctx): Data<&Ctx>) -> Response {
    no_referrer(page(
        ctx,
        PASSWORD_TITLE,
        view::forgot_password(ctx, &RecoveryForm::default()),
    ))
}

#[handler]
pub async fn forgot_password_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<RecoveryFields>,
) -> poem::Result<Response> {
    let pace = Pace::start();
    let mut form = RecoveryForm {
        user_id: input.user_id.trim().to_string(),
        ..Default::default()
    };
    if form.user_id.is_empty() {
        form.user_id_error = Some("ユーザIDを入力してください。".to_string());
    }
    let parsed = parse(ctx, &input, &mut form);
    let (Some((email, birth)), None) = (parsed, &form.user_id_error) else {
        let markup = view::forgot_password(ctx, &form);
        return Ok(pace.finish(refused(ctx, PASSWORD_TITLE, markup)).await);
    };
    let req = request(ctx, state);
    let result = uc::request_temporary_password(
        &state.store,
        &state.hasher,
        &form.user_id,
        email,
        birth,
        req,
    );
    if result.await.map_err(internal)? {
        state.mail_wake.notify_one();
    }
    Ok(pace
        .finish(no_referrer(see_other("/forgot-password/sent")))
        .await)
}

#[handler]
pub fn forgot_password_sent(Data(ctx): Data<&Ctx>) -> Response {
    no_referrer(page(
        ctx,
        PASSWORD_TITLE,
        view::sent(PASSWORD_TITLE, "仮パスワードを記載したメール"),
    ))
}
