//! 二要素認証 (each staff member for their own account) and the login's code step.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use super::guard::{guard, staff_page, staff_page_with_status, staff_user};
use crate::auth::model::StaffAccount;
use crate::auth::totp::{self as uc, CodeError, EnrolError};
use crate::web::login::internal;
use crate::web::respond::{page_with_status, see_other, see_other_with_cookie};
use crate::web::views::layout::service_name;
use crate::web::views::staff::nav::{Confirm, confirm};
use crate::web::views::staff::totp as view;
use crate::web::{AppState, Ctx, session};

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let login = user.login.clone();
    let (account, secret) = state
        .store
        .write(move |w| {
            let account = w.get::<StaffAccount>(&login.to_ascii_lowercase())?;
            let secret = match &account {
                Some(a) if a.totp.is_none() => uc::begin_enrolment(w, &login)?,
                _ => None,
            };
            Ok::<_, anyhow::Error>((account, secret))
        })
        .await
        .map_err(internal)?;
    let Some(account) = account else {
        return Ok(see_other("/staff/login"));
    };
    if let Some(t) = &account.totp {
        let since = crate::clock::format_jst_date(t.enrolled_at);
        return Ok(staff_page(ctx, &user, "二要素認証", view::enrolled(&since)));
    }
    let secret = secret.unwrap_or_default();
    let url = uc::otpauth_url(&secret, &user.login, service_name(ctx)).map_err(internal)?;
    Ok(staff_page(
        ctx,
        &user,
        "二要素認証の設定",
        view::enrol(ctx, &secret, &url, None),
    ))
}

#[derive(Deserialize)]
pub struct CodeFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    challenge: String,
}

#[handler]
pub async fn enable(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<CodeFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (login, now) = (user.login.clone(), ctx.now);
    let result = state
        .store
        .write(move |w| Ok::<_, EnrolError>(uc::confirm_enrolment(w, &login, &f.code, now)))
        .await;
    match result {
        Ok(Ok(codes)) => Ok(staff_page(
            ctx,
            &user,
            "二要素認証を設定しました",
            view::recovery_codes(&codes),
        )),
        Ok(Err(EnrolError::WrongCode)) => {
            let login = user.login.clone();
            let secret = state
                .store
                .write(move |w| uc::begin_enrolment(w, &login))
                .await
                .map_err(internal)?
                .unwrap_or_default();
            let url = uc::otpauth_url(&secret, &user.login, service_name(ctx)).map_err(internal)?;
            let message = EnrolError::WrongCode.to_string();
            Ok(staff_page_with_status(
                ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "二要素認証の設定",
                view::enrol(ctx, &secret, &url, Some(&message)),
            ))
        }
        Ok(Err(EnrolError::NotStarted)) => Ok(see_other("/staff/totp")),
        Ok(Err(EnrolError::Unexpected(e))) | Err(EnrolError::Unexpected(e)) => Err(internal(e)),
        Err(_) => Ok(see_other("/staff/totp")),
    }
}

#[handler]
pub fn disable_confirm(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let c = Confirm {
        title: "二要素認証をやめる",
        message: "やめると、回復コードもすべて使えなくなります。再開するには設定し直す必要があります。",
        details: vec![],
        action: "/staff/totp/disable".into(),
        hidden: vec![],
        button: "やめる",
        cancel: "/staff/totp".into(),
    };
    Ok(staff_page(
        ctx,
        &user,
        "二要素認証をやめる",
        confirm(ctx, &c),
    ))
}

#[handler]
pub async fn disable(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (login, actor, now) = (user.login.clone(), user.actor(), ctx.now);
    state
        .store
        .write(move |w| uc::disable(w, &login, &actor, now))
        .await
        .map_err(internal)?;
    Ok(see_other("/staff/totp"))
}

/// The login's second step: a TOTP code or a recovery code.
#[handler]
pub async fn login_code(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<CodeFields>,
) -> Response {
    match uc::verify_login_code(
        &state.store,
        &f.challenge,
        &f.code,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    {
        Ok(done) => see_other_with_cookie("/staff", &session::staff_cookie(state, &done.token)),
        Err(CodeError::Wrong) => page_with_status(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "確認コードの入力",
            view::code_step(
                ctx,
                &f.challenge,
                Some("確認コードが正しくありません。もう一度入力してください。"),
            ),
        ),
        Err(CodeError::Gone) => page_with_status(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "管理画面ログイン",
            crate::web::views::staff::login(
                ctx,
                "",
                Some("確認できませんでした。もう一度ログインしてください。"),
            ),
        ),
        Err(CodeError::Unexpected(e)) => {
            tracing::error!("staff code step failed: {e:#}");
            crate::web::views::error::page(StatusCode::INTERNAL_SERVER_ERROR, &ctx.request_id)
        }
    }
}
