//! The staff navigation bar, on every staff page.

use maud::{Markup, html};

use crate::web::Ctx;
use crate::web::staff::guard::StaffUser;
use crate::web::views::components::csrf;

/// (path, label, 管理者 only)
pub const ITEMS: &[(&str, &str, bool)] = &[
    ("/staff", "ホーム", false),
    ("/staff/households", "世帯検索", false),
    ("/staff/import", "データ取込", false),
    ("/staff/batches", "医療費データの公開", false),
    ("/staff/postcards", "はがき発行", false),
    ("/staff/notices", "お知らせ", false),
    ("/staff/outbox", "送信メール", false),
    ("/staff/stats", "統計", false),
    ("/staff/audit", "監査ログ", true),
    ("/staff/accounts", "職員アカウント", true),
    ("/staff/settings", "組合の設定", true),
    ("/staff/maintenance", "メンテナンス", true),
    ("/staff/totp", "二要素認証", false),
    ("/staff/password", "パスワードの変更", false),
];

pub fn visible(
    user: &StaffUser,
) -> impl Iterator<Item = &'static (&'static str, &'static str, bool)> + '_ {
    ITEMS
        .iter()
        .filter(|(_, _, admin)| !admin || user.is_admin())
}

pub fn nav(ctx: &Ctx, user: &StaffUser) -> Markup {
    let role = crate::auth::staff_accounts::role_label(user.role);
    html! {
        nav.staff-nav aria-label="管理メニュー" {
            p.staff-nav__who { "管理画面 ｜ " (user.login) "（" (role) "）" }
            ul.staff-nav__list {
                @for (path, label, _) in visible(user) {
                    li { a.staff-nav__link href=(path) { (label) } }
                }
                li {
                    form.staff-nav__logout method="post" action="/staff/logout" {
                        (csrf(ctx))
                        button.button.button--secondary type="submit" { "ログアウト" }
                    }
                }
            }
        }
    }
}

/// The bar above the enrolment a staff member must finish first: who, and logout only.
pub fn enrolment_bar(ctx: &Ctx, user: &StaffUser) -> Markup {
    let role = crate::auth::staff_accounts::role_label(user.role);
    html! {
        nav.staff-nav aria-label="管理メニュー" {
            p.staff-nav__who { "管理画面 ｜ " (user.login) "（" (role) "）" }
            ul.staff-nav__list {
                li {
                    form.staff-nav__logout method="post" action="/staff/logout" {
                        (csrf(ctx))
                        button.button.button--secondary type="submit" { "ログアウト" }
                    }
                }
            }
        }
    }
}

/// A confirmation step for a change that cannot be undone (no JavaScript confirm()).
pub struct Confirm<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub details: Vec<(&'a str, String)>,
    pub action: String,
    pub hidden: Vec<(&'a str, String)>,
    pub button: &'a str,
    pub cancel: String,
}

pub fn confirm(ctx: &Ctx, c: &Confirm<'_>) -> Markup {
    html! {
        h1 { (c.title) }
        p.flash.flash--warning role="status" { (c.message) }
        @if !c.details.is_empty() {
            dl.confirm {
                @for (label, value) in &c.details { dt { (label) } dd { (value) } }
            }
        }
        div.actions.actions--pair {
            form method="post" action=(c.action) hx-post=(c.action) hx-target="#main" hx-push-url="true" {
                (csrf(ctx))
                @for (name, value) in &c.hidden { input type="hidden" name=(name) value=(value); }
                button.button.button--primary type="submit" { (c.button) }
            }
            a.button.button--secondary href=(c.cancel) { "やめる" }
        }
    }
}

/// The URL path of a household page (記号 and 番号 percent-encoded).
pub fn household_path(h: &crate::domain::member::HouseholdKey) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("/staff/households/{}-{}", enc(&h.symbol), enc(&h.number))
}
