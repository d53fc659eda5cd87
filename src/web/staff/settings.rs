//! 組合の設定 (管理者 only) and the versioned terms of use.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::model::StaffUser;
use crate::console::settings::{self as uc, SettingsInput};
use crate::terms::{self, MAX_TERMS_CHARS, TermsVersion};
use crate::web::guard::{guard, staff::staff_admin};
use crate::web::respond::{internal, staff_page_with_status};
use crate::web::views::staff::settings::{self as view, TermsView};
use crate::web::{AppState, Ctx};

struct Render<'a> {
    form: SettingsInput,
    errors: Vec<(&'static str, String)>,
    terms_text: Option<String>,
    terms_error: Option<&'a str>,
    flash: Option<&'a str>,
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    r: Render<'_>,
) -> poem::Result<Response> {
    let ((version, text), history) = state
        .store
        .read(|r| Ok::<_, anyhow::Error>((terms::current(r)?, terms::history(r)?)))
        .await
        .map_err(internal)?;
    let history: Vec<TermsVersion> = history;
    let text = r.terms_text.unwrap_or(text);
    let t = TermsView {
        version,
        text: &text,
        history: &history,
        error: r.terms_error,
    };
    let status = if r.errors.is_empty() && r.terms_error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(staff_page_with_status(
        ctx,
        user,
        status,
        "組合の設定",
        view::page(ctx, &r.form, &r.errors, &t, r.flash),
    ))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let form = SettingsInput::from_settings(&ctx.settings);
    render(
        ctx,
        state,
        &user,
        Render {
            form,
            errors: vec![],
            terms_text: None,
            terms_error: None,
            flash: None,
        },
    )
    .await
}

#[handler]
pub async fn save(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<SettingsInput>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, input) = (user.actor(), ctx.now, f.clone());
    // Built from the settings as stored at the write, not from this request's snapshot.
    let result = state
        .store
        .write(move |w| uc::save(w, &input, &actor, now))
        .await
        .map_err(internal)?;
    match result {
        Ok(saved) => {
            let mut ctx = ctx.clone();
            ctx.settings = saved;
            let form = SettingsInput::from_settings(&ctx.settings);
            render(
                &ctx,
                state,
                &user,
                Render {
                    form,
                    errors: vec![],
                    terms_text: None,
                    terms_error: None,
                    flash: Some("設定を保存しました。"),
                },
            )
            .await
        }
        Err(errors) => {
            render(
                ctx,
                state,
                &user,
                Render {
                    form: f,
                    errors,
                    terms_text: None,
                    terms_error: None,
                    flash: None,
                },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct TermsFields {
    #[serde(default)]
    text: String,
}

#[handler]
pub async fn publish_terms(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<TermsFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let form = SettingsInput::from_settings(&ctx.settings);
    let chars = f.text.trim().chars().count();
    if chars == 0 || chars > MAX_TERMS_CHARS {
        let error = Some("本文を6,000文字以内で入力してください。");
        return render(
            ctx,
            state,
            &user,
            Render {
                form,
                errors: vec![],
                terms_text: Some(f.text),
                terms_error: error,
                flash: None,
            },
        )
        .await;
    }
    let (actor, now, text) = (user.actor(), ctx.now, f.text.trim().to_string());
    let version = state
        .store
        .write(move |w| terms::publish(w, &text, &actor, now))
        .await
        .map_err(internal)?;
    let flash = format!("利用規約の第{version}版を公開しました。");
    render(
        ctx,
        state,
        &user,
        Render {
            form,
            errors: vec![],
            terms_text: None,
            terms_error: None,
            flash: Some(&flash),
        },
    )
    .await
}
