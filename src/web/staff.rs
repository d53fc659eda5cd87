//! 管理画面: its own login, its own cookie (path /staff), its own session; the console's
//! screens live in the submodules and are routed by [`routes`].

pub mod accounts;
pub mod audit;
pub mod batches;
pub mod benefit_kinds;
pub mod claims;
pub mod drops;
pub mod enrolment;
pub mod export;
pub mod households;
pub mod import;
pub mod maintenance;
pub mod multipart;
pub mod notices;
pub mod outbox;
pub mod passkeys;
pub mod password;
pub mod postcards;
pub mod settings;
pub mod stats;
pub mod totp;
pub mod upload;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Endpoint, EndpointExt as _, Response, Route, get, handler, post};
use serde::Deserialize;

use super::respond::{page, page_with_status, see_other, see_other_with_cookie};
use super::views::staff as view;
use super::{
    AppState, BENEFITS_UPLOAD_PATH, CLAIMS_UPLOAD_PATH, Ctx, MEMBERS_UPLOAD_PATH, session,
};
use crate::auth::staff::StaffLogin as Outcome;

/// The staff login form, with 「パスキーでログイン」 while the 管理者 allows passkey-only
/// logins (and passkeys can work at the portal's address).
fn login_form(ctx: &Ctx, state: &AppState, login: &str, error: Option<&str>) -> maud::Markup {
    let passkey =
        ctx.settings.staff_passkey_login && super::passkeys::relying_party(ctx, state).is_some();
    maud::html! {
        (view::login(ctx, login, error))
        @if passkey { (super::views::passkeys::staff_login(ctx)) }
    }
}

#[handler]
pub fn login_page(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    if ctx.staff_session.is_some() {
        return see_other("/staff");
    }
    page(ctx, "管理画面ログイン", login_form(ctx, state, "", None))
}

#[derive(Deserialize)]
pub struct StaffLogin {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn login_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<StaffLogin>,
) -> Response {
    // Every answer, success or failure, known login or not, takes the member login's minimum.
    let pace = super::pacing::Pace::start();
    let answer = match crate::auth::staff::login(
        &state.store,
        &state.hasher,
        &input.login,
        &input.password,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    {
        // Without a second factor (else the code step came first): straight to enrolment
        // when the union requires one.
        Ok(Outcome::Done(done)) => {
            let next = if ctx.settings.staff_totp_required {
                enrolment::ENROLMENT
            } else {
                "/staff"
            };
            see_other_with_cookie(next, &session::staff_cookie(state, &done.token))
        }
        Ok(Outcome::NeedsCode {
            challenge,
            totp,
            passkey,
        }) => {
            let passkey = passkey && super::passkeys::relying_party(ctx, state).is_some();
            let markup = maud::html! {
                @if totp || !passkey {
                    (super::views::staff::totp::code_step(ctx, &challenge, None))
                } @else {
                    h1 { "二要素目の確認" }
                }
                @if passkey { (super::views::passkeys::second_factor(ctx, &challenge)) }
            };
            page(ctx, "確認コードの入力", markup)
        }
        Err(err) => {
            if let crate::auth::login::LoginError::Unexpected(e) = &err {
                tracing::error!("staff login failed unexpectedly: {e:#}");
            }
            let message = err.message();
            page_with_status(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "管理画面ログイン",
                login_form(ctx, state, input.login.trim(), Some(&message)),
            )
        }
    };
    pace.finish(answer).await
}

#[handler]
pub fn home(Data(ctx): Data<&Ctx>) -> Response {
    match crate::web::guard::staff::staff_user(ctx) {
        Ok(user) => crate::web::respond::staff_page(ctx, &user, "管理画面", view::home(&user)),
        Err(redirect) => redirect,
    }
}

#[handler]
pub async fn logout(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    session::end_current(ctx, state, ctx.staff_session.clone()).await?;
    Ok(see_other_with_cookie(
        "/staff/login",
        &session::clear_staff_cookie(state),
    ))
}

/// Every screen of the staff console; every staff path (also those already in `app`)
/// passes [`enrolment::only_enrolment_until_done`].
pub fn routes(app: Route) -> impl Endpoint {
    // One gate for both upload routes: they share its places.
    let uploads = upload::UploadGate::new();
    app.at("/staff/login/code", post(totp::login_code))
        .at(
            "/staff/login/passkey/start",
            post(passkeys::second_factor_start),
        )
        .at(
            "/staff/login/passkey/finish",
            post(passkeys::second_factor_finish),
        )
        .at(
            "/staff/login/passkey-only/start",
            post(passkeys::only_start),
        )
        .at(
            "/staff/login/passkey-only/finish",
            post(passkeys::only_finish),
        )
        .at(
            "/staff/passkeys/register/start",
            post(passkeys::register_start),
        )
        .at(
            "/staff/passkeys/register/finish",
            post(passkeys::register_finish),
        )
        .at(
            "/staff/passkeys/delete",
            get(passkeys::delete_page).post(passkeys::delete_submit),
        )
        .at(
            "/staff/households/:key/passkeys/delete",
            post(passkeys::household_delete),
        )
        .at(
            "/staff/accounts",
            get(accounts::list).post(accounts::create),
        )
        .at("/staff/accounts/:login", get(accounts::detail))
        .at(
            "/staff/accounts/:login/password",
            post(accounts::reset_password),
        )
        .at("/staff/accounts/:login/disable", post(accounts::disable))
        .at("/staff/accounts/:login/enable", post(accounts::enable))
        .at(
            "/staff/accounts/:login/totp-reset",
            post(accounts::totp_reset),
        )
        .at(
            "/staff/accounts/:login/delete",
            get(accounts::delete_confirm).post(accounts::delete),
        )
        .at("/staff/households", get(households::search))
        .at("/staff/households/:key", get(households::show))
        .at("/staff/households/:key/reveal", post(households::reveal))
        .at("/staff/households/:key/unlock", post(households::unlock))
        .at(
            "/staff/households/:key/end-sessions",
            get(households::end_sessions_confirm).post(households::end_sessions),
        )
        .at(
            "/staff/households/:key/people/:branch/hide",
            post(households::hide),
        )
        .at(
            "/staff/households/:key/people/:branch/show",
            post(households::unhide),
        )
        .at("/staff/postcards", get(postcards::show))
        .at("/staff/postcards/confirm", get(postcards::confirm_page))
        .at("/staff/postcards/issue", post(postcards::issue))
        .at("/staff/postcards/download/:token", get(postcards::download))
        .at("/staff/postcards/print/:token", get(postcards::print))
        .at("/staff/import", get(import::form))
        .at("/staff/export/members.csv", get(export::members))
        .at("/staff/export/claims.csv", get(export::claims))
        .at("/staff/export/benefits.csv", get(export::benefits))
        .at(
            MEMBERS_UPLOAD_PATH,
            post(import::members).with(uploads.clone()),
        )
        .at(
            CLAIMS_UPLOAD_PATH,
            post(claims::upload).with(uploads.clone()),
        )
        .at("/staff/import/claims/:id", get(claims::page))
        .at("/staff/import/claims/:id/status", get(claims::poll))
        .at(
            BENEFITS_UPLOAD_PATH,
            post(claims::benefits_upload).with(uploads),
        )
        .at("/staff/import/benefits/:id", get(claims::benefits_page))
        .at(
            "/staff/import/benefits/:id/status",
            get(claims::benefits_poll),
        )
        .at("/staff/batches", get(batches::list))
        .at(
            "/staff/batches/:number/publish",
            get(batches::publish_confirm).post(batches::publish),
        )
        .at("/staff/notices", get(notices::list).post(notices::create))
        .at("/staff/notices/new", get(notices::new))
        .at(
            "/staff/notices/:id",
            get(notices::edit).post(notices::update),
        )
        .at("/staff/notices/:id/withdraw", post(notices::withdraw))
        .at("/staff/notices/:id/restore", post(notices::restore))
        .at("/staff/settings", get(settings::show).post(settings::save))
        .at("/staff/settings/terms", post(settings::publish_terms))
        .at(
            "/staff/settings/benefit-kinds",
            get(benefit_kinds::show).post(benefit_kinds::add),
        )
        .at(
            "/staff/settings/benefit-kinds/remove",
            post(benefit_kinds::remove),
        )
        .at("/staff/outbox", get(outbox::show))
        .at("/staff/outbox/retry-failed", post(outbox::retry_all))
        .at("/staff/outbox/:id/retry", post(outbox::retry_one))
        .at("/staff/stats", get(stats::show))
        .at("/staff/audit", get(audit::show))
        .at("/staff/audit/export", get(audit::export))
        .at("/staff/totp", get(totp::show).post(totp::enable))
        .at("/staff/totp/start", post(totp::start))
        .at(
            "/staff/totp/disable",
            get(totp::disable_confirm).post(totp::disable),
        )
        .at(
            "/staff/password",
            get(password::form).post(password::change),
        )
        .around(enrolment::only_enrolment_until_done)
}
