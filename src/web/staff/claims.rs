//! 医療費ファイルの取込 (claims) in the browser: the body streams to a file beside the data
//! file, the CLI's importer runs on the blocking pool, and the status page follows it.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};

use super::guard::{guard, staff_page_with_status, staff_user};
use super::multipart::{SpoolError, spool_field};
use crate::console::claim_imports::{ImportStatus, Phase};
use crate::import::ImportError;
use crate::jobs::Spool;
use crate::web::login::internal;
use crate::web::views::staff::{claims as view, import as import_view};
use crate::web::{AppState, CLAIMS_UPLOAD_LIMIT, Ctx, views};

#[handler]
pub async fn upload(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    req: &Request,
    body: Body,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let content_type = req
        .header(header::CONTENT_TYPE)
        .unwrap_or_default()
        .to_string();
    let spool = Spool::beside(state.store.path());
    let mut file = crate::store::files::create_private_async(&spool.path)
        .await
        .map_err(|e| internal(e.into()))?;
    let spooled = spool_field(
        body.into_async_read(),
        &content_type,
        "file",
        CLAIMS_UPLOAD_LIMIT,
        &mut file,
    )
    .await;
    drop(file);
    let file_name = match spooled {
        Ok(Some((name, size))) if size > 0 => name.chars().take(100).collect::<String>(),
        Ok(_) | Err(SpoolError::Malformed) => {
            let error = ImportError::Io("ファイルが選ばれていないか、空です。".into());
            return Ok(staff_page_with_status(
                ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "取り込めませんでした",
                import_view::errors("", &error),
            ));
        }
        Err(SpoolError::TooLarge) => {
            return Ok(views::error::page(
                StatusCode::PAYLOAD_TOO_LARGE,
                &ctx.request_id,
            ));
        }
        Err(SpoolError::Io(e)) => return Err(internal(e.into())),
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
