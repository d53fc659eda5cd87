//! 世帯検索 and the household page with its actions.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use crate::audit::{Action, AuditEntry};
use crate::auth::model::StaffUser;
use crate::console::households as uc;
use crate::domain::member::HouseholdKey;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page};
use crate::web::views::staff::households as view;
use crate::web::views::staff::nav::{Confirm, confirm, household_path};
use crate::web::{AppState, Ctx};

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[handler]
pub async fn search(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<SearchQuery>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let q = query.q.chars().take(100).collect::<String>();
    let lookup = q.clone();
    let read = state.store.read(move |r| uc::search(r, &lookup));
    // The hits are members' names and registration states: a search is a data view by
    // staff, recorded (durably, with the views of other pages) before it is shown.
    let (hits, more) = if q.trim().is_empty() {
        read.await
    } else {
        let entry = AuditEntry::new(ctx.now, user.actor(), Action::StaffHouseholdsSearched)
            .client(ctx.client.clone())
            .detail(format!("q={}", q.trim()));
        let (recorded, hits) = tokio::join!(state.audit.record(entry), read);
        recorded.map_err(internal)?;
        hits
    }
    .map_err(internal)?;
    Ok(staff_page(
        ctx,
        &user,
        "世帯検索",
        view::search(&q, &hits, more, ctx.now),
    ))
}

pub fn parse_key(text: &str) -> poem::Result<HouseholdKey> {
    HouseholdKey::parse_display(text).map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))
}

pub async fn show_page(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    h: HouseholdKey,
    revealed: Option<&str>,
    flash: Option<&str>,
) -> poem::Result<Response> {
    let target = h.clone();
    let view = state
        .store
        .read(move |r| uc::load(r, &h))
        .await
        .map_err(internal)?
        .ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    // SPEC §5b: a view of member data by staff is audited, before the data is shown.
    let (actor, client, now) = (user.actor(), ctx.client.clone(), ctx.now);
    state
        .store
        .write(move |w| uc::record_view(w, &target, &actor, client, now))
        .await
        .map_err(internal)?;
    let title = format!("世帯 {}", view.household);
    Ok(staff_page(
        ctx,
        user,
        &title,
        view::page(ctx, &view, revealed, flash),
    ))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    show_page(ctx, state, &user, parse_key(&key)?, None, None).await
}

#[handler]
pub async fn reveal(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = parse_key(&key)?;
    let (actor, now, client, target) = (user.actor(), ctx.now, ctx.client.clone(), h.clone());
    let email = state
        .store
        .write(move |w| uc::reveal_email(w, &target, &actor, client, now))
        .await
        .map_err(internal)?;
    show_page(ctx, state, &user, h, email.as_deref(), None).await
}

#[handler]
pub async fn unlock(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = parse_key(&key)?;
    let (actor, now, target) = (user.actor(), ctx.now, h.clone());
    let done = state
        .store
        .write(move |w| crate::auth::unlock::unlock_household(w, &target, &actor, now))
        .await
        .map_err(internal)?;
    let flash = format!(
        "ロックを解除しました（ログイン中の画面 {} 件を終了）。{}",
        done.sessions_ended,
        if done.account || done.temporary_id {
            ""
        } else {
            "この世帯にはアカウントも仮IDもありません。"
        }
    );
    show_page(ctx, state, &user, h, None, Some(&flash)).await
}

#[handler]
pub async fn end_sessions_confirm(
    Data(ctx): Data<&Ctx>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = parse_key(&key)?;
    let base = household_path(&h);
    let c = Confirm {
        title: "ログイン中の画面の終了",
        message: "この世帯のログイン中の画面（登録途中を含む）をすべて終了します。元に戻せません。",
        details: vec![("世帯", h.to_string())],
        action: format!("{base}/end-sessions"),
        hidden: vec![],
        button: "終了する",
        cancel: base,
    };
    Ok(staff_page(
        ctx,
        &user,
        "ログイン中の画面の終了",
        confirm(ctx, &c),
    ))
}

#[handler]
pub async fn end_sessions(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(key): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = parse_key(&key)?;
    let (actor, now, target) = (user.actor(), ctx.now, h.clone());
    let ended = state
        .store
        .write(move |w| uc::end_sessions(w, &target, &actor, now))
        .await
        .map_err(internal)?;
    let flash = format!("ログイン中の画面 {ended} 件を終了しました。");
    show_page(ctx, state, &user, h, None, Some(&flash)).await
}

async fn set_hidden(
    ctx: &Ctx,
    state: &AppState,
    key: String,
    branch: String,
    hidden: bool,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let h = parse_key(&key)?;
    let (actor, now, target) = (user.actor(), ctx.now, h.clone());
    let found = state
        .store
        .write(move |w| uc::set_hidden(w, &target, &branch, hidden, &actor, now))
        .await
        .map_err(internal)?;
    if !found {
        return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
    }
    let flash = if hidden {
        "この方を世帯の画面に表示しないようにしました。"
    } else {
        "この方を世帯の画面に表示するように戻しました。"
    };
    show_page(ctx, state, &user, h, None, Some(flash)).await
}

#[handler]
pub async fn hide(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path((key, branch)): Path<(String, String)>,
) -> poem::Result<Response> {
    set_hidden(ctx, state, key, branch, true).await
}

#[handler]
pub async fn unhide(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path((key, branch)): Path<(String, String)>,
) -> poem::Result<Response> {
    set_hidden(ctx, state, key, branch, false).await
}
