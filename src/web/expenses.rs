//! 医療費照会 (/menu/expenses) and its chart (/menu/expenses/chart): the household's
//! published claims, filtered by months and person. Every view is audited.

use std::sync::Arc;

use poem::web::{Data, Query};
use poem::{Request, Response, handler};

use super::expense_filter::{
    ExpenseQuery, Selection, check_household, latest_month, not_found, page as page_number, person,
    selection, years,
};
use super::respond::page;
use super::views::menu::with_logout;
use super::views::{chart, expenses as view};
use super::{AppState, Ctx};
use crate::audit::Actor;
use crate::claims::view::{Ask, ExpensePage, Selected, Viewer, expenses};
use crate::domain::member::Person;
use crate::web::guard::member::MemberSession;
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

/// What both screens load: the selection and the audited data behind it.
struct Loaded {
    data: ExpensePage,
    selection: Selection,
    person: Option<Person>,
    years: Vec<i32>,
}

/// Loads the selection's data (audited) and renders it with `render` while the audit row
/// commits.
async fn load<O>(
    ctx: &Ctx,
    state: &AppState,
    m: &MemberSession,
    query: &ExpenseQuery,
    (screen, asked): (&str, Option<usize>),
    render: impl FnOnce(Loaded) -> O,
) -> poem::Result<O> {
    // The chart (no page asked) links the years that have data among those offered.
    let with_years = asked.is_none();
    check_household(query, &m.household)?;
    let viewer = Viewer {
        actor: Actor::Member(m.user_key.to_string()).to_string(),
        household: m.household.clone(),
        client: ctx.client.clone(),
        now: ctx.now,
    };
    let (query, screen, now) = (query.clone(), screen.to_string(), ctx.now);
    let choose = move |people: &[Person], status| {
        // An unknown person is a 404: nothing read, nothing audited.
        let chosen = person(&query, people).ok()?.cloned();
        let latest = latest_month(now, status);
        let selection = selection(&query, latest);
        let what = format!(
            "{screen} {} person={}",
            selection.period.label(),
            chosen.as_ref().map(|p| p.branch.as_str()).unwrap_or("all")
        );
        let selected = Selected {
            from: selection.period.from,
            to: selection.period.to,
            branch: chosen.as_ref().map(|p| p.branch.clone()),
            page: asked.map(|p| (p, view::PAGE_SIZE)),
            years: with_years.then(|| {
                let offered = years(latest);
                let first = offered.iter().min().copied().unwrap_or(latest.year());
                (first, latest.year())
            }),
        };
        let keep = (selection, chosen, years(latest));
        Some(Ask {
            selected,
            what,
            keep,
        })
    };
    let render = |data, (selection, person, years)| {
        render(Loaded {
            data,
            selection,
            person,
            years,
        })
    };
    let found = expenses(&state.store, &state.audit, viewer, choose, render)
        .await
        .map_err(internal)?;
    found.ok_or_else(not_found)
}

/// Whether htmx asked for the results part only (the filter form stays in place).
fn wants_results_only(ctx: &Ctx, req: &Request) -> bool {
    ctx.htmx && req.header("hx-target") == Some("expenses-results")
}

#[handler]
pub async fn list(
    req: &Request,
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<ExpenseQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let asked = page_number(&query);
    let results_only = wants_results_only(ctx, req);
    let shown = load(
        ctx,
        state,
        &m,
        &query,
        ("expenses", Some(asked)),
        |loaded| {
            let v = view::ExpensesView {
                people: &loaded.data.people,
                person: loaded.person.as_ref(),
                selection: &loaded.selection,
                years: &loaded.years,
                totals: loaded.data.totals,
                claims: &loaded.data.claims,
                page: loaded.data.page,
                pages: loaded.data.pages,
                status: loaded.data.status,
            };
            if results_only {
                view::results(&v)
            } else {
                view::page(&v)
            }
        },
    )
    .await?;
    let response = if results_only {
        Response::builder()
            .content_type("text/html; charset=utf-8")
            .body(shown.into_string())
    } else {
        page(ctx, "医療費照会", with_logout(ctx, shown))
    };
    Ok(vary(response))
}

#[handler]
pub async fn chart_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<ExpenseQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    let shown = load(ctx, state, &m, &query, ("expenses-chart", None), |loaded| {
        let people: Vec<Person> = match &loaded.person {
            Some(p) => vec![p.clone()],
            None => loaded.data.people.clone(),
        };
        let v = chart::ChartView {
            people: &people,
            selection: &loaded.selection,
            person: loaded.person.as_ref(),
            sums: &loaded.data.sums,
            status: loaded.data.status,
            years: &loaded.data.years,
        };
        chart::page(&v)
    })
    .await?;
    Ok(vary(page(
        ctx,
        "月別の医療費（グラフ）",
        with_logout(ctx, shown),
    )))
}

/// The same URL answers a whole page or a fragment: caches must tell them apart.
fn vary(mut response: Response) -> Response {
    response.headers_mut().insert(
        poem::http::header::VARY,
        poem::http::HeaderValue::from_static("HX-Request, HX-Target"),
    );
    response
}
