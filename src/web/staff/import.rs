//! データ取込 (members): the CLI's importer behind a browser upload. All or nothing.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Request, Response, handler};

use super::guard::{guard, staff_page, staff_page_with_status, staff_user};
use super::multipart;
use crate::import::{ImportError, read_members_bytes};
use crate::jobs::import_members;
use crate::web::login::internal;
use crate::web::views::staff::import as view;
use crate::web::{AppState, Ctx};

#[handler]
pub fn form(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    Ok(staff_page(ctx, &user, "データ取込", view::form(ctx)))
}

#[handler]
pub async fn members(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    req: &Request,
    body: Vec<u8>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let content_type = req.header(header::CONTENT_TYPE).unwrap_or_default();
    let Some((file_name, bytes)) =
        multipart::field(content_type, &body, "file").filter(|(_, b)| !b.is_empty())
    else {
        let error = ImportError::Io("ファイルが選ばれていないか、空です。".into());
        return Ok(staff_page_with_status(
            ctx,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            "取り込めませんでした",
            view::errors("", &error),
        ));
    };
    let file_name: String = file_name.chars().take(100).collect();
    drop(body);
    let (store, now, actor) = (state.store.clone(), ctx.now, user.actor());
    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || match read_members_bytes(&bytes) {
        Ok(people) => import_members(&store, people, now, &actor, &mut |_, _| {}).map(Ok),
        Err(e) => Ok(Err(e)),
    })
    .await
    .map_err(|e| internal(e.into()))?
    .map_err(internal)?;
    let millis = started.elapsed().as_millis();
    tracing::info!(ms = millis as u64, "members file imported from the browser");
    Ok(match result {
        Ok(summary) => staff_page(
            ctx,
            &user,
            "取り込みました",
            view::done(&file_name, &summary, millis),
        ),
        Err(error) => staff_page_with_status(
            ctx,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            "取り込めませんでした",
            view::errors(&file_name, &error),
        ),
    })
}
