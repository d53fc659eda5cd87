//! 医療費データの公開: every imported claim file and benefits file (batch) with its kind and
//! state; publishing one.

use maud::{Markup, html};

use crate::claims::{Batch, BatchKind};
use crate::clock::format_jst;

/// `2025年3月〜2025年5月`, or one month, or a dash for an empty batch.
pub fn months(batch: &Batch) -> String {
    match (batch.first_month, batch.last_month) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}〜{b}"),
        _ => "—".to_string(),
    }
}

/// Who did it, as staff read it: `staff:tanaka` → `tanaka`, `cli` → `コマンド`.
pub fn actor_label(actor: &str) -> String {
    match actor {
        "cli" => "コマンド（kenpo import）".to_string(),
        "demo" => "デモデータ".to_string(),
        other => other.strip_prefix("staff:").unwrap_or(other).to_string(),
    }
}

/// The 「種類」 of the confirmation step.
pub fn kind_label(batch: &Batch) -> &'static str {
    match batch.kind {
        BatchKind::Claims => "医療費",
        BatchKind::Benefits => "支給決定（給付金）",
    }
}

/// What the months of a batch are: 診療年月 of claims, 対象年月 of decisions.
pub fn months_label(batch: &Batch) -> &'static str {
    match batch.kind {
        BatchKind::Claims => "診療年月",
        BatchKind::Benefits => "対象年月",
    }
}

pub fn publish_path(batch: &Batch) -> String {
    format!("/staff/batches/{}/publish", batch.number())
}

/// Newest first.
pub fn list(batches: &[Batch], flash: Option<&str>) -> Markup {
    let waiting = batches.iter().filter(|b| !b.is_published()).count();
    html! {
        h1 { "医療費データの公開" }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        p {
            "取り込んだ医療費ファイルと支給決定ファイルの一覧です。公開すると加入者がそのデータを見られるようになり、お知らせメールを希望した世帯にメールを送ります。"
        }
        @if waiting > 0 { p.flash.flash--warning { "未公開のデータが " (waiting) " 件あります。" } }
        p { a href="/staff/import" { "医療費ファイル・支給決定ファイルを取り込む" } }
        @if batches.is_empty() { p { "取り込んだファイルはまだありません。" } }
        @else {
            table.table {
                caption { "取り込み済みのデータ（" (batches.len()) " 件、新しい順）" }
                thead {
                    tr {
                        th scope="col" { "取り込み番号" }
                        th scope="col" { "種類" }
                        th scope="col" { "取り込み日時" }
                        th scope="col" { "取り込んだ人" }
                        th scope="col" { "件数" }
                        th scope="col" { "診療年月・対象年月" }
                        th scope="col" { "状態" }
                    }
                }
                tbody {
                    @for b in batches {
                        tr {
                            td { (b.number()) }
                            td { (b.kind.label()) }
                            td { (format_jst(b.imported_at)) }
                            td { (actor_label(&b.imported_by)) }
                            td { (b.rows) " 件" br; span.hint { "新規 " (b.added) "・差し替え " (b.replaced) "・変更なし " (b.unchanged) } }
                            td { (months(b)) }
                            td {
                                @match (b.published_at, &b.published_by) {
                                    (Some(at), by) => {
                                        "公開済み" br;
                                        span.hint { (format_jst(at)) @if let Some(by) = by { "（" (actor_label(by)) "）" } }
                                    }
                                    (None, _) => {
                                        strong { "未公開" } br;
                                        a href=(publish_path(b)) aria-label=(format!("取り込み番号 {} を公開する", b.number())) { "公開する…" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
