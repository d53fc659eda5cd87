//! お知らせ (staff): write, schedule, edit, withdraw.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::model::StaffUser;
use crate::notices::{self as uc, Notice, NoticeDraft};
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, see_other, staff_page, staff_page_with_status};
use crate::web::staff::maintenance::parse_local;
use crate::web::views::staff::notices::{self as view, NoticeForm, local};
use crate::web::{AppState, Ctx};

async fn list_page(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    flash: Option<&str>,
) -> poem::Result<Response> {
    let notices = state.store.read(uc::all).await.map_err(internal)?;
    Ok(staff_page(
        ctx,
        user,
        "お知らせ",
        view::list(ctx, &notices, flash),
    ))
}

#[handler]
pub async fn list(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    list_page(ctx, state, &user, None).await
}

#[handler]
pub fn new(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let f = NoticeForm {
        title: String::new(),
        body: String::new(),
        publish_from: local(ctx.now),
        publish_until: String::new(),
        errors: Vec::new(),
        preview: false,
    };
    Ok(staff_page(
        ctx,
        &user,
        "新しいお知らせ",
        view::form(ctx, None, &f),
    ))
}

#[handler]
pub async fn edit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let key = id.clone();
    let notice = state
        .store
        .read(move |r| r.get::<Notice>(&key))
        .await
        .map_err(internal)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    Ok(staff_page(
        ctx,
        &user,
        "お知らせの編集",
        view::form(ctx, Some(&id), &NoticeForm::from_notice(&notice)),
    ))
}

#[derive(Deserialize)]
pub struct NoticeFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    publish_from: String,
    #[serde(default)]
    publish_until: String,
    #[serde(default)]
    action: String,
}

async fn save(
    ctx: &Ctx,
    state: &AppState,
    id: Option<String>,
    f: NoticeFields,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let from = parse_local(&f.publish_from);
    let until = parse_local(&f.publish_until);
    let mut draft = NoticeDraft {
        title: f.title.clone(),
        body: f.body.clone(),
        publish_from: from.unwrap_or(ctx.now),
        publish_until: until,
    };
    let mut errors = draft.check();
    if from.is_none() {
        errors.push(("publish_from", "公開開始日時を入力してください。"));
    }
    if until.is_none() && !f.publish_until.trim().is_empty() {
        errors.push(("publish_until", "掲載終了日時の形式が正しくありません。"));
    }
    if !errors.is_empty() || f.action == "preview" {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let form = NoticeForm {
            title: f.title,
            body: f.body,
            publish_from: f.publish_from,
            publish_until: f.publish_until,
            errors,
            preview: true,
        };
        return Ok(staff_page_with_status(
            ctx,
            &user,
            status,
            "お知らせ",
            view::form(ctx, id.as_deref(), &form),
        ));
    }
    draft.title = draft.title.trim().to_string();
    let (actor, now) = (user.actor(), ctx.now);
    let saved = state
        .store
        .write(move |w| uc::save(w, id.as_deref(), draft, &actor, now))
        .await
        .map_err(internal)?;
    match saved {
        Some(_) => Ok(see_other("/staff/notices")),
        None => Err(poem::Error::from_status(StatusCode::NOT_FOUND)),
    }
}

#[handler]
pub async fn create(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<NoticeFields>,
) -> poem::Result<Response> {
    save(ctx, state, None, f).await
}

#[handler]
pub async fn update(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
    Form(f): Form<NoticeFields>,
) -> poem::Result<Response> {
    save(ctx, state, Some(id), f).await
}

async fn set_withdrawn(
    ctx: &Ctx,
    state: &AppState,
    id: String,
    withdrawn: bool,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (actor, now) = (user.actor(), ctx.now);
    let found = state
        .store
        .write(move |w| uc::set_withdrawn(w, &id, withdrawn, &actor, now))
        .await
        .map_err(internal)?;
    if !found {
        return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
    }
    let flash = if withdrawn {
        "取り下げました。"
    } else {
        "再公開しました。"
    };
    list_page(ctx, state, &user, Some(flash)).await
}

#[handler]
pub async fn withdraw(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    set_withdrawn(ctx, state, id, true).await
}

#[handler]
pub async fn restore(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    set_withdrawn(ctx, state, id, false).await
}
