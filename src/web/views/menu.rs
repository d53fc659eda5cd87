//! メニュー and the placeholders of screens still to come.

use maud::{Markup, html};

use crate::claims::query::DataStatus;
use crate::clock::format_jst_date;
use crate::domain::member::Person;
use crate::web::Ctx;
use crate::web::views::components::csrf;

pub const ITEMS: &[(&str, &str)] = &[
    ("expenses", "医療費照会"),
    ("tax-notice", "医療費のお知らせ (医療費控除用)"),
    ("benefits", "給付金のお知らせ (支給決定通知)"),
    ("notices", "お知らせ"),
    ("profile", "個人情報管理"),
    ("password", "パスワード変更"),
];

/// A member page's content followed by the logout button (htmx swaps only `<main>`, so
/// every member page carries its own).
pub fn with_logout(ctx: &Ctx, content: Markup) -> Markup {
    html! { (content) (logout_form(ctx)) }
}

pub fn logout_form(ctx: &Ctx) -> Markup {
    html! {
        form.logout method="post" action="/logout" {
            (csrf(ctx))
            button.button.button--secondary type="submit" { "ログアウト" }
        }
    }
}

pub fn menu(ctx: &Ctx, people: &[Person], status: Option<DataStatus>) -> Markup {
    html! {
        h1 { "メニュー" }
        @if let Some(next) = ctx.maintenance.next.filter(|w| w.start - ctx.now <= chrono::Duration::hours(24)) {
            p.flash.flash--warning role="status" {
                "メンテナンスのお知らせ：" (crate::maintenance::describe(&next)) " はメンテナンス作業のためご利用いただけません。"
            }
        }
        @if let Some(ends) = people.iter().find(|p| p.is_insured()).and_then(|p| p.login_ends(ctx.settings.former_member_login_months)) {
            p.notice role="note" {
                "この世帯の被保険者の方は、当組合の資格を喪失されています。過去の医療費の情報は、" (ends.format("%Y年%-m月%-d日")) "までご覧いただけます。新しい情報のお知らせメールは送信されません。"
            }
        }
        p.data-status #data-status {
            @match status {
                Some(s) => { "最新の医療費情報: " (s.through) "診療分まで（" (format_jst_date(s.published_at)) " 掲載）" },
                None => { "医療費情報はまだ掲載されていません。" },
            }
        }
        section aria-labelledby="household-heading" {
            h2 #household-heading { "ご登録の世帯" }
            ul.people {
                @for p in people { li { (p.name) } }
            }
        }
        nav aria-label="メニュー" {
            ul.menu {
                @for (slug, label) in ITEMS {
                    li { a.menu__item href=(format!("/menu/{slug}")) { (label) } }
                }
            }
        }
        (logout_form(ctx))
    }
}
