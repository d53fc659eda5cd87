//! 統計: tables and server-rendered SVG bar charts (attributes and CSS classes only).

use maud::{Markup, html};

use crate::console::stats::Stats;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 180;
const AXIS: u32 = 20;

/// A bar chart of (label, value); every fourth label is written under the bars.
pub fn bar_chart(title: &str, data: &[(String, u64)]) -> Markup {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = data.len().max(1) as u32;
    let slot = WIDTH / n;
    let bar = (slot * 7 / 10).max(1);
    let plot = HEIGHT - AXIS;
    let every = if n > 12 { 5 } else { 1 };
    html! {
        figure.chart {
            svg.chart__svg viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
                title { (title) }
                line.chart__axis x1="0" y1=(plot) x2=(WIDTH) y2=(plot) {}
                @for (i, (label, value)) in data.iter().enumerate() {
                    @let h = (*value * u64::from(plot - 14) / max) as u32;
                    @let x = i as u32 * slot + (slot - bar) / 2;
                    rect.chart__bar x=(x) y=(plot - h) width=(bar) height=(h) {
                        title { (label) "：" (value) }
                    }
                    @if *value > 0 {
                        text.chart__value x=(x + bar / 2) y=(plot - h - 2) text-anchor="middle" { (value) }
                    }
                    @if i % every == 0 {
                        text.chart__label x=(x + bar / 2) y=(HEIGHT - 5) text-anchor="middle" { (label) }
                    }
                }
            }
            figcaption { (title) }
        }
    }
}

fn table(caption: &str, head: &str, data: &[(String, u64)]) -> Markup {
    html! {
        details {
            summary { (caption) "（表）" }
            table.table {
                thead { tr { th scope="col" { (head) } th scope="col" { "件数" } } }
                tbody { @for (k, v) in data { tr { td { (k) } td { (v) } } } }
            }
        }
    }
}

pub fn page(s: &Stats) -> Markup {
    let permille = s.registered_permille();
    html! {
        h1 { "統計" }
        dl.confirm {
            dt { "世帯数" } dd { (s.households) " 世帯" }
            dt { "登録済み" } dd { (s.registered) " 世帯（" (permille / 10) "." (permille % 10) "%）" }
            dt { "メール" } dd { "送信済み " (s.mails_sent) " 通 / 送信失敗 " (s.mails_failed) " 通 / 送信待ち " (s.mails_pending) " 通" }
        }
        h2 { "月別の登録数（直近12か月）" }
        (bar_chart("月別の登録数", &s.registrations))
        (table("月別の登録数", "月", &s.registrations))
        h2 { "日別のログイン数（直近30日）" }
        (bar_chart("日別のログイン数", &s.logins))
        (table("日別のログイン数", "日", &s.logins))
        h2 { "支給決定（決定月別・直近12か月）" }
        p { "取り込んだ支給決定の件数と支給額です（公開前のものを含みます）。" }
        @let counts: Vec<(String, u64)> = s.benefits.iter().map(|(m, n, _)| (m.clone(), *n)).collect();
        (bar_chart("決定月別の支給決定件数", &counts))
        table.table.data {
            caption { "決定月別の支給決定" }
            thead { tr { th scope="col" { "決定月" } th scope="col" { "件数" } th scope="col" { "支給額" } } }
            tbody {
                @for (m, n, sum) in &s.benefits {
                    tr { td { (m) } td.num { (n) " 件" } td.num { (crate::domain::expenses::yen(*sum)) } }
                }
            }
        }
    }
}
