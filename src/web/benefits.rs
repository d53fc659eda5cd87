//! 給付金のお知らせ (支給決定通知) at /menu/benefits?year=&person=, and each decision's
//! printable 支給決定通知書 at /menu/benefits/:number. Every view is audited
//! (`benefits.viewed`); a number the household may not see is the same 404 as an unknown
//! one, with nothing audited.

use std::sync::Arc;

use chrono::Datelike as _;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};

use super::expense_filter::{ExpenseQuery, check_household, not_found, person};
use super::respond::page;
use super::views::benefit_notice;
use super::views::benefits::{self as view, BenefitsView};
use super::views::menu::with_logout;
use super::{AppState, Ctx};
use crate::audit::Actor;
use crate::benefits::view::{list as read_list, notice as read_notice};
use crate::claims::view::Viewer;
use crate::domain::member::Person;
use crate::web::guard::member::MemberSession;
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

const BAD_YEAR: &str = "指定された年を読み取れなかったため、すべての年を表示しています。";

fn viewer(ctx: &Ctx, m: &MemberSession) -> Viewer {
    Viewer {
        actor: Actor::Member(m.user_key.to_string()).to_string(),
        household: m.household.clone(),
        client: ctx.client.clone(),
        now: ctx.now,
    }
}

/// The year asked for: `Ok(None)` for every year, `Err` when it could not be read.
fn chosen_year(query: &ExpenseQuery) -> Result<Option<i32>, &'static str> {
    match query.year.trim() {
        "" | "all" => Ok(None),
        text => text
            .parse::<i32>()
            .ok()
            .filter(|y| (1..=9999).contains(y))
            .map(Some)
            .ok_or(BAD_YEAR),
    }
}

#[handler]
pub async fn list(
    req: &Request,
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<ExpenseQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    check_household(&query, &m.household)?;
    let (year, problem) = match chosen_year(&query) {
        Ok(year) => (year, None),
        Err(problem) => (None, Some(problem)),
    };
    let asked = query.clone();
    let choose = move |people: &[Person]| {
        // An unknown or hidden person is a 404: nothing read, nothing audited.
        let chosen = person(&asked, people).ok()?;
        Some(format!(
            "benefits {} person={}",
            year.map_or("all".to_string(), |y| format!("{y}年")),
            chosen.map_or("all", |p| p.branch.as_str())
        ))
    };
    let data = read_list(&state.store, &state.audit, viewer(ctx, &m), choose)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let chosen = person(&query, &data.people)?.cloned();
    let mut years: Vec<i32> = data.decisions.iter().map(|d| d.decided_on.year()).collect();
    years.dedup();
    let shown: Vec<_> = data
        .decisions
        .iter()
        .filter(|d| year.is_none_or(|y| d.decided_on.year() == y))
        .filter(|d| chosen.as_ref().is_none_or(|p| p.branch == d.branch))
        .cloned()
        .collect();
    let v = BenefitsView {
        people: &data.people,
        person: chosen.as_ref(),
        year,
        years: &years,
        problem,
        decisions: &shown,
    };
    let response = if ctx.htmx && req.header("hx-target") == Some("benefits-results") {
        Response::builder()
            .content_type("text/html; charset=utf-8")
            .body(view::results(&v).into_string())
    } else {
        page(
            ctx,
            "給付金のお知らせ（支給決定通知）",
            with_logout(ctx, view::page(&v)),
        )
    };
    let mut response = response;
    response.headers_mut().insert(
        poem::http::header::VARY,
        poem::http::HeaderValue::from_static("HX-Request, HX-Target"),
    );
    Ok(response)
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(number): Path<String>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let data = read_notice(&state.store, &state.audit, viewer(ctx, &m), number)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let v = benefit_notice::NoticeView {
        union_name: &ctx.settings.union_name,
        kinds: &ctx.settings.benefit_kinds,
        people: &data.people,
        decision: &data.decision,
        now: ctx.now,
    };
    Ok(page(
        ctx,
        "支給決定通知書",
        with_logout(ctx, benefit_notice::page(&v)),
    ))
}
