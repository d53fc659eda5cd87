//! お知らせ for members (SPEC §5.4): newest first, unread marked, read per household.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};

use super::respond::page;
use super::views::notices as view;
use super::{AppState, Ctx};
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

#[handler]
pub async fn list(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let household = guard!(member(ctx)).household;
    let now = ctx.now;
    let notices = state
        .store
        .read(move |r| crate::notices::for_household(r, &household, now))
        .await
        .map_err(internal)?;
    Ok(page(ctx, "お知らせ", view::list(ctx, &notices)))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let household = guard!(member(ctx)).household;
    let now = ctx.now;
    let notice = state
        .store
        .write(move |w| crate::notices::open_for_household(w, &household, &id, now))
        .await
        .map_err(internal)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    Ok(page(ctx, &notice.title, view::show(ctx, &notice)))
}
