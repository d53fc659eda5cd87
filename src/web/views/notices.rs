//! お知らせ for members: the list with unread marks, and one notice.

use maud::{Markup, html};

use super::menu::logout_form;
use super::rich_text;
use crate::clock::format_jst_date;
use crate::notices::Notice;
use crate::web::Ctx;

pub fn list(ctx: &Ctx, notices: &[(String, Notice, bool)]) -> Markup {
    html! {
        h1 { "お知らせ" }
        @if notices.is_empty() { p { "お知らせはありません。" } }
        @else {
            ul.notice-list {
                @for (id, n, read) in notices {
                    li.notice-list__item.notice-list__item--unread[!read] {
                        @if !read { span.badge { "未読" } " " }
                        a href=(format!("/menu/notices/{id}")) { (n.title) }
                        " "
                        span.hint { (format_jst_date(n.publish_from)) }
                    }
                }
            }
        }
        p { a href="/menu" { "メニューへ戻る" } }
        (logout_form(ctx))
    }
}

pub fn show(ctx: &Ctx, n: &Notice) -> Markup {
    html! {
        h1 { (n.title) }
        p.hint { (format_jst_date(n.publish_from)) }
        div.notice-body { (rich_text::render(&n.body)) }
        p { a href="/menu/notices" { "お知らせ一覧へ" } }
        p { a href="/menu" { "メニューへ戻る" } }
        (logout_form(ctx))
    }
}
