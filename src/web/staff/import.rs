//! データ取込 (members): the CLI's importer behind a browser upload. All or nothing.

use std::ops::ControlFlow;
use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};

use super::upload::receive;
use crate::import::read_members_bytes;
use crate::jobs::import_members;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page, staff_page_with_status};
use crate::web::views::staff::import as view;
use crate::web::{AppState, Ctx, UPLOAD_LIMIT};

#[handler]
pub fn form(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    Ok(staff_page(
        ctx,
        &user,
        "データ取込",
        view::form(ctx, user.is_admin()),
    ))
}

/// Reached through [`super::upload::UploadGate`]: the session was checked and a place
/// taken before the body is read; the file goes to disk, then into memory only to import.
#[handler]
pub async fn members(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    req: &Request,
    body: Body,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let limit = UPLOAD_LIMIT as u64;
    let (spool, file_name) = match receive(ctx, &user, state, req, body, limit, "members").await? {
        Ok(got) => got,
        Err(answer) => return Ok(answer),
    };
    let (store, now, actor) = (state.store.clone(), ctx.now, user.actor());
    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&spool.path).map_err(anyhow::Error::from)?;
        drop(spool);
        match read_members_bytes(&bytes) {
            Ok(people) => import_members(&store, people, now, &actor, &mut |_, _| {
                ControlFlow::Continue(())
            })
            .map(Ok),
            Err(e) => Ok(Err(e)),
        }
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
