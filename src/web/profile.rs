//! 個人情報管理 (e-mail and notification) and パスワード変更.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::pacing::no_referrer;
use super::respond::{page, page_with_status, see_other, see_other_with_cookie};
use super::views::profile::{self as view, PasswordForm, ProfileView};
use super::views::recovery::link_invalid;
use super::{AppState, Ctx, session};
use crate::auth::model::Account;
use crate::auth::password_change::{ChangeError, PasswordChange, change_password};
use crate::auth::profile as uc;
use crate::auth::recovery::Request;
use crate::domain::password::{NewPassword, PasswordContext, PasswordField};
use crate::web::guard::guard;
use crate::web::guard::member::{member, member_session};
use crate::web::respond::internal;

pub(super) const PROFILE_TITLE: &str = "個人情報管理";
const PASSWORD_TITLE: &str = "パスワード変更";

pub(super) async fn load_account(state: &AppState, user_key: String) -> poem::Result<Account> {
    state
        .store
        .read(move |r| {
            r.get::<Account>(&user_key)?
                .ok_or_else(|| anyhow::anyhow!("the session's account is gone"))
        })
        .await
        .map_err(internal)
}

#[derive(Deserialize, Default)]
pub struct ProfileQuery {
    #[serde(default)]
    done: Option<String>,
}

fn flash(done: Option<&str>) -> Option<&'static str> {
    match done {
        Some("email") => Some(
            "新しいメールアドレスに確認のメールをお送りしました。メールに記載のURLを開くと変更が完了します。",
        ),
        Some("notify") => Some("通知設定を保存しました。"),
        Some("passkey") => Some(
            "パスキーを登録しました。次回から、この端末ではパスキーでログインできます。ご登録のメールアドレスにお知らせをお送りしました。",
        ),
        Some("passkey_deleted") => {
            Some("パスキーを削除しました。ご登録のメールアドレスにお知らせをお送りしました。")
        }
        _ => None,
    }
}

#[handler]
pub async fn profile_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<ProfileQuery>,
) -> poem::Result<Response> {
    let member = guard!(member(ctx));
    let account = load_account(state, member.user_key).await?;
    let passkeys = super::passkeys::profile_section(ctx, state, member.household).await?;
    let v = ProfileView {
        email: &account.email,
        notify: account.notify,
        new_email: "",
        email_error: None,
        password_error: None,
        flash: flash(q.done.as_deref()),
        passkeys: Some(passkeys),
    };
    Ok(page(ctx, PROFILE_TITLE, view::profile(ctx, &v)))
}

pub(super) fn request(ctx: &Ctx, state: &AppState) -> Request {
    Request {
        now: ctx.now,
        client: ctx.client.clone(),
        base_url: state.base_url.clone(),
    }
}

#[derive(Deserialize)]
pub struct NotifyFields {
    notify: Option<String>,
}

#[handler]
pub async fn notify_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<NotifyFields>,
) -> poem::Result<Response> {
    let member = guard!(member(ctx));
    let notify = input.notify.is_some();
    uc::set_notify(
        &state.store,
        member.user_key,
        notify,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    .map_err(internal)?;
    Ok(see_other("/menu/profile?done=notify"))
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn link_gone(ctx: &Ctx) -> Response {
    page_with_status(
        ctx,
        StatusCode::GONE,
        "このURLは無効です",
        link_invalid(("/menu/profile", "個人情報管理へ")),
    )
}

/// The link in the confirmation mail: works with or without a session (it may be opened
/// on another device); the token alone proves the new address. Opening it shows a button
/// and changes nothing, so a mail scanner opening the link first leaves it usable.
#[handler]
pub async fn confirm_email_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<TokenQuery>,
) -> poem::Result<Response> {
    let token = q.token;
    let target = uc::email_link_target(&state.store, token.clone(), ctx.now)
        .await
        .map_err(internal)?;
    let answer = match target {
        Some(new_email) => page(
            ctx,
            "メールアドレスの変更",
            view::confirm_email(ctx, &token, &new_email),
        ),
        None => link_gone(ctx),
    };
    Ok(no_referrer(answer))
}

/// The button on that page: uses the link and applies the new address.
#[handler]
pub async fn confirm_email(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<TokenQuery>,
) -> poem::Result<Response> {
    let applied = uc::confirm_email(&state.store, input.token, ctx.now, ctx.client.clone())
        .await
        .map_err(internal)?;
    let answer = match applied {
        Some(new_email) => {
            state.mail_wake.notify_one();
            let logged_in = member_session(ctx).is_ok();
            let markup = view::email_confirmed(&new_email, logged_in);
            page(ctx, "メールアドレスの変更", markup)
        }
        None => link_gone(ctx),
    };
    Ok(no_referrer(answer))
}

#[derive(Deserialize, Default)]
pub struct PasswordQuery {
    #[serde(default)]
    done: Option<String>,
}

#[handler]
pub fn password_page(Data(ctx): Data<&Ctx>, Query(q): Query<PasswordQuery>) -> Response {
    let member = guard!(plain member_session(ctx));
    if q.done.is_some() && !member.must_change_password {
        return page(ctx, PASSWORD_TITLE, view::password_changed(ctx));
    }
    let markup = view::password(ctx, &PasswordForm::default(), member.must_change_password);
    page(ctx, PASSWORD_TITLE, markup)
}

#[derive(Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[handler]
pub async fn password_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<PasswordFields>,
) -> poem::Result<Response> {
    let member = guard!(member_session(ctx));
    let mut form = PasswordForm::default();
    if input.current_password.is_empty() {
        form.current_error = Some("現在のパスワードを入力してください。".to_string());
    }
    let symbol_number = [
        member.household.symbol.as_str(),
        member.household.number.as_str(),
    ];
    let rules = PasswordContext {
        user_id: &member.user_key,
        union_name: &ctx.settings.union_name,
        household_symbol_number: &symbol_number,
    };
    let new = NewPassword::parse(&input.password, &input.password_confirm, &rules);
    if let Err(e) = &new {
        let message = Some(e.message().to_string());
        match e.field() {
            PasswordField::Password => form.password_error = message,
            PasswordField::Confirmation => form.confirm_error = message,
        }
    }
    let forced = member.must_change_password;
    let refuse = |form: &PasswordForm| {
        let markup = view::password(ctx, form, forced);
        page_with_status(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            PASSWORD_TITLE,
            markup,
        )
    };
    let (Ok(new), None) = (new, &form.current_error) else {
        return Ok(refuse(&form));
    };
    let change = PasswordChange {
        user_key: member.user_key,
        current: input.current_password,
        new,
        now: ctx.now,
        client: ctx.client.clone(),
    };
    match change_password(&state.store, change).await {
        Ok(token) => {
            state.mail_wake.notify_one();
            let cookie = session::member_cookie(state, &token);
            Ok(see_other_with_cookie("/menu/password?done=1", &cookie))
        }
        Err(ChangeError::Locked) => {
            // The lock's mail to the household is queued.
            state.mail_wake.notify_one();
            Ok(see_other_with_cookie(
                "/",
                &session::clear_member_cookie(state),
            ))
        }
        Err(e @ (ChangeError::WrongCurrent | ChangeError::SameAsCurrent)) => {
            match e {
                ChangeError::WrongCurrent => form.current_error = Some(e.message().to_string()),
                _ => form.password_error = Some(e.message().to_string()),
            }
            Ok(refuse(&form))
        }
        Err(ChangeError::Unexpected(e)) => Err(internal(e)),
    }
}
