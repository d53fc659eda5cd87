//! 加入者・医療費・支給決定データの書き出し (SPEC §6.5): the import layouts. Every member's data in
//! one file: a 管理者 right, and every export is audited with its row count.

use std::sync::Arc;

use poem::http::header;
use poem::web::Data;
use poem::{Response, handler};

use crate::audit::{Action, AuditEntry};
use crate::console::export::{self, Export};
use crate::store::Reader;
use crate::web::guard::{guard, staff::staff_admin};
use crate::web::respond::internal;
use crate::web::{AppState, Ctx};

async fn download(
    ctx: &Ctx,
    state: &AppState,
    what: &'static str,
    action: Action,
    build: fn(&Reader) -> anyhow::Result<Export>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, client) = (user.actor(), ctx.now, ctx.client.clone());
    let Export { bytes, rows } = state.store.read_long(build).await.map_err(internal)?;
    state
        .store
        .write(move |w| {
            AuditEntry::new(now, actor, action)
                .client(client)
                .detail(format!("rows={rows}"))
                .record(w)
        })
        .await
        .map_err(internal)?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{what}.csv\""),
        )
        .body(bytes))
}

#[handler]
pub async fn members(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    download(
        ctx,
        state,
        "members",
        Action::MembersExported,
        export::members_csv,
    )
    .await
}

#[handler]
pub async fn claims(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    download(
        ctx,
        state,
        "claims",
        Action::ClaimsExported,
        export::claims_csv,
    )
    .await
}

#[handler]
pub async fn benefits(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    download(
        ctx,
        state,
        "benefits",
        Action::BenefitsExported,
        export::benefits_csv,
    )
    .await
}
