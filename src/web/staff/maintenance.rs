//! 管理画面: the maintenance rule and one-off windows.

use std::sync::Arc;

use chrono::{NaiveDateTime, TimeZone as _, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Response, handler};
use serde::Deserialize;

use crate::clock::JST;
use crate::domain::maintenance::{MaintenanceRule, Window};
use crate::maintenance::{self as uc, OneOffWindow};
use crate::web::guard::guard;
use crate::web::respond::{internal, see_other};
use crate::web::views::staff::maintenance::{self as view, RuleForm, WindowForm};
use crate::web::{AppState, Ctx};

/// The 管理者's audit actor, or the staff login page (a 担当者 gets 403).
pub fn staff_actor(ctx: &Ctx) -> Result<String, Response> {
    crate::web::guard::staff::staff_admin(ctx).map(|u| u.actor())
}

async fn windows(state: &AppState, ctx: &Ctx) -> poem::Result<Vec<(String, OneOffWindow)>> {
    let now = ctx.now;
    state
        .store
        .read(move |r| uc::upcoming_one_offs(r, now))
        .await
        .map_err(internal)
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    rule: RuleForm,
    add: WindowForm,
    status: StatusCode,
) -> poem::Result<Response> {
    let user = match crate::web::guard::staff::staff_admin(ctx) {
        Ok(user) => user,
        Err(refused) => return Ok(refused),
    };
    let list = windows(state, ctx).await?;
    Ok(crate::web::respond::staff_page_with_status(
        ctx,
        &user,
        status,
        "メンテナンス設定",
        view::page(ctx, &rule, &add, &list),
    ))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    guard!(staff_actor(ctx));
    render(
        state,
        ctx,
        RuleForm::from(&ctx.settings.maintenance),
        WindowForm::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct RuleFields {
    enabled: Option<String>,
    #[serde(default)]
    day: String,
    #[serde(default)]
    start_hour: String,
    #[serde(default)]
    end_hour: String,
}

#[handler]
pub async fn save_rule(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<RuleFields>,
) -> poem::Result<Response> {
    let actor = guard!(staff_actor(ctx));
    match MaintenanceRule::parse(f.enabled.is_some(), &f.day, &f.start_hour, &f.end_hour) {
        Ok(rule) => {
            let now = ctx.now;
            state
                .store
                .write(move |w| uc::save_rule(w, rule, &actor, now))
                .await
                .map_err(internal)?;
            Ok(see_other("/staff/maintenance"))
        }
        Err(e) => {
            let form = RuleForm {
                enabled: f.enabled.is_some(),
                day: f.day,
                start_hour: f.start_hour,
                end_hour: f.end_hour,
                error: Some(e.to_string()),
            };
            render(
                state,
                ctx,
                form,
                WindowForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct WindowFields {
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    note: String,
}

pub(crate) fn parse_local(text: &str) -> Option<chrono::DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(
        JST.from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

#[handler]
pub async fn add_window(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<WindowFields>,
) -> poem::Result<Response> {
    let actor = guard!(staff_actor(ctx));
    let window = match (parse_local(&f.start), parse_local(&f.end)) {
        (Some(start), Some(end)) if end > start && end > ctx.now => Ok(Window { start, end }),
        (Some(_), Some(_)) => Err("終了日時は開始日時より後の、これからの日時にしてください。"),
        _ => Err("開始日時と終了日時を入力してください。"),
    };
    match window {
        Ok(window) => {
            let (now, note) = (ctx.now, f.note.trim().chars().take(200).collect::<String>());
            state
                .store
                .write(move |w| uc::add_one_off(w, window, note, &actor, now))
                .await
                .map_err(internal)?;
            Ok(see_other("/staff/maintenance"))
        }
        Err(message) => {
            let add = WindowForm {
                start: f.start,
                end: f.end,
                note: f.note,
                error: Some(message.to_string()),
            };
            render(
                state,
                ctx,
                RuleForm::from(&ctx.settings.maintenance),
                add,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[handler]
pub async fn cancel_window(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let actor = guard!(staff_actor(ctx));
    let now = ctx.now;
    let found = state
        .store
        .write(move |w| uc::cancel_one_off(w, &id, &actor, now))
        .await
        .map_err(internal)?;
    if !found {
        return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
    }
    Ok(see_other("/staff/maintenance"))
}
