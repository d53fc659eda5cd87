//! メニュー.

use std::sync::Arc;

use poem::web::Data;
use poem::{Response, handler};

use super::respond::page;
use super::views::menu::menu as menu_view;
use super::{AppState, Ctx};
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let household = guard!(member(ctx)).household;
    let (people, status) = crate::claims::view::overview(&state.store, household)
        .await
        .map_err(internal)?;
    Ok(page(ctx, "メニュー", menu_view(ctx, &people, status)))
}
