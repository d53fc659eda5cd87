//! ログイン画面 and logout.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::guard::member::home_of;
use super::respond::{internal, page, page_with_status, see_other, see_other_with_cookie};
use super::views::login::{LoginForm, login as login_view};
use super::{AppState, Ctx, session};
use crate::auth::login::{LoginError, login};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    expired: Option<String>,
    #[serde(default)]
    logged_out: Option<String>,
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<LoginQuery>,
) -> Response {
    if let Some((_, s)) = &ctx.member_session {
        return see_other(home_of(&s.kind));
    }
    let notice = if q.expired.is_some() || ctx.member_session_expired {
        Some(
            "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。はがきの仮IDでの登録途中の方も、仮IDと仮パスワードで続きから登録できます。",
        )
    } else if q.logged_out.is_some() {
        Some("ログアウトしました。")
    } else {
        None
    };
    page(
        ctx,
        "ログイン",
        login_view(
            ctx,
            &LoginForm {
                passkey: super::passkeys::relying_party(ctx, state).is_some(),
                user_id: "",
                error: None,
                notice,
            },
        ),
    )
}

#[derive(Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<LoginInput>,
) -> Response {
    // Every answer, success or failure, known ID or not, takes the same minimum time.
    let pace = super::pacing::Pace::start();
    let old = ctx.member_session.as_ref().map(|(k, _)| k.clone());
    let answer = match login(
        &state.store,
        &state.hasher,
        &input.user_id,
        &input.password,
        ctx.now,
        ctx.client.clone(),
        old,
    )
    .await
    {
        Ok(done) => see_other_with_cookie(
            home_of(&done.kind),
            &session::member_cookie(state, &done.token),
        ),
        Err(LoginError::Unexpected(e)) if crate::store::write_refusal(&e).is_some() => {
            // A full or read-only disk: the member is told the service cannot save now.
            internal(e).into_response_page(ctx)
        }
        Err(err) => {
            if let LoginError::Unexpected(e) = &err {
                tracing::error!("login failed unexpectedly: {e:#}");
            }
            // A refusal may have locked the account and queued the household's mail.
            state.mail_wake.notify_one();
            let message = err.message();
            let form = LoginForm {
                passkey: super::passkeys::relying_party(ctx, state).is_some(),
                user_id: input.user_id.trim(),
                error: Some(&message),
                notice: None,
            };
            page_with_status(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "ログイン",
                login_view(ctx, &form),
            )
        }
    };
    pace.finish(answer).await
}

#[handler]
pub async fn logout(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    session::end_current(ctx, state, ctx.member_session.clone()).await?;
    Ok(see_other_with_cookie(
        "/?logged_out=1",
        &session::clear_member_cookie(state),
    ))
}

/// The error page of an unexpected failure, for handlers that answer with a page.
trait IntoErrorPage {
    fn into_response_page(self, ctx: &Ctx) -> Response;
}

impl IntoErrorPage for poem::Error {
    fn into_response_page(self, ctx: &Ctx) -> Response {
        crate::web::views::error::page(self.status(), &ctx.request_id)
    }
}
