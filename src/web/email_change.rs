//! 個人情報管理: the e-mail change request. The current password is asked (the address
//! decides where a forgotten password goes); refusals are shown beside their fields.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use super::profile::{PROFILE_TITLE, load_account, request};
use super::respond::{page_with_status, see_other, see_other_with_cookie};
use super::views::profile::{self as view, ProfileView};
use super::{AppState, Ctx, session};
use crate::auth::profile::{self as uc, EmailChange, EmailChangeError};
use crate::domain::email::Email;
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

const PASSWORD_MISSING: &str = "現在のパスワードを入力してください。";

#[derive(Deserialize)]
pub struct EmailFields {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

#[handler]
pub async fn submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<EmailFields>,
) -> poem::Result<Response> {
    let member = guard!(member(ctx));
    let email = Email::parse(&input.email);
    let password_missing = input.current_password.is_empty();
    let (mut email_error, mut password_error) = (None, None);
    match (email, password_missing) {
        (Ok(new_email), false) => {
            let change = EmailChange {
                user_key: member.user_key.clone(),
                new_email,
                current_password: input.current_password,
            };
            match uc::request_email_change(&state.store, change, request(ctx, state)).await {
                Ok(()) => {
                    state.mail_wake.notify_one();
                    return Ok(see_other("/menu/profile?done=email"));
                }
                Err(EmailChangeError::Locked) => {
                    let cleared = session::clear_member_cookie(state);
                    return Ok(see_other_with_cookie("/", &cleared));
                }
                Err(e @ EmailChangeError::WrongPassword) => password_error = Some(e.message()),
                Err(e @ EmailChangeError::Throttled { .. }) => email_error = Some(e.message()),
                Err(EmailChangeError::Unexpected(e)) => return Err(internal(e)),
            }
        }
        (email, missing) => {
            email_error = email.err().map(|e| e.message().to_string());
            password_error = missing.then(|| PASSWORD_MISSING.to_string());
        }
    }
    // Refused beside the field: a malformed address, a missing or wrong password, or too
    // many confirmation mails. What was typed stays, but never the password.
    let account = load_account(state, member.user_key).await?;
    let passkeys = super::passkeys::profile_section(ctx, state, member.household).await?;
    let v = ProfileView {
        email: &account.email,
        notify: account.notify,
        new_email: input.email.trim(),
        email_error: email_error.as_deref(),
        password_error: password_error.as_deref(),
        flash: None,
        passkeys: Some(passkeys),
    };
    let markup = view::profile(ctx, &v);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page_with_status(ctx, status, PROFILE_TITLE, markup))
}
