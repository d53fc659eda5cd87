//! お知らせ (staff): the list with states, and the form.

use maud::{Markup, html};

use crate::clock::{JST, format_jst};
use crate::notices::Notice;
use crate::web::Ctx;
use crate::web::views::components::{Field, csrf, error_summary};
use crate::web::views::rich_text;

pub fn list(ctx: &Ctx, notices: &[(String, Notice)], flash: Option<&str>) -> Markup {
    html! {
        h1 { "お知らせ" }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        p { a.button.button--primary href="/staff/notices/new" { "新しいお知らせを書く" } }
        @if notices.is_empty() { p { "お知らせはまだありません。" } }
        @else {
            table.table {
                thead { tr { th { "件名" } th { "状態" } th { "公開開始" } th { "掲載終了" } th { "操作" } } }
                tbody {
                    @for (id, n) in notices {
                        tr {
                            td { a href=(format!("/staff/notices/{id}")) { (n.title) } }
                            td { (n.state(ctx.now).label()) }
                            td { (format_jst(n.publish_from)) }
                            td { (n.publish_until.map(format_jst).unwrap_or_default()) }
                            td {
                                @let (path, label) = if n.withdrawn_at.is_some() { ("restore", "再公開") } else { ("withdraw", "取り下げ") };
                                form.inline method="post" action=(format!("/staff/notices/{id}/{path}")) hx-post=(format!("/staff/notices/{id}/{path}")) hx-target="#main" {
                                    (csrf(ctx))
                                    button.button.button--secondary type="submit" { (label) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub struct NoticeForm {
    pub title: String,
    pub body: String,
    pub publish_from: String,
    pub publish_until: String,
    pub errors: Vec<(&'static str, &'static str)>,
    pub preview: bool,
}

/// `YYYY-MM-DDTHH:MM` in Japan time, for datetime-local inputs.
pub fn local(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&JST).format("%Y-%m-%dT%H:%M").to_string()
}

impl NoticeForm {
    pub fn from_notice(n: &Notice) -> Self {
        Self {
            title: n.title.clone(),
            body: n.body.clone(),
            publish_from: local(n.publish_from),
            publish_until: n.publish_until.map(local).unwrap_or_default(),
            errors: Vec::new(),
            preview: false,
        }
    }
}

pub fn form(ctx: &Ctx, id: Option<&str>, f: &NoticeForm) -> Markup {
    let action = id.map_or_else(
        || "/staff/notices".to_string(),
        |id| format!("/staff/notices/{id}"),
    );
    let err = |field: &str| f.errors.iter().find(|(k, _)| *k == field).map(|(_, m)| *m);
    html! {
        h1 { @if id.is_some() { "お知らせの編集" } @else { "新しいお知らせ" } }
        (error_summary(&f.errors))
        form.card method="post" action=(action) hx-post=(action) hx-target="#main" hx-push-url="true" novalidate {
            (csrf(ctx))
            (Field { value: &f.title, error: err("title"), ..Field::new("title", "件名") }.render())
            div.field.field--error[err("body").is_some()] {
                label for="body" { "本文" span.required { "（必須）" } }
                p.hint #body-hint { "空行で段落、行頭の「- 」や「・」で箇条書き、「## 」で小見出しになります。HTMLやリンクは使えません。" }
                @if let Some(e) = err("body") { p.field-error #body-error { (e) } }
                textarea #body name="body" rows="10" aria-describedby="body-hint" { (f.body) }
            }
            (Field { kind: "datetime-local", value: &f.publish_from, error: err("publish_from"), ..Field::new("publish_from", "公開開始日時（日本時間）") }.render())
            (Field { kind: "datetime-local", value: &f.publish_until, required: false, error: err("publish_until"), hint: Some("空欄なら取り下げるまで掲載します。"), ..Field::new("publish_until", "掲載終了日時（日本時間）") }.render())
            div.actions {
                button.button.button--primary type="submit" name="action" value="save" { "保存" }
                button.button.button--secondary type="submit" name="action" value="preview" { "プレビュー" }
            }
        }
        @if f.preview {
            section.card aria-label="プレビュー" {
                h2 { "プレビュー：" (f.title) }
                div.notice-body { (rich_text::render(&f.body)) }
            }
        }
        p { a href="/staff/notices" { "お知らせ一覧へ" } }
    }
}
