//! 「パスキーでログイン」 on the member login screen: a discoverable credential, no ID typed.
//! The answers are JSON for `/assets/passkey.js`.

use std::sync::Arc;

use poem::web::{Data, Json};
use poem::{Response, handler};

use super::guard::member::home_of;
use super::passkeys::{FinishInput, UNAVAILABLE, answer, go, refused, relying_party, started};
use super::respond::internal;
use super::{AppState, Ctx, session};
use crate::auth::passkey::{self, login::Attempt};

#[handler]
pub async fn login_start(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let Some(rp) = relying_party(ctx, state) else {
        return Ok(refused(UNAVAILABLE, None));
    };
    match passkey::login::start(&state.store, rp, false, ctx.now).await {
        Ok((token, options)) => Ok(started(token, options)),
        Err(e) => busy_or_internal(e),
    }
}

/// Too many ceremonies waiting (a flood of starts): a message, not an error page.
pub(super) fn busy_or_internal(e: anyhow::Error) -> poem::Result<Response> {
    if e.downcast_ref::<passkey::ceremony::Busy>().is_some() {
        tracing::warn!("refused a passkey start: too many ceremonies waiting");
        return Ok(refused(BUSY, None));
    }
    Err(internal(e))
}

const BUSY: &str = "ただいま混み合っています。しばらくしてからもう一度お試しいただくか、パスワードでログインしてください。";

/// What a refused passkey login reads (no more than a refused password login says).
pub(super) const LOGIN_REFUSED: &str = "パスキーでログインできませんでした。登録済みのパスキーをお使いか、ご確認ください。パスワードでもログインできます。";

#[handler]
pub async fn login_finish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Json(input): Json<FinishInput>,
) -> poem::Result<Response> {
    let (rp, token, credential) = match answer(ctx, state, input, LOGIN_REFUSED) {
        Ok(parts) => parts,
        Err(refusal) => return Ok(refusal),
    };
    let attempt = Attempt {
        key: String::new(),
        now: ctx.now,
        client: ctx.client.clone(),
        old_session: ctx.member_session.as_ref().map(|(k, _)| k.clone()),
    };
    match passkey::login::finish_member(&state.store, rp, token, credential, attempt).await {
        Ok(done) => {
            let mut answer = go(home_of(&done.kind));
            if let Ok(v) = session::member_cookie(state, &done.token).parse() {
                answer
                    .headers_mut()
                    .insert(poem::http::header::SET_COOKIE, v);
            }
            Ok(answer)
        }
        Err(crate::auth::login::LoginError::Unexpected(e)) => Err(internal(e)),
        Err(e @ crate::auth::login::LoginError::MembershipEnded { .. }) => {
            Ok(refused(&e.message(), None))
        }
        Err(_) => Ok(refused(LOGIN_REFUSED, None)),
    }
}
