//! 管理画面: the staff login and home.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use crate::web::Ctx;

pub fn login(ctx: &Ctx, login: &str, error: Option<&str>) -> Markup {
    let errors: Vec<(&str, &str)> = error.map(|e| vec![("login", e)]).unwrap_or_default();
    html! {
        h1 { "管理画面ログイン" }
        (error_summary(&errors))
        form.card method="post" action="/staff/login" novalidate {
            (csrf(ctx))
            (Field { value: login, autocomplete: "username", ..Field::new("login", "ログインID") }.render())
            (Field { kind: "password", autocomplete: "current-password", ..Field::new("password", "パスワード") }.render())
            div.actions { button.button.button--primary type="submit" { "ログイン" } }
        }
    }
}

pub fn home(ctx: &Ctx, login: &str) -> Markup {
    html! {
        h1 { "管理画面" }
        p { (login) " さん、ようこそ。" }
        nav aria-label="管理メニュー" {
            ul.menu { li { a.menu__item href="/staff/maintenance" { "メンテナンス設定" } } }
        }
        p.notice role="status" { "管理機能は順次追加されます。" }
        form method="post" action="/staff/logout" {
            (csrf(ctx))
            button.button.button--secondary type="submit" { "ログアウト" }
        }
    }
}
