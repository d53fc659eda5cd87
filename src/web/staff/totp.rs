//! 二要素認証 (each staff member for their own account) and the login's code step.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::model::{StaffAccount, StaffUser};
use crate::auth::staff_reauth::{ReauthError, disable_totp};
use crate::auth::totp::{self as uc, CodeError, EnrolError};
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{
    internal, page_with_status, see_other, see_other_with_cookie, staff_page,
    staff_page_with_status,
};
use crate::web::views::layout::service_name;
use crate::web::views::staff::totp as view;
use crate::web::{AppState, Ctx, session};

/// A page of the enrolment: without the menu while the union requires a second factor
/// (this staff member has none yet, or they would not be enrolling).
fn enrolment_frame(
    ctx: &Ctx,
    user: &StaffUser,
    status: StatusCode,
    title: &str,
    content: maud::Markup,
) -> Response {
    if ctx.settings.staff_totp_required {
        let page = crate::web::views::staff::layout::enrolment(ctx, user, content);
        page_with_status(ctx, status, title, page)
    } else {
        staff_page_with_status(ctx, user, status, title, content)
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// Reads only: the enrolment's secret is made by [`start`] (a POST), never by a GET.
#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<DoneQuery>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    // A passkey is the other second factor: its list and registration follow each variant.
    let passkeys = super::passkeys::section(ctx, state, &user.login).await?;
    let passkeys = maud::html! {
        @match q.done.as_deref() {
            Some("passkey") => p.flash role="status" { "パスキーを登録しました。" },
            Some("passkey_deleted") => p.flash role="status" { "パスキーを削除しました。" },
            _ => {},
        }
        (passkeys)
    };
    let login = user.login.to_ascii_lowercase();
    let found = state
        .store
        .read(move |r| {
            let account = r.get::<StaffAccount>(&login)?;
            Ok::<_, anyhow::Error>((account, uc::pending_secret(r, &login)?))
        })
        .await
        .map_err(internal)?;
    let (Some(account), pending) = found else {
        return Ok(see_other("/staff/login"));
    };
    let required = ctx.settings.staff_totp_required;
    if let Some(t) = &account.totp {
        let since = crate::clock::format_jst_date(t.enrolled_at);
        return Ok(staff_page(
            ctx,
            &user,
            "二要素認証",
            maud::html! { (view::enrolled(&since, required)) (passkeys) },
        ));
    }
    let Some(secret) = pending else {
        return Ok(enrolment_frame(
            ctx,
            &user,
            StatusCode::OK,
            "二要素認証",
            maud::html! { (view::not_enrolled(ctx, required)) (passkeys) },
        ));
    };
    let url = uc::otpauth_url(&secret, &user.login, service_name(ctx)).map_err(internal)?;
    Ok(enrolment_frame(
        ctx,
        &user,
        StatusCode::OK,
        "二要素認証の設定",
        maud::html! { (view::enrol(ctx, &secret, &url, None, required)) (passkeys) },
    ))
}

/// Starts an enrolment: makes the pending secret (kept until it is confirmed or given up).
#[handler]
pub async fn start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let login = user.login.clone();
    state
        .store
        .write(move |w| {
            let enrolled = w
                .get::<StaffAccount>(&login.to_ascii_lowercase())?
                .is_some_and(|a| a.totp.is_some());
            if !enrolled {
                uc::begin_enrolment(w, &login)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await
        .map_err(internal)?;
    Ok(see_other("/staff/totp"))
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
            let pending = state
                .store
                .read(move |r| uc::pending_secret(r, &login))
                .await
                .map_err(internal)?;
            let Some(secret) = pending else {
                return Ok(see_other("/staff/totp"));
            };
            let url = uc::otpauth_url(&secret, &user.login, service_name(ctx)).map_err(internal)?;
            let message = EnrolError::WrongCode.to_string();
            Ok(enrolment_frame(
                ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "二要素認証の設定",
                view::enrol(
                    ctx,
                    &secret,
                    &url,
                    Some(&message),
                    ctx.settings.staff_totp_required,
                ),
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
    if ctx.settings.staff_totp_required {
        return Ok(cannot_disable(ctx, &user));
    }
    Ok(staff_page(
        ctx,
        &user,
        "二要素認証をやめる",
        view::disable_form(ctx, None),
    ))
}

#[derive(Deserialize)]
pub struct DisableFields {
    #[serde(default)]
    proof: String,
}

/// Turning the second factor off asks again for the password or a current code.
#[handler]
pub async fn disable(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<DisableFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    if ctx.settings.staff_totp_required {
        return Ok(cannot_disable(ctx, &user));
    }
    let done = disable_totp(
        &state.store,
        &user.login,
        &f.proof,
        ctx.now,
        ctx.client.clone(),
    )
    .await;
    match done {
        Ok(_) => Ok(see_other("/staff/totp")),
        Err(ReauthError::Wrong) => Ok(staff_page_with_status(
            ctx,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            "二要素認証をやめる",
            view::disable_form(ctx, Some(&ReauthError::Wrong.to_string())),
        )),
        Err(ReauthError::Gone) => Ok(see_other("/staff/login")),
        Err(ReauthError::Unexpected(e)) => Err(internal(e)),
    }
}

fn cannot_disable(ctx: &Ctx, user: &StaffUser) -> Response {
    staff_page_with_status(
        ctx,
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        "二要素認証をやめる",
        view::cannot_disable(),
    )
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
