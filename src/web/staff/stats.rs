//! 統計.

use std::sync::Arc;

use poem::web::Data;
use poem::{Response, handler};

use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page};
use crate::web::views::staff::stats as view;
use crate::web::{AppState, Ctx};

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let now = ctx.now;
    let stats = state
        .store
        .read_long(move |r| crate::console::stats::compute(r, now))
        .await
        .map_err(internal)?;
    Ok(staff_page(ctx, &user, "統計", view::page(&stats)))
}
