//! 監査ログ (管理者 only): pages of the filtered log, and the CSV export (itself audited),
//! streamed a chunk at a time so that no request holds the whole log.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use poem::http::header;
use poem::web::{Data, Query};
use poem::{Body, Response, handler};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

use super::guard::{guard, staff_admin, staff_page};
use crate::audit::AuditEntry;
use crate::audit::query::Cursor;
use crate::console::audit_log::{self as uc, AuditFilter};
use crate::store::Store;
use crate::web::login::internal;
use crate::web::views::staff::audit as view;
use crate::web::{AppState, Ctx};

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(f): Query<AuditFilter>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let filter = f.clone();
    let page = state
        .store
        .read(move |r| uc::page(r, &filter))
        .await
        .map_err(internal)?;
    Ok(staff_page(ctx, &user, "監査ログ", view::page(&f, &page)))
}

#[handler]
pub async fn export(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(f): Query<AuditFilter>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, client) = (user.actor(), ctx.now, ctx.client.clone());
    // Recorded before any row leaves, so an export that breaks off is on the record too.
    let detail = f.query();
    state
        .store
        .write(move |w| {
            AuditEntry::new(now, actor, "audit.exported")
                .client(client)
                .detail(detail)
                .record(w)
        })
        .await
        .map_err(internal)?;
    let head = uc::csv_head().map_err(internal)?;
    let (tx, rx) = mpsc::channel(2);
    tokio::spawn(produce(state.store.clone(), f, head, tx));
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"audit.csv\"",
        )
        .body(Body::from_async_read(Chunks {
            rx,
            buf: Vec::new(),
            pos: 0,
        })))
}

/// Reads the export a chunk at a time, each in a short read transaction, and hands the CSV
/// on; stops when the client has gone.
async fn produce(
    store: Store,
    f: AuditFilter,
    head: Vec<u8>,
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
) {
    if tx.send(Ok(head)).await.is_err() {
        return;
    }
    let q = f.to_query();
    let mut cursor = Cursor::Newest;
    loop {
        let (q, at) = (q.clone(), cursor.clone());
        let chunk = store
            .read(move |r| {
                let (rows, next) = uc::export_chunk(r, &q, &at)?;
                Ok::<_, anyhow::Error>((uc::csv_rows(&rows)?, next))
            })
            .await;
        let next = match chunk {
            Ok((bytes, next)) => {
                if tx.send(Ok(bytes)).await.is_err() {
                    return;
                }
                next
            }
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "the audit export stopped");
                // The download fails rather than ending early like a whole file.
                let _ = tx.send(Err(io::Error::other("audit export failed"))).await;
                return;
            }
        };
        match next {
            Some(next) => cursor = next,
            None => return,
        }
    }
}

/// A response body fed by [`produce`]; an error breaks the download off.
struct Chunks {
    rx: mpsc::Receiver<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    pos: usize,
}

impl AsyncRead for Chunks {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        while this.pos >= this.buf.len() {
            match ready!(this.rx.poll_recv(cx)) {
                Some(Ok(bytes)) => (this.buf, this.pos) = (bytes, 0),
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => return Poll::Ready(Ok(())),
            }
        }
        let rest = this.buf.get(this.pos..).unwrap_or_default();
        let n = out.remaining().min(rest.len());
        out.put_slice(rest.get(..n).unwrap_or_default());
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}
