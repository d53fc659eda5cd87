//! データ取込: the upload forms (members here, claims and benefits in `claims`), the line-numbered
//! error table, the members summary.

use maud::{Markup, html};

use crate::import::ImportError;
use crate::jobs::ImportSummary;
use crate::web::Ctx;
use crate::web::views::components::{csrf, line_table};

/// The upload forms; the export links only for a 管理者 (`may_export`).
pub fn form(ctx: &Ctx, may_export: bool) -> Markup {
    html! {
        h1 { "データ取込" }
        section.card {
            h2 { "加入者ファイル（members.csv）" }
            p { "記号・番号・枝番で加入者を追加・更新します。誤りが1件でもあれば、何も取り込みません。" }
            form method="post" action="/staff/import/members" enctype="multipart/form-data"
                hx-post="/staff/import/members" hx-encoding="multipart/form-data" hx-target="#main" hx-indicator="#import-progress" {
                // First, before the file: without JavaScript a multipart form cannot send
                // the header, and the stack reads this part alone to check the token.
                (csrf(ctx))
                div.field {
                    label for="file" { "ファイル（UTF-8 または Shift_JIS の CSV）" }
                    input #file type="file" name="file" accept=".csv,text/csv" required;
                }
                div.actions { button.button.button--primary type="submit" { "取り込む" } }
                p #import-progress .htmx-indicator role="status" { "取り込み中です。しばらくお待ちください…" }
            }
        }
        (super::claims::form(ctx))
        (super::claims::benefits_form(ctx))
        @if may_export {
            section.card {
                h2 { "データの書き出し（管理者）" }
                p { "取り込みと同じ形式（UTF-8）で書き出します。書き出したファイルをそのまま取り込んでも、内容は変わりません。書き出しは監査ログに件数とともに記録されます。" }
                ul.links-inline {
                    li { a href="/staff/export/members.csv" download { "加入者ファイル（members.csv）" } }
                    li { a href="/staff/export/claims.csv" download { "医療費ファイル（claims.csv）" } }
                    li { a href="/staff/export/benefits.csv" download { "支給決定ファイル（benefits.csv）" } }
                }
            }
        }
    }
}

pub fn errors(file_name: &str, error: &ImportError) -> Markup {
    html! {
        h1 { "取り込めませんでした" }
        div.error-summary role="alert" {
            p { (file_name) "：誤りがあるため、どの行も取り込んでいません。ファイルを直して、もう一度取り込んでください。" }
        }
        @match error {
            ImportError::Lines(lines) => { (line_table(lines)) }
            other => { pre.import-message { (other.to_string()) } }
        }
        p { a href="/staff/import" { "データ取込へ戻る" } }
    }
}

pub fn done(file_name: &str, summary: &ImportSummary, millis: u128) -> Markup {
    html! {
        h1 { "取り込みました" }
        p.flash role="status" { (file_name) "：" (summary.to_string()) }
        dl.confirm {
            dt { "追加" } dd { (summary.added) " 人" }
            dt { "更新" } dd { (summary.updated) " 人" }
            dt { "変更なし" } dd { (summary.unchanged) " 人" }
            dt { "処理時間" } dd { (millis) " ミリ秒" }
        }
        ul.links {
            li { a href="/staff/postcards" { "はがき発行へ" } }
            li { a href="/staff/import" { "続けて取り込む" } }
        }
    }
}
