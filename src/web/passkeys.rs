//! The member's passkeys (個人情報管理) and 「パスキーでログイン」. The ceremonies answer
//! JSON to `/assets/passkey.js`; the list and deletion are plain pages and forms.

use std::sync::Arc;

use maud::Markup;
use poem::http::StatusCode;
use poem::web::{Data, Form, Json, Query};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};
use webauthn_rs::prelude::Webauthn;

use super::guard::guard;
use super::guard::member::{MemberSession, member};
use super::respond::{internal, page, page_with_status, see_other};
use super::views::passkeys as view;
use super::{AppState, Ctx, session};
use crate::auth::passkey::member::{self as uc, Member, PasskeyError};
use crate::auth::passkey::{self, PasskeyRow};

/// The relying party of this portal, if passkeys can work at its address.
pub(super) fn relying_party(ctx: &Ctx, state: &AppState) -> Option<Webauthn> {
    passkey::relying_party(&state.base_url, &ctx.settings.service_name)
}

/// A JSON answer for the script.
pub(super) fn json_answer(status: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

pub(super) fn refused(message: &str, field: Option<&str>) -> Response {
    json_answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "message": message, "field": field }),
    )
}

pub(super) fn started(token: String, options: Value) -> Response {
    json_answer(
        StatusCode::OK,
        json!({ "token": token, "options": options }),
    )
}

pub(super) fn go(to: &str) -> Response {
    json_answer(StatusCode::OK, json!({ "redirect": to }))
}

pub(super) const UNAVAILABLE: &str =
    "このアドレスではパスキーをご利用いただけません。パスワードでログインしてください。";

/// Whatever the script sent, as the library's type: `None` when it is not one.
pub(super) fn parse<T: serde::de::DeserializeOwned>(credential: Value) -> Option<T> {
    serde_json::from_value(credential).ok()
}

#[derive(Deserialize)]
pub struct FinishInput {
    #[serde(default)]
    token: String,
    #[serde(default)]
    credential: Value,
}

impl FinishInput {
    pub(super) fn into_parts(self) -> (String, Value) {
        (self.token, self.credential)
    }
}

/// A ceremony's answer from the script: the relying party, the ceremony's token and the
/// credential as the library's type; or the refusal to send back (`bad` when the
/// credential is not one).
pub(super) fn answer<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    state: &AppState,
    input: FinishInput,
    bad: &str,
) -> Result<(Webauthn, String, T), Response> {
    let Some(rp) = relying_party(ctx, state) else {
        return Err(refused(UNAVAILABLE, None));
    };
    let (token, credential) = input.into_parts();
    let Some(credential) = parse(credential) else {
        return Err(refused(bad, None));
    };
    Ok((rp, token, credential))
}

fn as_member(m: MemberSession) -> Member {
    Member {
        user_key: m.user_key,
        household: m.household,
    }
}

/// The member's answer to a refusal: the message beside its field, or the login page when
/// a wrong password locked the account.
fn member_refusal(state: &AppState, e: PasskeyError) -> poem::Result<Response> {
    match e {
        PasskeyError::Unexpected(e) => Err(internal(e)),
        PasskeyError::Locked => {
            state.mail_wake.notify_one();
            let mut answer = go("/");
            if let Ok(v) = session::clear_member_cookie(state).parse() {
                answer
                    .headers_mut()
                    .insert(poem::http::header::SET_COOKIE, v);
            }
            Ok(answer)
        }
        e => Ok(refused(&e.to_string(), Some(e.field()))),
    }
}

/// The passkey section of 個人情報管理.
pub(super) async fn profile_section(
    ctx: &Ctx,
    state: &AppState,
    household: crate::domain::member::HouseholdKey,
) -> poem::Result<Markup> {
    let rows: Vec<PasskeyRow> = uc::list(&state.store, household)
        .await
        .map_err(internal)?
        .into_iter()
        .map(PasskeyRow::from)
        .collect();
    let enabled = relying_party(ctx, state).is_some();
    Ok(view::member_section(ctx, &rows, enabled))
}

/// The form that starts a registration (members and staff alike).
#[derive(Deserialize)]
pub struct StartFields {
    #[serde(default)]
    pub(super) passkey_name: String,
    #[serde(default)]
    pub(super) passkey_password: String,
}

#[handler]
pub async fn register_start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<StartFields>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let Some(rp) = relying_party(ctx, state) else {
        return Ok(refused(UNAVAILABLE, None));
    };
    let (now, client) = (ctx.now, ctx.client.clone());
    let pw = f.passkey_password;
    match uc::start_registration(
        &state.store,
        rp,
        as_member(m),
        &f.passkey_name,
        pw,
        now,
        client,
    )
    .await
    {
        Ok((token, options)) => Ok(started(token, options)),
        Err(e) => member_refusal(state, e),
    }
}

#[handler]
pub async fn register_finish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Json(input): Json<FinishInput>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let (rp, token, credential) =
        match answer(ctx, state, input, &PasskeyError::Refused.to_string()) {
            Ok(parts) => parts,
            Err(refusal) => return Ok(refusal),
        };
    let (now, client) = (ctx.now, ctx.client.clone());
    match uc::finish_registration(
        &state.store,
        rp,
        as_member(m),
        token,
        credential,
        now,
        client,
    )
    .await
    {
        Ok(_) => {
            state.mail_wake.notify_one();
            Ok(go("/menu/profile?done=passkey"))
        }
        Err(e) => member_refusal(state, e),
    }
}

#[derive(Deserialize, Default)]
pub struct IdQuery {
    #[serde(default)]
    id: String,
}

async fn find_row(
    state: &AppState,
    m: &MemberSession,
    id: &str,
) -> poem::Result<Option<PasskeyRow>> {
    let rows = uc::list(&state.store, m.household.clone())
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(PasskeyRow::from).find(|r| r.id == id))
}

const DELETE_PATH: &str = "/menu/profile/passkeys/delete";
const TITLE: &str = "パスキーの削除";

#[handler]
pub async fn delete_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<IdQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let Some(row) = find_row(state, &m, &q.id).await? else {
        return Ok(see_other("/menu/profile"));
    };
    let markup = view::delete_confirm(ctx, &row, DELETE_PATH, "/menu/profile", None);
    Ok(page(ctx, TITLE, markup))
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
    let m = guard!(member(ctx));
    let Some(row) = find_row(state, &m, &f.id).await? else {
        return Ok(see_other("/menu/profile"));
    };
    let refuse = |message: &str| {
        let markup = view::delete_confirm(ctx, &row, DELETE_PATH, "/menu/profile", Some(message));
        page_with_status(ctx, StatusCode::UNPROCESSABLE_ENTITY, TITLE, markup)
    };
    if f.current_password.is_empty() {
        return Ok(refuse("現在のパスワードを入力してください。"));
    }
    let (now, client) = (ctx.now, ctx.client.clone());
    let done = uc::delete(
        &state.store,
        as_member(m),
        f.id,
        f.current_password,
        now,
        client,
    )
    .await;
    match done {
        Ok(_) => {
            state.mail_wake.notify_one();
            Ok(see_other("/menu/profile?done=passkey_deleted"))
        }
        Err(PasskeyError::Locked) => {
            state.mail_wake.notify_one();
            Ok(super::respond::see_other_with_cookie(
                "/",
                &session::clear_member_cookie(state),
            ))
        }
        Err(PasskeyError::NotFound) => Ok(see_other("/menu/profile")),
        Err(PasskeyError::Unexpected(e)) => Err(internal(e)),
        Err(e) => Ok(refuse(&e.to_string())),
    }
}
