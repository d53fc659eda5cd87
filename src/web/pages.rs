//! Simple pages: the terms, and screens whose issue has not landed yet.

use maud::html;
use poem::web::Data;
use poem::{Response, handler};

use std::sync::Arc;

use super::respond::page;
use super::views::registration::terms_markup;
use super::{AppState, Ctx};

pub const TERMS: &str = crate::terms::EMBEDDED_TERMS;

/// The current terms of use (as published by staff, else the embedded text).
pub async fn current_terms(state: &AppState) -> String {
    match state.store.read(crate::terms::current).await {
        Ok((_, text)) => text,
        Err(e) => {
            tracing::error!("cannot read the terms: {e:#}");
            TERMS.to_string()
        }
    }
}

#[handler]
pub async fn terms(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    let text = current_terms(state).await;
    page(
        ctx,
        "注意事項・免責事項・セキュリティポリシー等",
        html! {
            h1 { "注意事項・免責事項・セキュリティポリシー等" }
            div.terms__page { (terms_markup(&text)) }
            p { a href="/" { "ログイン画面へ戻る" } }
        },
    )
}
