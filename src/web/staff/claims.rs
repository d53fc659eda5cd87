//! 医療費ファイルの取込 (claims) in the browser: the body streams to a file beside the data
//! file, the CLI's importer runs on the blocking pool, and the status page follows it.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};

use super::guard::{guard, staff_page_with_status, staff_user};
use super::upload::receive;
use crate::console::claim_imports::{ImportStatus, Phase};
use crate::web::views::staff::claims as view;
use crate::web::{AppState, CLAIMS_UPLOAD_LIMIT, Ctx};

/// Reached through [`super::upload::UploadGate`]: the session was checked and a place
/// taken before the body is read here.
#[handler]
pub async fn upload(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    req: &Request,
    body: Body,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let received = receive(ctx, &user, state, req, body, CLAIMS_UPLOAD_LIMIT, "claims").await?;
    let (spool, file_name) = match received {
        Ok(got) => got,
        Err(answer) => return Ok(answer),
    };
    let id =
        state
            .claim_imports
            .start(state.store.clone(), spool, file_name, user.actor(), ctx.now);
    Ok(crate::web::respond::see_other(&view::status_path(&id)))
}

fn find(state: &AppState, id: &str) -> poem::Result<ImportStatus> {
    state
        .claim_imports
        .status(id)
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))
}

fn status_code(status: &ImportStatus) -> StatusCode {
    match status.phase {
        Phase::Refused(_) | Phase::Failed => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    }
}

/// The status page (also what a browser without JavaScript reloads).
#[handler]
pub fn page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let status = find(state, &id)?;
    let title = match status.phase {
        Phase::Running { .. } => "医療費ファイルの取込中",
        Phase::Done { .. } => "取り込みました",
        _ => "取り込めませんでした",
    };
    Ok(staff_page_with_status(
        ctx,
        &user,
        status_code(&status),
        title,
        view::page(&id, &status),
    ))
}

/// The polled fragment (htmx only; anything else gets the page).
#[handler]
pub fn poll(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let _user = guard!(staff_user(ctx));
    if !ctx.htmx {
        return Ok(crate::web::respond::see_other(&view::status_path(&id)));
    }
    let status = find(state, &id)?;
    Ok(Response::builder()
        .status(status_code(&status))
        .content_type("text/html; charset=utf-8")
        .body(view::section(&id, &status).into_string()))
}
