//! Staff passkeys: their own list and registration beside 二要素認証, the code step's
//! 「パスキーで確認」, the passkey-only login (when the 管理者 allows it), and the deletion
//! of a household's passkeys from its page.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Json, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::passkey::member::PasskeyError;
use crate::auth::passkey::{self, PasskeyRow, staff as uc};
use crate::auth::totp::CodeError;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::passkeys::{
    FinishInput, StartFields, answer, go, parse, refused, relying_party, started,
};
use crate::web::respond::{internal, see_other, staff_page, staff_page_with_status};
use crate::web::views::passkeys as view;
use crate::web::{AppState, Ctx, session};

const UNAVAILABLE: &str = "このアドレスではパスキーをご利用いただけません。";
const GONE: &str = "もう一度ログインしてください。";

/// A staff member's passkeys, for the 二要素認証 page.
pub async fn section(ctx: &Ctx, state: &AppState, login: &str) -> poem::Result<maud::Markup> {
    let rows: Vec<PasskeyRow> = uc::list(&state.store, login)
        .await
        .map_err(internal)?
        .into_iter()
        .map(PasskeyRow::from)
        .collect();
    let enabled = relying_party(ctx, state).is_some();
    Ok(view::staff_section(ctx, &rows, enabled))
}

fn staff_refusal(e: PasskeyError) -> poem::Result<Response> {
    match e {
        PasskeyError::Unexpected(e) => Err(internal(e)),
        e => Ok(refused(&e.to_string(), Some(e.field()))),
    }
}

#[handler]
pub async fn register_start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<StartFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(rp) = relying_party(ctx, state) else {
        return Ok(refused(UNAVAILABLE, None));
    };
    let (name, pw) = (f.passkey_name, f.passkey_password);
    let (now, client) = (ctx.now, ctx.client.clone());
    match uc::start_registration(&state.store, rp, &user.login, &name, pw, now, client).await {
        Ok((token, options)) => Ok(started(token, options)),
        Err(e) => staff_refusal(e),
    }
}

#[handler]
pub async fn register_finish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Json(input): Json<FinishInput>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (rp, token, credential) =
        match answer(ctx, state, input, &PasskeyError::Refused.to_string()) {
            Ok(parts) => parts,
            Err(refusal) => return Ok(refusal),
        };
    let (now, client) = (ctx.now, ctx.client.clone());
    match uc::finish_registration(
        &state.store,
        rp,
        &user.login,
        token,
        credential,
        now,
        client,
    )
    .await
    {
        Ok(_) => Ok(go("/staff/totp?done=passkey")),
        Err(e) => staff_refusal(e),
    }
}

#[derive(Deserialize, Default)]
pub struct IdQuery {
    #[serde(default)]
    id: String,
}

async fn find_row(state: &AppState, login: &str, id: &str) -> poem::Result<Option<PasskeyRow>> {
    let rows = uc::list(&state.store, login).await.map_err(internal)?;
    Ok(rows.into_iter().map(PasskeyRow::from).find(|r| r.id == id))
}

const DELETE_PATH: &str = "/staff/passkeys/delete";
const TITLE: &str = "パスキーの削除";

#[handler]
pub async fn delete_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<IdQuery>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(row) = find_row(state, &user.login, &q.id).await? else {
        return Ok(see_other("/staff/totp"));
    };
    let markup = view::delete_confirm(ctx, &row, DELETE_PATH, "/staff/totp", None);
    Ok(staff_page(ctx, &user, TITLE, markup))
}

#[derive(Deserialize)]
pub struct DeleteFields {
    #[serde(default)]
    id: String,
    #[serde(default)]
    current_password: String,
}

#[handler]
pub async fn delete_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<DeleteFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(row) = find_row(state, &user.login, &f.id).await? else {
        return Ok(see_other("/staff/totp"));
    };
    let (now, client) = (ctx.now, ctx.client.clone());
    let done = uc::delete(
        &state.store,
        &user.login,
        f.id,
        f.current_password,
        now,
        client,
    )
    .await;
    match done {
        Ok(_) | Err(PasskeyError::NotFound) => Ok(see_other("/staff/totp?done=passkey_deleted")),
        Err(PasskeyError::Unexpected(e)) => Err(internal(e)),
        Err(e) => {
            let message = e.to_string();
            let markup =
                view::delete_confirm(ctx, &row, DELETE_PATH, "/staff/totp", Some(&message));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(staff_page_with_status(ctx, &user, status, TITLE, markup))
        }
    }
}

#[derive(Deserialize)]
pub struct ChallengeFields {
    #[serde(default)]
    challenge: String,
}

/// The code step's 「パスキーで確認」.
#[handler]
pub async fn second_factor_start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<ChallengeFields>,
) -> poem::Result<Response> {
    let Some(rp) = relying_party(ctx, state) else {
        return Ok(refused(UNAVAILABLE, None));
    };
    match passkey::second_factor::start(&state.store, rp, &f.challenge, ctx.now).await {
        Ok((token, options)) => Ok(started(token, options)),
        Err(CodeError::Unexpected(e)) => Err(internal(e)),
        Err(_) => Ok(refused(GONE, None)),
    }
}

fn logged_in(state: &AppState, token: &str) -> Response {
    let mut answer = go("/staff");
    if let Ok(v) = session::staff_cookie(state, token).parse() {
        answer
            .headers_mut()
            .insert(poem::http::header::SET_COOKIE, v);
    }
    answer
}

#[handler]
pub async fn second_factor_finish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Json(input): Json<FinishInput>,
) -> poem::Result<Response> {
    let (rp, token, credential) = match answer(ctx, state, input, GONE) {
        Ok(parts) => parts,
        Err(refusal) => return Ok(refusal),
    };
    let (now, client) = (ctx.now, ctx.client.clone());
    match passkey::second_factor::finish(&state.store, rp, token, credential, now, client).await {
        Ok(done) => Ok(logged_in(state, &done.token)),
        Err(CodeError::Unexpected(e)) => Err(internal(e)),
        Err(CodeError::Wrong) => Ok(refused(
            "パスキーを確認できませんでした。もう一度お試しください。",
            None,
        )),
        Err(CodeError::Gone) => Ok(refused(GONE, None)),
    }
}

/// The staff login's 「パスキーでログイン」, only while the 管理者 allows it.
#[handler]
pub async fn only_start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let rp = relying_party(ctx, state).filter(|_| ctx.settings.staff_passkey_login);
    let Some(rp) = rp else {
        return Ok(refused(UNAVAILABLE, None));
    };
    match passkey::login::start(&state.store, rp, true, ctx.now).await {
        Ok((token, options)) => Ok(started(token, options)),
        Err(e) => crate::web::passkey_login::busy_or_internal(e),
    }
}

#[handler]
pub async fn only_finish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Json(input): Json<FinishInput>,
) -> poem::Result<Response> {
    let Some(rp) = relying_party(ctx, state) else {
        return Ok(refused(UNAVAILABLE, None));
    };
    let (token, credential) = input.into_parts();
    let refusal =
        "パスキーでログインできませんでした。ログインIDとパスワードでログインしてください。";
    let Some(credential) = parse(credential) else {
        return Ok(refused(refusal, None));
    };
    let (now, client) = (ctx.now, ctx.client.clone());
    match passkey::login::finish_staff(&state.store, rp, token, credential, now, client).await {
        Ok(done) => Ok(logged_in(state, &done.token)),
        Err(crate::auth::login::LoginError::Unexpected(e)) => Err(internal(e)),
        Err(_) => Ok(refused(refusal, None)),
    }
}

/// 「この世帯のパスキーをすべて削除」 on the household page.
#[handler]
pub async fn household_delete(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = super::households::parse_key(&key)?;
    let (actor, now, client) = (user.actor(), ctx.now, ctx.client.clone());
    let (deleted, ended) =
        passkey::member::delete_all_by_staff(&state.store, h.clone(), actor, now, client)
            .await
            .map_err(internal)?;
    state.mail_wake.notify_one();
    let flash = if ended > 0 {
        format!(
            "この世帯のパスキーを {deleted} 個削除し、ログイン中の画面を {ended} 件終了しました。"
        )
    } else {
        format!("この世帯のパスキーを {deleted} 個削除しました。")
    };
    super::households::show_page(ctx, state, &user, h, None, Some(&flash)).await
}
