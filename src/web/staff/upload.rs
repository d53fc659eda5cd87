//! The door of the two upload routes (members, claims). The security stack checks only
//! the CSRF token and the announced length of an upload; here the staff session (and its
//! role) is checked before a byte of the body is read, and at most [`MAX_IN_FLIGHT`]
//! uploads run at once. Then [`receive`] streams the file field to a private spool file
//! beside the data file, within the route's limit.

use std::sync::Arc;

use maud::html;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse as _, Middleware, Request, Response};
use tokio::sync::Semaphore;

use super::multipart::{SpoolError, spool_field};
use crate::auth::model::StaffUser;
use crate::import::ImportError;
use crate::jobs::Spool;
use crate::web::guard::staff::staff_user;
use crate::web::respond::{internal, staff_page_with_status};
use crate::web::views::staff::import as import_view;
use crate::web::{AppState, Ctx, views};

/// Uploads in flight at once (members and claims together): each holds its file's
/// bytes on the way to disk, a members file also in memory while it imports.
pub const MAX_IN_FLIGHT: usize = 2;

/// Which staff may upload: every staff role (imports are the 担当者's daily work). The
/// check runs before the body is read; the handler's own guard runs again after.
fn may_upload(ctx: &Ctx) -> Result<StaffUser, Response> {
    staff_user(ctx)
}

/// Wraps an upload route: session and role first, then a place among [`MAX_IN_FLIGHT`].
#[derive(Clone)]
pub struct UploadGate {
    places: Arc<Semaphore>,
}

impl UploadGate {
    /// One gate is shared by every upload route of one server.
    pub fn new() -> Self {
        Self {
            places: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
        }
    }
}

impl Default for UploadGate {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Endpoint> Middleware<E> for UploadGate {
    type Output = GatedUpload<E>;

    fn transform(&self, inner: E) -> GatedUpload<E> {
        GatedUpload {
            inner,
            places: self.places.clone(),
        }
    }
}

pub struct GatedUpload<E> {
    inner: E,
    places: Arc<Semaphore>,
}

impl<E: Endpoint> Endpoint for GatedUpload<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let Some(ctx) = req.extensions().get::<Ctx>() else {
            return Err(poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR));
        };
        let user = match may_upload(ctx) {
            Ok(user) => user,
            Err(refusal) => {
                tracing::warn!("refused an upload before reading its body: no staff session");
                return Ok(refusal);
            }
        };
        // Held until the handler has answered (a members file imports within it).
        let Ok(_place) = self.places.clone().try_acquire_owned() else {
            tracing::info!("refused an upload: two are in flight");
            return Ok(busy(ctx, &user));
        };
        Ok(self.inner.call(req).await?.into_response())
    }
}

fn busy(ctx: &Ctx, user: &StaffUser) -> Response {
    let mut resp = staff_page_with_status(
        ctx,
        user,
        StatusCode::TOO_MANY_REQUESTS,
        "ただいま取り込み中です",
        html! {
            h1 { "ただいま取り込み中です" }
            p role="alert" {
                "同時に取り込めるのは2件までです。ほかのファイルの取り込みが終わってから、もう一度お試しください。"
            }
            p { a href="/staff/import" { "データ取込へ戻る" } }
        },
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    resp
}

/// Streams the `file` field of an upload into a spool file beside the data file, reading
/// at most `limit` bytes of body. The spool and the file's name (up to 100 characters),
/// or the answer to give: the form's 422 page for no or an empty file, 413 over the limit.
pub async fn receive(
    ctx: &Ctx,
    user: &StaffUser,
    state: &AppState,
    req: &Request,
    body: Body,
    limit: u64,
    kind: &str,
) -> poem::Result<Result<(Spool, String), Response>> {
    let content_type = req
        .header(header::CONTENT_TYPE)
        .unwrap_or_default()
        .to_string();
    let spool = Spool::beside_named(state.store.path(), kind);
    // Only the server's user can read it: it holds members' personal data.
    let mut file = crate::store::files::create_private_async(&spool.path)
        .await
        .map_err(|e| internal(e.into()))?;
    let spooled = spool_field(
        body.into_async_read(),
        &content_type,
        "file",
        limit,
        &mut file,
    )
    .await;
    drop(file);
    Ok(match spooled {
        Ok(Some((name, size))) if size > 0 => Ok((spool, name.chars().take(100).collect())),
        Ok(_) | Err(SpoolError::Malformed) => {
            let error = ImportError::Io("ファイルが選ばれていないか、空です。".into());
            Err(staff_page_with_status(
                ctx,
                user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "取り込めませんでした",
                import_view::errors("", &error),
            ))
        }
        Err(SpoolError::TooLarge) => Err(views::error::page(
            StatusCode::PAYLOAD_TOO_LARGE,
            &ctx.request_id,
        )),
        Err(SpoolError::Io(e)) => return Err(internal(e.into())),
    })
}
