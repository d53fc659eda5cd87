//! 管理画面: the staff login and home; one submodule per console screen.

pub mod accounts;
pub mod audit;
pub mod batches;
pub mod benefit_kinds;
pub mod claims;
pub mod households;
pub mod import;
pub mod layout;
pub mod maintenance;
pub mod nav;
pub mod notices;
pub mod outbox;
pub mod password;
pub mod postcards;
pub mod settings;
pub mod stats;
pub mod totp;

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

pub fn home(user: &crate::auth::model::StaffUser) -> Markup {
    html! {
        h1 { "管理画面" }
        p { (user.login) " さん、ようこそ。" }
        ul.menu {
            @for (path, label, _) in nav::visible(user).skip(1) {
                li { a.menu__item href=(path) { (label) } }
            }
        }
    }
}
