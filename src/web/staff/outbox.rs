//! 送信メール: the outbox for staff, with retry of failed mail.

use std::sync::Arc;

use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::model::StaffUser;
use crate::console::outbox as uc;
use crate::mail::outbox::MailState;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page};
use crate::web::views::staff::outbox as view;
use crate::web::{AppState, Ctx};

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    state: String,
}

fn parse(state: &str) -> Option<MailState> {
    match state {
        "pending" => Some(MailState::Pending),
        "sent" => Some(MailState::Sent),
        "failed" => Some(MailState::Failed),
        _ => None,
    }
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    filter: &str,
    flash: Option<&str>,
) -> poem::Result<Response> {
    let only = parse(filter);
    let (rows, counts) = state
        .store
        .read_long(move |r| uc::list(r, only))
        .await
        .map_err(internal)?;
    let filter = if only.is_some() { filter } else { "" };
    Ok(staff_page(
        ctx,
        user,
        "送信メール",
        view::page(ctx, &rows, &counts, filter, flash),
    ))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(f): Query<Filter>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    render(ctx, state, &user, &f.state, None).await
}

async fn retry(ctx: &Ctx, state: &AppState, id: Option<String>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (actor, now) = (user.actor(), ctx.now);
    let n = state
        .store
        .write(move |w| uc::retry(w, id.as_deref(), &actor, now))
        .await
        .map_err(internal)?;
    state.mail_wake.notify_one();
    let flash = format!("{n} 通を送信待ちに戻しました。");
    render(ctx, state, &user, "", Some(&flash)).await
}

#[handler]
pub async fn retry_one(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    retry(ctx, state, Some(id)).await
}

#[handler]
pub async fn retry_all(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    retry(ctx, state, None).await
}
