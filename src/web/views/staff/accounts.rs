//! 職員アカウント (管理者).

use maud::{Markup, html};

use crate::auth::failures::Lock;
use crate::auth::model::{StaffAccount, StaffRole, StaffUser};
use crate::auth::staff_accounts::role_label;
use crate::clock::format_jst;
use crate::web::Ctx;
use crate::web::views::components::{Field, csrf, error_summary};

#[derive(Default)]
pub struct NewStaffForm {
    pub login: String,
    pub role: String,
    pub errors: Vec<(&'static str, String)>,
}

fn error_for<'a>(errors: &'a [(&'static str, String)], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, m)| m.as_str())
}

pub fn status(a: &StaffAccount, now: chrono::DateTime<chrono::Utc>) -> String {
    if a.disabled {
        "停止中".into()
    } else {
        match a.lock(now) {
            Lock::Until(u) => format!("ロック中（{}まで）", format_jst(u)),
            Lock::ForGood => "ロック中（パスワードの再設定で解除）".into(),
            Lock::Open => "利用中".into(),
        }
    }
}

pub fn list(ctx: &Ctx, accounts: &[StaffAccount], form: &NewStaffForm) -> Markup {
    let errors: Vec<(&str, &str)> = form.errors.iter().map(|(f, m)| (*f, m.as_str())).collect();
    html! {
        h1 { "職員アカウント" }
        table.table {
            thead { tr { th { "ログインID" } th { "権限" } th { "状態" } th { "二要素認証" } th { "作成日時" } } }
            tbody {
                @for a in accounts {
                    tr {
                        td { a href=(format!("/staff/accounts/{}", a.login.to_ascii_lowercase())) { (a.login) } }
                        td { (role_label(a.role)) }
                        td { (status(a, ctx.now)) }
                        td { @if a.totp.is_some() { "設定済み" } @else { "未設定" } }
                        td { (format_jst(a.created_at)) }
                    }
                }
            }
        }
        h2 { "職員を追加" }
        (error_summary(&errors))
        form.card method="post" action="/staff/accounts" hx-post="/staff/accounts" hx-target="#main" hx-push-url="true" novalidate {
            (csrf(ctx))
            (Field { value: &form.login, error: error_for(&form.errors, "login"), hint: Some("半角英数字と「.」「_」「-」で3～32文字"), ..Field::new("login", "ログインID") }.render())
            fieldset.field {
                legend { "権限" }
                div.radios {
                    label { input type="radio" name="role" value="clerk" checked[form.role != "admin"]; " 担当者（日常業務）" }
                    label { input type="radio" name="role" value="admin" checked[form.role == "admin"]; " 管理者（職員・設定を含むすべて）" }
                }
            }
            (Field { kind: "password", autocomplete: "new-password", error: error_for(&form.errors, "password"), hint: Some("12文字以上"), ..Field::new("password", "初期パスワード") }.render())
            div.actions { button.button.button--primary type="submit" { "追加" } }
        }
    }
}

/// One account, as the 管理者 `viewer` sees it (their own password changes elsewhere).
pub fn detail(
    ctx: &Ctx,
    a: &StaffAccount,
    // The account has passkeys (reset with TOTP: both are its second factor).
    passkeys: bool,
    viewer: &StaffUser,
    error: Option<&str>,
    flash: Option<&str>,
) -> Markup {
    let key = a.login.to_ascii_lowercase();
    let own = viewer.login.eq_ignore_ascii_case(&a.login);
    let base = format!("/staff/accounts/{key}");
    html! {
        h1 { "職員アカウント：" (a.login) }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        @if let Some(e) = error { div.error-summary role="alert" { p { (e) } } }
        dl.confirm {
            dt { "権限" } dd { (role_label(a.role)) }
            dt { "状態" } dd { (status(a, ctx.now)) }
            dt { "二要素認証" } dd { @if a.totp.is_some() { "設定済み" } @else { "未設定" } }
        }
        h2 { "パスワードの再設定" }
        @if own {
            p { "ご自身のパスワードは、現在のパスワードを入力して変更します。" a href="/staff/password" { "パスワードの変更へ" } }
        } @else {
            form.card method="post" action=(format!("{base}/password")) hx-post=(format!("{base}/password")) hx-target="#main" novalidate {
                (csrf(ctx))
                (Field { kind: "password", autocomplete: "new-password", hint: Some("12文字以上。ロックも解除され、この職員のログイン中の画面は終了します。"), ..Field::new("password", "新しいパスワード") }.render())
                div.actions { button.button.button--primary type="submit" { "再設定" } }
            }
        }
        h2 { "利用の停止・削除" }
        div.actions {
            @let (path, label) = if a.disabled { ("enable", "利用を再開する") } else { ("disable", "利用を停止する") };
            form method="post" action=(format!("{base}/{path}")) hx-post=(format!("{base}/{path}")) hx-target="#main" {
                (csrf(ctx))
                button.button.button--secondary type="submit" { (label) }
            }
            @if a.totp.is_some() || passkeys {
                form method="post" action=(format!("{base}/totp-reset")) hx-post=(format!("{base}/totp-reset")) hx-target="#main" {
                    (csrf(ctx))
                    button.button.button--secondary type="submit" { "二要素認証を解除する" }
                }
            }
            a.button.button--secondary href=(format!("{base}/delete")) { "削除する" }
        }
        p { a href="/staff/accounts" { "職員アカウント一覧へ" } }
    }
}

pub fn parse_role(text: &str) -> StaffRole {
    if text == "admin" {
        StaffRole::Admin
    } else {
        StaffRole::Clerk
    }
}
