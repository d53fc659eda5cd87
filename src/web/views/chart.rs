//! The monthly chart: a server-rendered SVG bar chart of the total cost per month, stacked
//! by person, with `<title>`/`<desc>` and the same numbers as a table. Colours are SVG
//! presentation attributes (`fill=`), not CSS, so the CSP needs no inline styles.

use maud::{Markup, html};

use super::expenses::data_note;
use crate::claims::pages::MonthSum;
use crate::claims::query::DataStatus;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::{monthly_totals, months_between, thousands, yen};
use crate::domain::member::Person;
use crate::domain::yen::YenSum;
use crate::web::expense_filter::{Selection, query_string};

pub struct ChartView<'a> {
    /// The people drawn, in stacking order.
    pub people: &'a [Person],
    pub selection: &'a Selection,
    pub person: Option<&'a Person>,
    /// Sums per month and person, of the people drawn.
    pub sums: &'a [MonthSum],
    pub status: Option<DataStatus>,
    /// The years with claims of the people drawn, newest first: the only years linked.
    pub years: &'a [i32],
}

/// Distinct, dark enough on white for 3:1 against the background.
const COLOURS: [&str; 8] = [
    "#0031d8", "#c74700", "#197a4b", "#8843e1", "#c2185b", "#00788a", "#6d4c41", "#455a64",
];

/// The chart has no viewBox, so that its text is drawn at its own size (13 px) on a phone
/// as on a desk: heights are pixels, horizontal positions percentages of the width.
const HEIGHT: f64 = 320.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;
const FONT_PX: f64 = 13.0;
/// The right margin, in per cent of the width.
const RIGHT: f64 = 2.0;
/// The narrowest the chart is drawn (a 360 px phone less the page's margins), for the
/// width of the axis labels' column.
const NARROWEST_PX: f64 = 320.0;

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// A round axis maximum at or above `max`: four ticks of 1, 2 or 5 × 10ⁿ yen, the
/// smallest such step that reaches a quarter of `max`. Found without a search.
fn axis_max(max: u128) -> u128 {
    let quarter = max.div_ceil(4).max(1);
    let power = 10u128.saturating_pow(quarter.ilog10());
    let step = [1, 2, 5, 10]
        .map(|m| power.saturating_mul(m))
        .into_iter()
        .find(|step| *step >= quarter)
        .unwrap_or(quarter);
    step.saturating_mul(4)
}

/// The axis labels' column, in per cent of the width: wide enough for `label` at
/// [`FONT_PX`] on the narrowest chart (digits 0.6 em, commas 0.3 em, 円 1 em).
fn gutter(label: &str) -> f64 {
    let em: f64 = label
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.6,
            ',' => 0.3,
            _ => 1.0,
        })
        .sum();
    let px = em * FONT_PX + 10.0;
    (px / NARROWEST_PX * 100.0).ceil().clamp(10.0, 45.0)
}

pub fn page(v: &ChartView<'_>) -> Markup {
    let months = months_between(v.selection.period.from, v.selection.period.to);
    let branches: Vec<&str> = v.people.iter().map(|p| p.branch.as_str()).collect();
    let cells = v
        .sums
        .iter()
        .map(|s| (s.month, s.branch.as_str(), s.totals.total_cost));
    let table = monthly_totals(cells, &months, &branches);
    let back = format!("/menu/expenses?{}", query_string(v.selection, v.person, 1));
    html! {
        div.page--wide {
            h1 { "月別の医療費（グラフ）" }
            (data_note(v.status))
            h2 #chart-heading { (v.selection.period.label()) "の医療費総額（受診者別・月別）" }
            @if v.selection.period.whole_year { (year_links(v)) }
            ul.legend aria-label="凡例" {
                @for (i, p) in v.people.iter().enumerate() {
                    li { svg.legend__swatch width="14" height="14" aria-hidden="true" focusable="false" {
                        rect width="14" height="14" fill=(colour(i)) {}
                    } (p.name) }
                }
            }
            (svg(v, &months, &table))
            details.chart-table open {
                summary { "グラフの数値（表）" }
                (numbers(v.people, &months, &table))
            }
            p { a href=(back) { "医療費照会へ戻る" } }
        }
    }
}

/// Links to the other years that have data (none to a year without).
fn year_links(v: &ChartView<'_>) -> Markup {
    let year = v.selection.period.from.year();
    let link = |y: i32| {
        let person = v
            .person
            .map(|p| format!("&person={}", p.branch))
            .unwrap_or_default();
        format!("/menu/expenses/chart?year={y}{person}")
    };
    let mut years: Vec<i32> = v.years.to_vec();
    if !years.contains(&year) {
        years.push(year);
    }
    years.sort_unstable();
    html! {
        @if years.len() > 1 {
            nav aria-label="表示する年" {
                ul.links-inline.year-links {
                    @for y in &years {
                        li {
                            @if *y == year { span aria-current="page" { (y) "年" } }
                            @else { a href=(link(*y)) { (y) "年" } }
                        }
                    }
                }
            }
        }
    }
}

fn describe(v: &ChartView<'_>, months: &[YearMonth], table: &[Vec<YenSum>]) -> String {
    let sums: Vec<YenSum> = table.iter().map(|row| row.iter().sum()).collect();
    let total: YenSum = sums.iter().sum();
    let peak = sums.iter().enumerate().max_by_key(|(_, s)| **s);
    let mut text = format!(
        "{}の月ごとの医療費総額を、受診者ごとに積み上げた棒グラフです。合計は{}です。",
        v.selection.period.label(),
        yen(total)
    );
    if let Some((i, s)) = peak.filter(|(_, s)| **s > YenSum::ZERO)
        && let Some(month) = months.get(i)
    {
        text.push_str(&format!("最も多い月は{month}の{}です。", yen(*s)));
    }
    text.push_str("数値はグラフの下の表にもあります。");
    text
}

/// `12.5%`.
fn pct(x: f64) -> String {
    format!("{x:.2}%")
}

fn svg(v: &ChartView<'_>, months: &[YearMonth], table: &[Vec<YenSum>]) -> Markup {
    let peak = table.iter().map(|r| r.iter().sum::<YenSum>()).max();
    let max = axis_max(peak.unwrap_or_default().get().max(1));
    let left = gutter(&format!("{}円", thousands(max)));
    let plot_w = 100.0 - left - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / months.len().max(1) as f64;
    let bar = slot * 0.7;
    let y_of = |value: u128| TOP + plot_h - plot_h * value as f64 / max as f64;
    let label_every = months.len().div_ceil(12).max(1);
    let segments = segments(v, months, table, (left, slot, bar), y_of);
    html! {
        svg.month-chart width="100%" height=(HEIGHT) role="img" aria-labelledby="chart-title chart-desc" {
            title #chart-title { (v.selection.period.label()) "の月別医療費総額（受診者別）" }
            desc #chart-desc { (describe(v, months, table)) }
            @for tick in 0..=4u128 {
                @let value = max / 4 * tick;
                line x1=(pct(left)) x2=(pct(100.0 - RIGHT)) y1=(y_of(value)) y2=(y_of(value)) stroke="#949494" stroke-width="1" {}
                text x=(pct(left - 1.0)) y=(y_of(value) + 4.0) text-anchor="end" font-size=(FONT_PX) fill="#333333" { (thousands(value)) "円" }
            }
            @for seg in &segments {
                rect x=(pct(seg.x)) y=(format!("{:.1}", seg.y)) width=(pct(bar))
                    height=(format!("{:.1}", seg.height)) fill=(seg.colour) {
                    title { (seg.title) }
                }
            }
            @for (i, month) in months.iter().enumerate() {
                @if i.is_multiple_of(label_every) {
                    // On a phone every other label of a long range is left out, and 「月」.
                    @let minor = months.len() > 12 && (i / label_every) % 2 == 1;
                    text.month-chart__label.month-chart__label--minor[minor] x=(pct(left + slot * (i as f64 + 0.5))) y=(HEIGHT - BOTTOM + 20.0) text-anchor="middle" font-size=(FONT_PX) fill="#333333" {
                        @if months.len() > 12 { (month.year() % 100) "/" } (month.month()) tspan.month-chart__unit { "月" }
                    }
                }
            }
        }
    }
}

struct Segment {
    /// Per cent of the width.
    x: f64,
    y: f64,
    height: f64,
    colour: &'static str,
    title: String,
}

/// One rectangle per month and person with a cost, stacked from the axis up; `across` is
/// the plot's left edge, a month's slot and a bar's width, in per cent of the width.
fn segments(
    v: &ChartView<'_>,
    months: &[YearMonth],
    table: &[Vec<YenSum>],
    across: (f64, f64, f64),
    y_of: impl Fn(u128) -> f64,
) -> Vec<Segment> {
    let (left, slot, bar) = across;
    let mut out = Vec::new();
    for (i, month) in months.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = YenSum::ZERO;
        for (j, p) in v.people.iter().enumerate() {
            let value = table.get(i).and_then(|r| r.get(j)).copied();
            let value = value.unwrap_or_default();
            if value == YenSum::ZERO {
                continue;
            }
            let top = y_of((base + value).get());
            out.push(Segment {
                x,
                y: top,
                height: y_of(base.get()) - top,
                colour: colour(j),
                title: format!("{month} {} {}", p.name, yen(value)),
            });
            base += value;
        }
    }
    out
}

/// The chart's numbers: a table on a wide screen, one card per month on a phone.
fn numbers(people: &[Person], months: &[YearMonth], table: &[Vec<YenSum>]) -> Markup {
    html! {
        div.table-scroll {
            table.data.cards {
                caption { "月別・受診者別の医療費総額" }
                thead { tr {
                    th scope="col" { "診療年月" }
                    @for p in people { th.num scope="col" { (p.name) } }
                    th.num scope="col" { "合計" }
                } }
                tbody {
                    @for (month, row) in months.iter().zip(table) { tr {
                        th.nowrap.card-title scope="row" { (month) }
                        @for (p, value) in people.iter().zip(row) { td.num data-label=(p.name) { (yen(*value)) } }
                        td.num data-label="合計" { (yen(row.iter().sum::<YenSum>())) }
                    } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
