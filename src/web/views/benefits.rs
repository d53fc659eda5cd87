//! 給付金のお知らせ (支給決定通知): the filter (a GET form that htmx submits in place) and
//! the decisions, newest first, grouped by the year of 決定日 with a total per year.

use chrono::{Datelike as _, NaiveDate};
use maud::{Markup, html};

use super::expenses::name_of;
use crate::domain::benefit::BenefitDecision;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::{thousands, yen};
use crate::domain::member::Person;
use crate::domain::yen::YenSum;

pub struct BenefitsView<'a> {
    pub people: &'a [Person],
    pub person: Option<&'a Person>,
    /// The year of 決定日 shown; `None`: every year.
    pub year: Option<i32>,
    /// Years with decisions, newest first.
    pub years: &'a [i32],
    pub problem: Option<&'a str>,
    /// The decisions shown, newest first.
    pub decisions: &'a [BenefitDecision],
}

/// `2025年3月`, or `2024年8月〜2025年7月`.
pub fn span(from: YearMonth, to: YearMonth) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}〜{to}")
    }
}

/// `2025年6月10日`.
pub fn day(date: NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

pub fn page(v: &BenefitsView<'_>) -> Markup {
    html! {
        div.page--wide {
            h1 { "給付金のお知らせ（支給決定通知）" }
            p.hint { "当組合が支給を決定した給付金（高額療養費、付加給付など）をお知らせします。各行の「通知書」から、支給決定通知書を印刷できます。" }
            (filter_form(v))
            div #benefits-results aria-live="polite" { (results(v)) }
            p { a href="/menu" { "メニューへ戻る" } }
        }
    }
}

fn filter_form(v: &BenefitsView<'_>) -> Markup {
    html! {
        form.filter method="get" action="/menu/benefits" hx-get="/menu/benefits"
            hx-target="#benefits-results" hx-push-url="true" {
            div.filter__field {
                label for="year" { "決定した年" }
                select #year name="year" {
                    option value="" selected[v.year.is_none()] { "すべての年" }
                    @for y in v.years {
                        option value=(y) selected[v.year == Some(*y)] { (y) "年" }
                    }
                    @if let Some(y) = v.year.filter(|y| !v.years.contains(y)) {
                        option value=(y) selected { (y) "年" }
                    }
                }
            }
            div.filter__field {
                label for="person" { "対象者" }
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

/// The part htmx swaps: one table per year of 決定日, newest first, each with its total.
pub fn results(v: &BenefitsView<'_>) -> Markup {
    let mut groups: Vec<(i32, Vec<&BenefitDecision>)> = Vec::new();
    for d in v.decisions {
        let year = d.decided_on.year();
        match groups.last_mut() {
            Some((y, list)) if *y == year => list.push(d),
            _ => groups.push((year, vec![d])),
        }
    }
    html! {
        @if let Some(problem) = v.problem { p.flash.flash--warning role="status" { (problem) } }
        @if groups.is_empty() {
            p.notice { "この条件で掲載されている支給決定はありません。" }
        }
        @for (year, list) in &groups {
            (year_table(v, *year, list))
        }
    }
}

fn year_table(v: &BenefitsView<'_>, year: i32, list: &[&BenefitDecision]) -> Markup {
    let total: YenSum = list.iter().map(|d| d.amount).sum();
    let heading = format!("benefits-{year}");
    html! {
        h2 #(heading) { (year) "年に決定した給付金" }
        div.table-scroll {
            table.data.cards.benefits aria-labelledby=(heading) {
                thead { tr {
                    th scope="col" { "決定日" } th scope="col" { "給付種別" } th scope="col" { "対象者" }
                    th scope="col" { "対象期間" } th.num scope="col" { "支給額" } th scope="col" { "支払予定日" }
                    th scope="col" { "通知書" }
                } }
                tbody {
                    @for d in list { tr {
                        td.nowrap.card-title { (day(d.decided_on)) }
                        td.nowrap { (d.kind) }
                        td.nowrap { (name_of(v.people, &d.branch)) }
                        td.nowrap { (span(d.from, d.to)) }
                        td.num { (yen(d.amount)) }
                        td.nowrap { (day(d.pay_on)) }
                        td { a href=(format!("/menu/benefits/{}", d.number)) aria-label=(format!("{} {}の通知書", day(d.decided_on), d.kind)) { "通知書" } }
                    } }
                }
                tfoot { tr {
                    th.card-title scope="row" colspan="4" { (year) "年の合計（" (thousands(list.len() as u64)) "件）" }
                    td.num data-label="支給額" { (yen(total.get())) } td {} td {}
                } }
            }
        }
    }
}
