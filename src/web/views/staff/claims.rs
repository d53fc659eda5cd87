//! 医療費ファイル・支給決定ファイルの取込: the upload forms, the status of a running import
//! (polled by htmx every second), then its summary or the line-numbered error table.

use maud::{Markup, html};

use crate::claims::Batch;
use crate::clock::format_jst;
use crate::console::claim_imports::{ImportKind, ImportStatus, Phase};
use crate::import::ImportError;
use crate::web::Ctx;
use crate::web::views::components::{csrf, line_table};
use crate::web::views::staff::batches::{actor_label, months, months_label};

pub fn form(ctx: &Ctx) -> Markup {
    html! {
        section.card {
            h2 { "医療費ファイル（claims.csv）" }
            p { "レセプト番号ごとに医療費を取り込みます。取り込んだデータは、公開するまで加入者には見えません。誤りが1件でもあれば、何も取り込みません。" }
            form method="post" action="/staff/import/claims" enctype="multipart/form-data"
                hx-post="/staff/import/claims" hx-encoding="multipart/form-data" hx-target="#main" hx-push-url="true" hx-indicator="#claims-upload-progress" {
                // First, before the file: without JavaScript a multipart form cannot send
                // the header, and the stack reads this part alone to check the token.
                (csrf(ctx))
                div.field {
                    label for="claims-file" { "医療費ファイル（UTF-8 または Shift_JIS の CSV、200 MB まで）" }
                    input #claims-file type="file" name="file" accept=".csv,text/csv" required;
                }
                div.actions { button.button.button--primary type="submit" { "医療費を取り込む" } }
                p #claims-upload-progress .htmx-indicator role="status" { "ファイルを送信しています。しばらくお待ちください…" }
            }
            p { a href="/staff/batches" { "取り込み済みのデータの一覧と公開" } }
        }
    }
}

/// The benefits file's card of データ取込.
pub fn benefits_form(ctx: &Ctx) -> Markup {
    html! {
        section.card {
            h2 { "支給決定ファイル（benefits.csv）" }
            p { "決定番号で支給決定を追加・差し替えます。誤りが1件でもあれば、何も取り込みません。公開するまで加入者には見えません。" }
            form method="post" action="/staff/import/benefits" enctype="multipart/form-data"
                hx-post="/staff/import/benefits" hx-encoding="multipart/form-data" hx-target="#main" hx-push-url="true" hx-indicator="#benefits-upload-progress" {
                // First, before the file (see the claims form).
                (csrf(ctx))
                div.field {
                    label for="benefits-file" { "支給決定ファイル（UTF-8 または Shift_JIS の CSV、200 MB まで）" }
                    input #benefits-file type="file" name="file" accept=".csv,text/csv" required;
                }
                div.actions { button.button.button--primary type="submit" { "支給決定を取り込む" } }
                p #benefits-upload-progress .htmx-indicator role="status" { "ファイルを送信しています。しばらくお待ちください…" }
            }
        }
    }
}

pub fn status_path(kind: ImportKind, id: &str) -> String {
    format!("/staff/import/{}/{id}", kind.segment())
}

/// The whole status page.
pub fn page(id: &str, status: &ImportStatus) -> Markup {
    html! {
        h1 { (status.kind.file_label()) "の取込" }
        p {
            "ファイル：" (status.file_name) "（" (format_jst(status.started_at)) "　"
            (actor_label(&status.started_by)) "）"
        }
        (section(id, status))
    }
}

/// The part that htmx replaces every second while the import runs; once it is over the
/// answer carries no trigger, so polling stops.
pub fn section(id: &str, status: &ImportStatus) -> Markup {
    html! {
        @match &status.phase {
            Phase::Running { done, total } => {
                div #claims-job hx-get=(format!("{}/status", status_path(status.kind, id))) hx-trigger="every 1s" hx-target="this" hx-swap="outerHTML" {
                    (running(*done, *total))
                    p { a href=(status_path(status.kind, id)) { "最新の状況を表示" } }
                }
            }
            Phase::Done { summary, millis } => {
                div #claims-job { (done(&summary.batch, *millis)) }
            }
            Phase::Refused(error) => {
                div #claims-job { (refused(error)) }
            }
            Phase::Failed => {
                div #claims-job {
                    div.error-summary role="alert" {
                        p { "システムの問題で取り込めませんでした。何も取り込んでいません。時間をおいてもう一度お試しください。" }
                    }
                    p { a href="/staff/import" { "データ取込へ戻る" } }
                }
            }
        }
    }
}

fn running(done: u64, total: u64) -> Markup {
    let percent = (done * 100).checked_div(total).unwrap_or(0).min(100);
    html! {
        p.flash role="status" {
            @if total == 0 { "ファイルを確認しています…" }
            @else { "取り込み中です：" (done) " / " (total) " 行（" (percent) "%）" }
        }
        progress.import-progress max="100" value=(percent) aria-label="取り込みの進み具合" { (percent) "%" }
        p.hint { "この画面を閉じても取り込みは続きます。終わるまで、ほかの画面の操作が少し遅くなることがあります。" }
    }
}

fn done(batch: &Batch, millis: u128) -> Markup {
    html! {
        p.flash role="status" { "取り込みました（取り込み番号 " (batch.number()) "）。まだ公開していません（加入者には見えません）。" }
        dl.confirm {
            dt { "件数" } dd { (batch.rows) " 件" }
            dt { "新規" } dd { (batch.added) " 件" }
            dt { "差し替え" } dd { (batch.replaced) " 件" }
            dt { "変更なし" } dd { (batch.unchanged) " 件" }
            dt { (months_label(batch)) } dd { (months(batch)) }
            dt { "処理時間" } dd { (millis) " ミリ秒" }
        }
        ul.links {
            li { a href=(format!("/staff/batches/{}/publish", batch.number())) { "このデータを公開する" } }
            li { a href="/staff/batches" { "取り込み済みのデータの一覧" } }
            li { a href="/staff/import" { "続けて取り込む" } }
        }
    }
}

fn refused(error: &ImportError) -> Markup {
    html! {
        div.error-summary role="alert" {
            p { "取り込めませんでした：誤りがあるため、どの行も取り込んでいません。ファイルを直して、もう一度取り込んでください。" }
        }
        @match error {
            ImportError::Lines(lines) => { (line_table(lines)) }
            other => { pre.import-message { (other.to_string()) } }
        }
        p { a href="/staff/import" { "データ取込へ戻る" } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(phase: Phase) -> ImportStatus {
        ImportStatus {
            kind: ImportKind::Claims,
            file_name: "claims.csv".into(),
            started_by: "staff:tanaka".into(),
            started_at: chrono::DateTime::UNIX_EPOCH,
            phase,
        }
    }

    #[test]
    fn a_running_import_polls_every_second_and_a_finished_one_stops() {
        let running = section(
            "abc",
            &status(Phase::Running {
                done: 2_000,
                total: 8_000,
            }),
        )
        .into_string();
        assert!(running.contains(r#"hx-get="/staff/import/claims/abc/status""#));
        assert!(running.contains(r#"hx-trigger="every 1s""#));
        assert!(running.contains("2000 / 8000 行（25%）"), "{running}");
        assert!(
            running.contains(r#"href="/staff/import/claims/abc""#),
            "a link without JS"
        );
        let counting = section("abc", &status(Phase::Running { done: 0, total: 0 })).into_string();
        assert!(counting.contains("確認しています"));
        let failed = section("abc", &status(Phase::Failed)).into_string();
        assert!(!failed.contains("hx-trigger") && failed.contains("何も取り込んでいません"));
    }
}
