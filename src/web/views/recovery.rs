//! IDを忘れた方はこちら and パスワードを忘れた方はこちら.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use crate::web::Ctx;

/// What the member typed, and the messages beside the fields (formats only: whether
/// anything matched is never said).
#[derive(Default)]
pub struct RecoveryForm {
    pub user_id: String,
    pub email: String,
    pub user_id_error: Option<String>,
    pub email_error: Option<String>,
    pub birth_error: Option<String>,
}

impl RecoveryForm {
    fn errors(&self) -> Vec<(&str, &str)> {
        [
            ("user_id", &self.user_id_error),
            ("email", &self.email_error),
            ("birth_date", &self.birth_error),
        ]
        .into_iter()
        .filter_map(|(id, e)| e.as_deref().map(|e| (id, e)))
        .collect()
    }
}

fn email_field<'a>(form: &'a RecoveryForm, first: Option<&str>) -> Field<'a> {
    Field {
        kind: "email",
        value: &form.email,
        autocomplete: "email",
        inputmode: Some("email"),
        error: form.email_error.as_deref(),
        hint: Some("ご登録のメールアドレスを入力してください。"),
        autofocus: first == Some("email"),
        ..Field::new("email", "メールアドレス")
    }
}

fn birth_field<'a>(form: &'a RecoveryForm, first: Option<&str>) -> Field<'a> {
    Field {
        kind: "password",
        inputmode: Some("numeric"),
        error: form.birth_error.as_deref(),
        hint: Some("被保険者（ご本人）の生年月日を西暦8桁で入力してください（入力例：19790822）。"),
        autofocus: first == Some("birth_date"),
        ..Field::new("birth_date", "生年月日")
    }
}

pub fn forgot_id(ctx: &Ctx, form: &RecoveryForm) -> Markup {
    let errors = form.errors();
    let first = errors.first().map(|(f, _)| *f);
    html! {
        h1 { "IDを忘れた方" }
        (error_summary(&errors))
        p { "ご登録のメールアドレスと、被保険者（ご本人）の生年月日を入力し、送信ボタンを押してください。" }
        p { "ご登録の内容と一致した場合、ユーザIDを確認するためのURLをメールでお送りします。" }
        form.card method="post" action="/forgot-id" hx-post="/forgot-id" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            (email_field(form, first).render())
            (birth_field(form, first).render())
            div.actions { button.button.button--primary type="submit" { "送信" } }
        }
        p { a href="/" { "ログイン画面へ戻る" } }
    }
}

pub fn forgot_password(ctx: &Ctx, form: &RecoveryForm) -> Markup {
    let errors = form.errors();
    let first = errors.first().map(|(f, _)| *f);
    html! {
        h1 { "パスワードを忘れた方" }
        (error_summary(&errors))
        p { "ユーザID、ご登録のメールアドレス、被保険者（ご本人）の生年月日を入力し、送信ボタンを押してください。" }
        p { "ご登録の内容と一致した場合、仮パスワード（有効期限24時間）をメールでお送りします。仮パスワードでログインするまでは、これまでのパスワードもお使いいただけます。" }
        form.card method="post" action="/forgot-password" hx-post="/forgot-password" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            (Field {
                value: &form.user_id, autocomplete: "username", error: form.user_id_error.as_deref(),
                autofocus: first == Some("user_id"),
                ..Field::new("user_id", "ユーザID")
            }.render())
            (email_field(form, first).render())
            (birth_field(form, first).render())
            div.actions { button.button.button--primary type="submit" { "送信" } }
        }
        p { a href="/forgot-id" { "IDを忘れた方はこちら" } }
        p { a href="/" { "ログイン画面へ戻る" } }
    }
}

/// The one answer after a request, whatever matched.
pub fn sent(title: &str, what: &str) -> Markup {
    html! {
        h1 { (title) }
        p.flash role="status" { "受け付けました。" }
        p { "ご入力の内容がご登録の内容と一致した場合は、ご登録のメールアドレスに" (what) "をお送りしました。" }
        p { "しばらくしてもメールが届かない場合は、入力内容をご確認のうえ、もう一度お試しいただくか、健康保険組合までお問い合わせください。" }
        div.actions { a.button.button--primary href="/" { "ログイン画面へ" } }
    }
}

/// What the mailed link opens: nothing is used until the button is pressed (mail scanners
/// open links before the member does).
pub fn user_id_link(ctx: &Ctx, token: &str) -> Markup {
    html! {
        h1 { "ユーザIDの確認" }
        p { "下のボタンを押すと、ご登録のユーザIDを表示します。" }
        p.notice role="note" { "ユーザIDは一度だけ表示されます。表示されたらメモするなどして大切に保管してください。" }
        form.card method="post" action="/forgot-id/show" hx-post="/forgot-id/show" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" {
            (csrf(ctx))
            input type="hidden" name="token" value=(token);
            div.actions { button.button.button--primary type="submit" { "ユーザIDを表示する" } }
        }
        p { a href="/" { "ログイン画面へ" } }
    }
}

pub fn user_id_shown(user_id: &str) -> Markup {
    html! {
        h1 { "ユーザIDのお知らせ" }
        p { "ご登録のユーザIDは次のとおりです。" }
        dl.confirm { dt { "ユーザID" } dd #user-id { (user_id) } }
        p.notice role="note" { "この画面は一度だけ表示されます。メモするなどして大切に保管してください。" }
        div.actions { a.button.button--primary href="/" { "ログイン画面へ" } }
    }
}

/// A mailed link that is used, expired or unknown.
pub fn link_invalid(again: (&str, &str)) -> Markup {
    html! {
        h1 { "このURLは無効です" }
        p.flash.flash--warning role="alert" { "このURLは有効期限が切れているか、すでに使用されています。" }
        p { a href=(again.0) { (again.1) } }
        p { a href="/" { "ログイン画面へ" } }
    }
}
