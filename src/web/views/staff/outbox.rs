//! 送信メール: pending, sent and failed mail; retry.

use maud::{Markup, html};

use crate::clock::format_jst;
use crate::console::outbox::{Counts, MailRow, state_label};
use crate::mail::outbox::MailState;
use crate::web::Ctx;
use crate::web::views::components::csrf;

pub fn page(
    ctx: &Ctx,
    rows: &[MailRow],
    counts: &Counts,
    filter: &str,
    flash: Option<&str>,
) -> Markup {
    html! {
        h1 { "送信メール" }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        @if counts.pending > 0 {
            p.hint { "送信待ちのメールは、メールサーバーが設定されていれば順に送られます。" }
        }
        @if let Some(why) = &counts.waiting_because {
            p.flash role="status" {
                "メールサーバーに送れなかったため、送信待ちのメールは時間をおいて自動で再送します（間隔は30秒から最長1時間まで延びます）。最後のエラー: " (why)
            }
        }
        ul.tabs {
            li { a href="/staff/outbox" aria-current=[(filter.is_empty()).then_some("page")] { "すべて" } }
            li { a href="/staff/outbox?state=pending" aria-current=[(filter == "pending").then_some("page")] { "送信待ち（" (counts.pending) "）" } }
            li { a href="/staff/outbox?state=sent" aria-current=[(filter == "sent").then_some("page")] { "送信済み（" (counts.sent) "）" } }
            li { a href="/staff/outbox?state=failed" aria-current=[(filter == "failed").then_some("page")] { "送信失敗（" (counts.failed) "）" } }
        }
        @if counts.failed > 0 {
            form method="post" action="/staff/outbox/retry-failed" hx-post="/staff/outbox/retry-failed" hx-target="#main" {
                (csrf(ctx))
                button.button.button--primary type="submit" { "失敗したメールをすべて再送" }
            }
        }
        @if rows.is_empty() { p { "該当するメールはありません。" } }
        @else {
            table.table {
                thead { tr { th { "作成日時" } th { "宛先" } th { "件名" } th { "状態" } th { "試行" } th { "最後のエラー" } th { "操作" } } }
                tbody {
                    @for m in rows {
                        tr {
                            td { (format_jst(m.created_at)) }
                            td { (m.to_masked) }
                            td { (m.subject) }
                            td {
                                (state_label(m.state))
                                @if let Some(s) = m.sent_at { br; (format_jst(s)) }
                                @if let (Some(next), true) = (m.next_attempt_at, m.attempts > 0) { br; "次回の送信 " (format_jst(next)) }
                            }
                            td { (m.attempts) }
                            td { (m.last_error.as_deref().unwrap_or("")) }
                            td {
                                @if m.state == MailState::Failed {
                                    form.inline method="post" action=(format!("/staff/outbox/{}/retry", m.id)) hx-post=(format!("/staff/outbox/{}/retry", m.id)) hx-target="#main" {
                                        (csrf(ctx))
                                        button.button.button--secondary type="submit" { "再送" }
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
