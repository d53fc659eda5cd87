//! 入力確認画面, 実行, 戻る and 完了.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Response, handler};

use super::profile::TAKEN;
use super::{IntoResponsePage as _, gone, verified, wizard};
use crate::auth::model::SessionKind;
use crate::auth::registration::{self as uc, ExecuteContext, ExecuteError};
use crate::web::login::{home_of, internal};
use crate::web::respond::{page, page_with_status, see_other};
use crate::web::views::registration::{self as view, ConfirmView, ProfileForm};
use crate::web::{AppState, Ctx, session};

#[handler]
pub fn confirm_page(Data(ctx): Data<&Ctx>) -> Response {
    let w = match verified(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    match w.draft {
        Some(d) if !d.password_hash.is_empty() => {
            let v = ConfirmView {
                user_id: &d.user_id,
                email: &d.email,
                notify: d.notify,
            };
            page(ctx, "入力確認画面", view::confirm(ctx, &v))
        }
        _ => see_other("/register/profile"),
    }
}

#[handler]
pub async fn execute(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    let Some((key, _)) = ctx.member_session.clone() else {
        return see_other(if ctx.member_session_expired {
            "/?expired=1"
        } else {
            "/"
        });
    };
    let uc_ctx = ExecuteContext {
        session_key: key.clone(),
        now: ctx.now,
        client: ctx.client.clone(),
        login_url: state.login_url(),
    };
    match uc::execute(&state.store, uc_ctx).await {
        Ok(()) => {
            state.mail_wake.notify_one();
            see_other("/register/done")
        }
        Err(ExecuteError::UserIdTaken) => {
            let draft = wizard(ctx).ok().and_then(|w| w.draft);
            if let Err(e) = uc::forget_password_in_draft(&state.store, key).await {
                return internal(e).into_response_page(ctx);
            }
            let form = ProfileForm {
                user_id: draft
                    .as_ref()
                    .map(|d| d.user_id.clone())
                    .unwrap_or_default(),
                email: draft.as_ref().map(|d| d.email.clone()).unwrap_or_default(),
                notify: draft.is_some_and(|d| d.notify),
                user_id_error: Some(TAKEN.to_string()),
                ..Default::default()
            };
            page_with_status(
                ctx,
                StatusCode::CONFLICT,
                "個人情報入力画面",
                view::profile(ctx, &form),
            )
        }
        Err(ExecuteError::AlreadyRegistered) => gone(ctx),
        Err(ExecuteError::Incomplete) => match wizard(ctx) {
            Ok(w) if !w.verified => see_other("/register/identity"),
            Ok(_) => see_other("/register/profile"),
            Err(redirect) => redirect,
        },
        Err(ExecuteError::Unexpected(e)) => internal(e).into_response_page(ctx),
    }
}

#[handler]
pub async fn back(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    let w = match verified(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    match uc::forget_password_in_draft(&state.store, w.key).await {
        Ok(()) => see_other("/register/profile"),
        Err(e) => internal(e).into_response_page(ctx),
    }
}

#[handler]
pub async fn done(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    match ctx
        .member_session
        .as_ref()
        .map(|(k, s)| (k.clone(), &s.kind))
    {
        Some((key, SessionKind::Completed { .. })) => {
            match uc::upgrade_completed(&state.store, key, ctx.now).await {
                Ok(Some(token)) => {
                    let ctx = ctx.in_new_session(&state.csrf_key, &token);
                    let mut resp = page(&ctx, "登録完了", view::done());
                    if let Ok(v) = session::member_cookie(state, &token).parse() {
                        resp.headers_mut().append(header::SET_COOKIE, v);
                    }
                    resp
                }
                Ok(None) => see_other("/"),
                Err(e) => internal(e).into_response_page(ctx),
            }
        }
        Some((_, SessionKind::Member { .. })) => page(ctx, "登録完了", view::done()),
        Some((_, other)) => see_other(home_of(other)),
        None => page(
            ctx,
            "登録完了",
            view::message(
                "画面の有効期限が切れました",
                "登録がお済みの場合は、登録したユーザIDとパスワードでログインしてください。登録がお済みでない場合は、はがきの仮IDと仮パスワードでログインし直してください。",
                ("/", "ログイン画面へ"),
            ),
        ),
    }
}
