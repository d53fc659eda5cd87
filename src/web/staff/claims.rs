//! 医療費ファイル・支給決定ファイルの取込 (claims, benefits) in the browser: the body streams
//! to a file beside the data file, the CLI's importer runs on the blocking pool, and the
//! status page follows it. Both files share the gate, the limit and the status machinery.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};

use super::upload::receive;
use crate::console::claim_imports::{ImportKind, ImportStatus, Phase};
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::staff_page_with_status;
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
    start(ctx, state, req, body, ImportKind::Claims).await
}

/// The benefits file, like [`upload`].
#[handler]
pub async fn benefits_upload(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    req: &Request,
    body: Body,
) -> poem::Result<Response> {
    start(ctx, state, req, body, ImportKind::Benefits).await
}

async fn start(
    ctx: &Ctx,
    state: &Arc<AppState>,
    req: &Request,
    body: Body,
    kind: ImportKind,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let received = receive(
        ctx,
        &user,
        state,
        req,
        body,
        CLAIMS_UPLOAD_LIMIT,
        kind.segment(),
    )
    .await?;
    let (spool, file_name) = match received {
        Ok(got) => got,
        Err(answer) => return Ok(answer),
    };
    let id = state.claim_imports.start(
        kind,
        state.store.clone(),
        spool,
        file_name,
        user.actor(),
        ctx.now,
    );
    Ok(crate::web::respond::see_other(&view::status_path(
        kind, &id,
    )))
}

/// The status of an import of this kind; 404 for an unknown id or one of the other kind.
fn find(state: &AppState, kind: ImportKind, id: &str) -> poem::Result<ImportStatus> {
    state
        .claim_imports
        .status(id)
        .filter(|status| status.kind == kind)
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
    show(ctx, state, ImportKind::Claims, &id)
}

#[handler]
pub fn benefits_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    show(ctx, state, ImportKind::Benefits, &id)
}

fn show(ctx: &Ctx, state: &AppState, kind: ImportKind, id: &str) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let status = find(state, kind, id)?;
    let title = match (&status.phase, kind) {
        (Phase::Running { .. }, ImportKind::Claims) => "医療費ファイルの取込中",
        (Phase::Running { .. }, ImportKind::Benefits) => "支給決定ファイルの取込中",
        (Phase::Done { .. }, _) => "取り込みました",
        _ => "取り込めませんでした",
    };
    Ok(staff_page_with_status(
        ctx,
        &user,
        status_code(&status),
        title,
        view::page(id, &status),
    ))
}

/// The polled fragment (htmx only; anything else gets the page).
#[handler]
pub fn poll(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    fragment(ctx, state, ImportKind::Claims, &id)
}

#[handler]
pub fn benefits_poll(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    fragment(ctx, state, ImportKind::Benefits, &id)
}

fn fragment(ctx: &Ctx, state: &AppState, kind: ImportKind, id: &str) -> poem::Result<Response> {
    let _user = guard!(staff_user(ctx));
    if !ctx.htmx {
        return Ok(crate::web::respond::see_other(&view::status_path(kind, id)));
    }
    let status = find(state, kind, id)?;
    Ok(Response::builder()
        .status(status_code(&status))
        .content_type("text/html; charset=utf-8")
        .body(view::section(id, &status).into_string()))
}
