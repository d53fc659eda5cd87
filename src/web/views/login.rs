//! ログイン画面.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use crate::web::Ctx;

pub struct LoginForm<'a> {
    /// 「パスキーでログイン」 (where passkeys can work at the portal's address).
    pub passkey: bool,
    pub user_id: &'a str,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
}

pub fn maintenance_notice(ctx: &Ctx) -> Markup {
    let rule = &ctx.settings.maintenance;
    html! {
        div.notice role="note" {
            @if rule.enabled {
                p { "毎月" (rule.day) "日の" (rule.start_hour) ":00～" (rule.end_hour) ":00はメンテナンス作業のためご利用いただけません（" (rule.day) "日が土曜日・日曜日・祝日の場合は繰り上げとなります）。" }
            }
            @if let Some(next) = &ctx.maintenance.next {
                p { "次回のメンテナンス：" (crate::maintenance::describe(next)) }
            }
        }
    }
}

pub fn login(ctx: &Ctx, form: &LoginForm) -> Markup {
    let errors: Vec<(&str, &str)> = form.error.map(|e| vec![("user_id", e)]).unwrap_or_default();
    html! {
        h1 { "ログイン画面" }
        (maintenance_notice(ctx))
        @if let Some(notice) = form.notice { p.flash role="status" { (notice) } }
        (error_summary(&errors))
        p { "ユーザIDとパスワードを入力後、ログインボタンを押してください。" }
        p.hint { "初めてご利用の方は、はがきに記載の仮IDと仮パスワードを入力してください。" }
        form.card method="post" action="/" hx-post="/" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            (Field { value: form.user_id, autocomplete: "username", autofocus: form.error.is_some(), ..Field::new("user_id", "ユーザID") }.render())
            (Field { kind: "password", autocomplete: "current-password", ..Field::new("password", "パスワード") }.render())
            div.actions { button.button.button--primary type="submit" { "ログイン" } }
        }
        @if form.passkey { (super::passkeys::member_login(ctx)) }
        ul.links {
            li { a href="/forgot-id" { "IDを忘れた方はこちら" } }
            li { a href="/forgot-password" { "パスワードを忘れた方はこちら" } }
            li { a href="/terms" { "注意事項・免責事項・セキュリティポリシー等" } }
        }
    }
}
