//! The registration wizard (SPEC §3): 本人確認 → 個人情報入力 → 入力確認 → 完了.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::{Data, Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::login::{home_of, internal};
use super::pages::current_terms;
use super::respond::{page, page_with_status, see_other};
use super::views::registration::{self as view, ConfirmView, IdentityForm, ProfileForm};
use super::{AppState, Ctx, session};
use crate::auth::model::{RegistrationDraft, SessionKind};
use crate::auth::registration::{
    self as uc, ExecuteContext, ExecuteError, IdentityError, IdentityInput,
};
use crate::domain::member::HouseholdKey;
use crate::domain::password::{NewPassword, PasswordContext, PasswordField};
use crate::domain::user_id::UserId;

/// The wizard's session, or where to send the browser instead.
struct Wizard {
    key: String,
    temporary_id: String,
    household: HouseholdKey,
    verified: bool,
    draft: Option<RegistrationDraft>,
}

fn wizard(ctx: &Ctx) -> Result<Wizard, Response> {
    match &ctx.member_session {
        Some((key, s)) => match &s.kind {
            SessionKind::Registration {
                temporary_id,
                household,
                verified,
                draft,
            } => Ok(Wizard {
                key: key.clone(),
                temporary_id: temporary_id.clone(),
                household: household.clone(),
                verified: *verified,
                draft: draft.clone(),
            }),
            other => Err(see_other(home_of(other))),
        },
        None if ctx.member_session_expired => Err(see_other("/?expired=1")),
        None => Err(see_other("/")),
    }
}

fn verified(ctx: &Ctx) -> Result<Wizard, Response> {
    let w = wizard(ctx)?;
    if !w.verified {
        return Err(see_other("/register/identity"));
    }
    Ok(w)
}

fn gone(ctx: &Ctx) -> Response {
    page(
        ctx,
        "ご利用いただけません",
        view::message(
            "ご利用いただけません",
            "この仮IDは、すでに登録に使われたか、再発行または有効期限切れにより使えなくなっています。登録がお済みの場合は、登録したユーザIDでログインしてください。",
            ("/", "ログイン画面へ"),
        ),
    )
}

fn locked(ctx: &Ctx, until: chrono::DateTime<chrono::Utc>) -> Response {
    let text = format!(
        "本人確認に5回続けて失敗したため、この仮IDは一時的にロックされました。{}以降に、もう一度ログインしてお試しください。",
        crate::clock::format_jst(until)
    );
    page_with_status(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        "本人確認画面",
        view::message("本人確認画面", &text, ("/", "ログイン画面へ")),
    )
}

#[handler]
pub async fn identity_page(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    match wizard(ctx) {
        Ok(w) if w.verified => see_other("/register/profile"),
        Ok(_) => page(
            ctx,
            "本人確認画面",
            view::identity(ctx, &IdentityForm::default(), &current_terms(state).await),
        ),
        Err(redirect) => redirect,
    }
}

#[derive(Deserialize)]
pub struct IdentityFields {
    #[serde(default)]
    insurer_number: String,
    #[serde(default)]
    birth_date: String,
    agree: Option<String>,
}

#[handler]
pub async fn identity_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<IdentityFields>,
) -> Response {
    let w = match wizard(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    let kept = input.insurer_number.trim().to_string();
    let fields = IdentityInput {
        insurer_number: input.insurer_number,
        birth_date: input.birth_date,
        agree: input.agree,
    };
    match uc::verify_identity(
        &state.store,
        w.key,
        w.temporary_id,
        fields,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    {
        Ok(()) => see_other("/register/profile"),
        Err(IdentityError::Refused {
            insurer,
            birth,
            agree,
            remaining,
        }) => {
            let summary = remaining.map(|n| format!("本人確認ができませんでした。あと{n}回続けて失敗すると、この仮IDは30分間ロックされます。"));
            let form = IdentityForm {
                insurer_number: kept,
                insurer_error: insurer,
                birth_error: birth,
                agree_error: agree,
                summary,
            };
            page_with_status(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "本人確認画面",
                view::identity(ctx, &form, &current_terms(state).await),
            )
        }
        Err(IdentityError::Locked { until }) => locked(ctx, until),
        Err(IdentityError::CredentialsGone) => gone(ctx),
        Err(IdentityError::Unexpected(e)) => internal(e).into_response_page(ctx),
    }
}

#[handler]
pub fn profile_page(Data(ctx): Data<&Ctx>) -> Response {
    let w = match verified(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    let form = match w.draft {
        Some(d) => ProfileForm {
            user_id: d.user_id,
            email: d.email,
            notify: d.notify,
            ..Default::default()
        },
        None => ProfileForm {
            notify: true,
            ..Default::default()
        },
    };
    page(ctx, "個人情報入力画面", view::profile(ctx, &form))
}

#[derive(Deserialize)]
pub struct ProfileFields {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    email: String,
    notify: Option<String>,
}

#[handler]
pub async fn profile_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<ProfileFields>,
) -> Response {
    let w = match verified(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    let mut form = ProfileForm {
        user_id: input.user_id.trim().to_string(),
        email: input.email.trim().to_string(),
        notify: input.notify.is_some(),
        ..Default::default()
    };
    let user_id = UserId::parse(&input.user_id);
    match &user_id {
        Err(e) => form.user_id_error = Some(e.message().to_string()),
        Ok(id) => {
            let id = id.clone();
            match state.store.read(move |r| uc::user_id_taken(r, &id)).await {
                Ok(true) => form.user_id_error = Some(TAKEN.to_string()),
                Ok(false) => {}
                Err(e) => return internal(e).into_response_page(ctx),
            }
        }
    }
    let symbol_number = [w.household.symbol.as_str(), w.household.number.as_str()];
    let password_ctx = PasswordContext {
        user_id: user_id
            .as_ref()
            .map(|u| u.as_str())
            .unwrap_or(input.user_id.trim()),
        union_name: &ctx.settings.union_name,
        household_symbol_number: &symbol_number,
    };
    let password = NewPassword::parse(&input.password, &input.password_confirm, &password_ctx);
    if let Err(e) = &password {
        match e.field() {
            PasswordField::Password => form.password_error = Some(e.message().to_string()),
            PasswordField::Confirmation => form.confirm_error = Some(e.message().to_string()),
        }
    }
    let email = uc::parse_email(&input.email);
    if let Err(e) = &email {
        form.email_error = Some(e.to_string());
    }
    let (Ok(user_id), Ok(password), Ok(email), None) =
        (user_id, password, email, &form.user_id_error)
    else {
        return page_with_status(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "個人情報入力画面",
            view::profile(ctx, &form),
        );
    };
    let password_hash = match crate::auth::hash::hash(password.expose().to_string()).await {
        Ok(h) => h,
        Err(e) => return internal(e).into_response_page(ctx),
    };
    let draft = RegistrationDraft {
        user_id: user_id.as_str().to_string(),
        email: email.as_str().to_string(),
        notify: form.notify,
        password_hash,
    };
    match uc::save_draft(&state.store, w.key, draft).await {
        Ok(true) => see_other("/register/confirm"),
        Ok(false) => see_other("/"),
        Err(e) => internal(e).into_response_page(ctx),
    }
}

const TAKEN: &str = "このユーザIDはすでに使われています。別のユーザIDを入力してください。";

#[derive(Deserialize)]
pub struct UserIdQuery {
    #[serde(default)]
    user_id: String,
}

/// The live check under the user ID field (htmx, debounced).
#[handler]
pub async fn user_id_check(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<UserIdQuery>,
) -> poem::Result<Response> {
    if verified(ctx).is_err() {
        return Err(poem::Error::from_status(StatusCode::FORBIDDEN));
    }
    let markup = match UserId::parse(&q.user_id) {
        Err(e) => view::user_id_status(e.message(), false),
        Ok(id) => {
            let taken = state
                .store
                .read(move |r| uc::user_id_taken(r, &id))
                .await
                .map_err(internal)?;
            if taken {
                view::user_id_status(TAKEN, false)
            } else {
                view::user_id_status("このユーザIDは使用できます。", true)
            }
        }
    };
    Ok(Response::builder()
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string()))
}

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
                    let mut resp = page(ctx, "登録完了", view::done());
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

/// Turns an unexpected failure into the generic error page of this request.
trait IntoResponsePage {
    fn into_response_page(self, ctx: &Ctx) -> Response;
}

impl IntoResponsePage for poem::Error {
    fn into_response_page(self, ctx: &Ctx) -> Response {
        super::views::error::page(StatusCode::INTERNAL_SERVER_ERROR, &ctx.request_id)
    }
}
