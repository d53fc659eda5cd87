//! 医療費照会: the filter (a GET form that htmx submits in place), the claims table with
//! its totals, and paging.

use maud::{Markup, html};

use crate::claims::query::DataStatus;
use crate::domain::claim::Claim;
use crate::domain::expenses::{Totals, month_input_value, thousands, yen};
use crate::domain::member::Person;
use crate::web::expense_filter::{Selection, query_string};

/// Rows per page: five years of a large household stay a few pages.
pub const PAGE_SIZE: usize = 100;

pub struct ExpensesView<'a> {
    pub people: &'a [Person],
    pub person: Option<&'a Person>,
    pub selection: &'a Selection,
    pub years: &'a [i32],
    /// The sums of the whole selection (all pages).
    pub totals: Totals,
    /// The claims of the page shown, newest first.
    pub claims: &'a [Claim],
    /// The page shown (within `1..=pages`) and how many there are.
    pub page: usize,
    pub pages: usize,
    pub status: Option<DataStatus>,
}

pub fn name_of<'a>(people: &'a [Person], branch: &str) -> &'a str {
    people
        .iter()
        .find(|p| p.branch == branch)
        .map(|p| p.name.as_str())
        .unwrap_or("")
}

pub fn data_note(status: Option<DataStatus>) -> Markup {
    html! {
        p.hint {
            "医療費の情報は、受診した月からおよそ3か月後に掲載されます。"
            @if let Some(s) = status {
                "現在、" (s.through) "診療分まで掲載しています。"
            }
        }
    }
}

pub fn page(v: &ExpensesView<'_>) -> Markup {
    html! {
        div.page--wide {
            h1 { "医療費照会" }
            (data_note(v.status))
            (filter_form(v))
            div #expenses-results aria-live="polite" { (results(v)) }
            p { a href="/menu" { "メニューへ戻る" } }
        }
    }
}

fn filter_form(v: &ExpensesView<'_>) -> Markup {
    let sel = v.selection;
    let (from, to) = (
        month_input_value(sel.period.from),
        month_input_value(sel.period.to),
    );
    html! {
        form.filter method="get" action="/menu/expenses" hx-get="/menu/expenses"
            hx-target="#expenses-results" hx-push-url="true" {
            div.filter__field {
                label for="year" { "表示する年" }
                select #year name="year" {
                    @for y in v.years {
                        option value=(y) selected[!sel.range_mode && sel.period.from.year() == *y] { (y) "年" }
                    }
                    option value="range" selected[sel.range_mode] { "期間を指定する" }
                }
            }
            fieldset.filter__field {
                legend { "期間（「期間を指定する」を選んだとき）" }
                div.filter__range {
                    div { label for="from" { "開始月" } input #from type="month" name="from" value=(from); }
                    div { label for="to" { "終了月" } input #to type="month" name="to" value=(to); }
                }
            }
            div.filter__field {
                label for="person" { "受診者" }
                select #person name="person" {
                    option value="" selected[v.person.is_none()] { "世帯全員" }
                    @for p in v.people {
                        option value=(p.branch) selected[v.person.is_some_and(|s| s.branch == p.branch)] { (p.name) }
                    }
                }
            }
            button.button.button--primary type="submit" { "表示" }
        }
    }
}

/// The part htmx swaps: heading, totals, table, paging and the links that keep the filter.
pub fn results(v: &ExpensesView<'_>) -> Markup {
    let totals = v.totals;
    let (page, pages) = (v.page, v.pages);
    let shown = v.claims;
    let who = v.person.map(|p| p.name.as_str()).unwrap_or("世帯全員");
    let query = query_string(v.selection, v.person, 1);
    html! {
        @if let Some(problem) = v.selection.problem { p.flash.flash--warning role="status" { (problem) } }
        h2 #results-heading { (v.selection.period.label()) "の医療費（" (who) "）" }
        (totals_list(&totals))
        p.links-inline {
            a href=(format!("/menu/expenses/chart?{query}")) { "月別のグラフを見る" }
            @if !v.selection.range_mode {
                a href=(format!("/menu/tax-notice?year={}", v.selection.period.from.year())) { "この年の医療費のお知らせ（医療費控除用）" }
            }
        }
        @if totals.claims == 0 {
            p.notice { "この条件で掲載されている医療費はありません。" }
        } @else {
            div.table-scroll {
                // Column styles and the phone cards' labels come from the stylesheet
                // (`table.claims-list`): a page of 100 rows stays small.
                table.data.cards.by-column.claims-list aria-labelledby="results-heading" {
                    thead { tr {
                        th scope="col" { "診療年月" } th scope="col" { "受診者" } th scope="col" { "区分" }
                        th scope="col" { "医療機関等の名称" } th.num scope="col" { "日数" }
                        th.num scope="col" { "医療費総額" } th.num scope="col" { "自己負担額" } th.num scope="col" { "給付金" }
                    } }
                    tbody {
                        @for c in shown { tr {
                            td { (c.month) }
                            td { (name_of(v.people, &c.branch)) }
                            td { (c.kind.label()) }
                            td { (c.provider) }
                            td { (c.days) "日" }
                            td { (yen(c.total_cost)) }
                            td { (yen(c.self_pay)) }
                            td { (yen(c.benefit)) }
                        } }
                    }
                }
            }
            (paging(v, page, pages))
        }
    }
}

fn totals_list(t: &Totals) -> Markup {
    html! {
        dl.totals #totals {
            div { dt { "件数" } dd { (thousands(t.claims)) "件" } }
            div { dt { "医療費総額" } dd { (yen(t.total_cost)) } }
            div { dt { "自己負担額" } dd { (yen(t.self_pay)) } }
            div { dt { "給付金" } dd { (yen(t.benefit)) } }
        }
    }
}

fn paging(v: &ExpensesView<'_>, page: usize, pages: usize) -> Markup {
    let link = |p: usize| format!("/menu/expenses?{}", query_string(v.selection, v.person, p));
    html! {
        @if pages > 1 {
            nav.paging aria-label="ページ" {
                @if page > 1 {
                    a href=(link(page - 1)) hx-get=(link(page - 1)) hx-target="#expenses-results" hx-push-url="true" { "前のページ" }
                }
                span { (page) " / " (pages) "ページ" }
                @if page < pages {
                    a href=(link(page + 1)) hx-get=(link(page + 1)) hx-target="#expenses-results" hx-push-url="true" { "次のページ" }
                }
            }
        }
    }
}
