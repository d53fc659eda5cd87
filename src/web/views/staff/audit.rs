//! 監査ログ: filters, the table, the CSV link.

use maud::{Markup, html};

use crate::audit::AuditEntry;
use crate::clock::format_jst;
use crate::console::audit_log::AuditFilter;

pub fn page(f: &AuditFilter, rows: &[AuditEntry], more: bool) -> Markup {
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
        p role="status" { (rows.len()) " 件" @if more { "（新しい順に500件まで表示。CSVにはすべて出力します）" } }
        table.table {
            thead { tr { th { "日時" } th { "操作者" } th { "操作" } th { "対象" } th { "接続元" } th { "詳細" } } }
            tbody {
                @for e in rows {
                    tr {
                        td { (format_jst(e.at)) }
                        td { (e.actor) }
                        td { (e.action) }
                        td { (e.target.as_deref().unwrap_or("")) }
                        td { (e.client.as_deref().unwrap_or("")) }
                        td { (e.detail.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}
