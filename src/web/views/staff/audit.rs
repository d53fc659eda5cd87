//! 監査ログ: filters, a page of the table, links to the other pages, the CSV link.

use maud::{Markup, html};

use crate::clock::format_jst;
use crate::console::audit_log::{AuditFilter, AuditPage, PAGE_BUDGET, PAGE_ROWS};

pub fn page(f: &AuditFilter, p: &AuditPage) -> Markup {
    let field = |id: &str, label: &str, kind: &str, value: &str| {
        html! {
            div.field.field--inline {
                label for=(id) { (label) }
                input id=(id) name=(id) type=(kind) value=(value);
            }
        }
    };
    html! {
        h1 { "監査ログ" }
        form.card.filters method="get" action="/staff/audit" hx-get="/staff/audit" hx-target="#main" hx-push-url="true" {
            (field("from", "開始日", "date", &f.from))
            (field("to", "終了日", "date", &f.to))
            (field("actor", "操作者（一部）", "text", &f.actor))
            (field("household", "世帯（記号-番号）", "text", &f.household))
            (field("action", "操作（一部）", "text", &f.action))
            div.actions {
                button.button.button--primary type="submit" { "絞り込む" }
                a.button.button--secondary href=(format!("/staff/audit/export?{}", f.query())) download="audit.csv" { "CSVで出力" }
            }
        }
        p role="status" {
            @if let Some(total) = p.total { (total) " 件。" }
            "新しい順に" (PAGE_ROWS) "件ずつ表示します。CSVには条件に合うすべての記録を出力します。"
        }
        @if p.cut_short {
            p.hint { "一度に" (PAGE_BUDGET) "件まで調べて表示しています。さらに前の記録は「次のページ」で調べられます。" }
        }
        table.table {
            thead { tr { th { "日時" } th { "操作者" } th { "操作" } th { "対象" } th { "接続元" } th { "詳細" } } }
            tbody {
                @for e in &p.rows {
                    tr {
                        td { (format_jst(e.at)) }
                        td { (e.actor) }
                        td { (e.action) }
                        td { (e.target.as_deref().unwrap_or("")) }
                        td { (e.client.as_deref().unwrap_or("")) }
                        td {
                            (e.detail.as_deref().unwrap_or(""))
                            @if let Some(n) = e.count { "（" (n) "回）" }
                        }
                    }
                }
            }
        }
        @if p.rows.is_empty() { p { "条件に合う記録はありません。" } }
        (paging(f, p))
    }
}

fn paging(f: &AuditFilter, p: &AuditPage) -> Markup {
    let link = |query: &str| format!("/staff/audit?{query}");
    html! {
        nav.paging aria-label="ページ" {
            @if p.number > 1 {
                @let newest = link(&f.query());
                a href=(newest) hx-get=(newest) hx-target="#main" hx-push-url="true" { "最新のページ" }
            }
            @if let Some(q) = &p.newer {
                @let href = link(q);
                a href=(href) hx-get=(href) hx-target="#main" hx-push-url="true" { "前のページ" }
            }
            span {
                (p.number)
                @if let Some(pages) = p.pages { " / " (pages.max(p.number)) }
                "ページ"
            }
            @if let Some(q) = &p.older {
                @let href = link(q);
                a href=(href) hx-get=(href) hx-target="#main" hx-push-url="true" { "次のページ" }
            }
        }
    }
}
