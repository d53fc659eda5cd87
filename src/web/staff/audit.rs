//! 監査ログ (管理者 only): filter and CSV export (the export itself is audited).

use std::sync::Arc;

use poem::http::header;
use poem::web::{Data, Query};
use poem::{Response, handler};

use super::guard::{guard, staff_admin, staff_page};
use crate::audit::AuditEntry;
use crate::console::audit_log::{self as uc, AuditFilter, PAGE_LIMIT};
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
    let (rows, more) = state
        .store
        .read(move |r| uc::find(r, &filter, PAGE_LIMIT))
        .await
        .map_err(internal)?;
    Ok(staff_page(
        ctx,
        &user,
        "監査ログ",
        view::page(&f, &rows, more),
    ))
}

#[handler]
pub async fn export(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(f): Query<AuditFilter>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, client) = (user.actor(), ctx.now, ctx.client.clone());
    // Read in a snapshot (the log can be long), then record the export in a short write.
    let filter = f.clone();
    let (rows, _) = state
        .store
        .read(move |r| uc::find(r, &filter, usize::MAX))
        .await
        .map_err(internal)?;
    let detail = format!("rows={} {}", rows.len(), f.query());
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
    let csv = uc::csv(&rows).map_err(internal)?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"audit.csv\"",
        )
        .body(csv))
}
