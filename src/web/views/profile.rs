//! 個人情報管理 and パスワード変更.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use super::menu::logout_form;
use crate::web::Ctx;

pub struct ProfileView<'a> {
    pub email: &'a str,
    pub notify: bool,
    pub new_email: &'a str,
    pub email_error: Option<&'a str>,
    /// Beside `現在のパスワード`, asked with every e-mail change.
    pub password_error: Option<&'a str>,
    pub flash: Option<&'a str>,
    /// The passkey section (its list, and registration where passkeys can work).
    pub passkeys: Option<Markup>,
}

pub fn profile(ctx: &Ctx, v: &ProfileView) -> Markup {
    let errors: Vec<(&str, &str)> = [
        ("email", v.email_error),
        ("current_password", v.password_error),
    ]
    .into_iter()
    .filter_map(|(id, e)| e.map(|e| (id, e)))
    .collect();
    let first = errors.first().map(|(f, _)| *f);
    html! {
        h1 { "個人情報管理" }
        @if let Some(flash) = v.flash { p.flash role="status" { (flash) } }
        (error_summary(&errors))
        section aria-labelledby="email-heading" {
            h2 #email-heading { "メールアドレス" }
            dl.confirm { dt { "現在のメールアドレス" } dd { (v.email) } }
            p { "新しいメールアドレスに確認のメールをお送りします。メールに記載のURLを開くと変更が完了します（それまでは現在のメールアドレスのままです）。" }
            form.card method="post" action="/menu/profile/email" hx-post="/menu/profile/email" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
                (csrf(ctx))
                (Field {
                    kind: "email", value: v.new_email, autocomplete: "email", inputmode: Some("email"),
                    error: v.email_error, autofocus: first == Some("email"),
                    ..Field::new("email", "新しいメールアドレス")
                }.render())
                (Field {
                    kind: "password", autocomplete: "current-password", error: v.password_error,
                    hint: Some("メールアドレスは、パスワードを忘れたときの再設定に使われます。ご本人の確認のため、現在のパスワードを入力してください。"),
                    autofocus: first == Some("current_password"),
                    ..Field::new("current_password", "現在のパスワード")
                }.render())
                div.actions { button.button.button--primary type="submit" { "確認メールを送信" } }
            }
        }
        section aria-labelledby="notify-heading" {
            h2 #notify-heading { "通知情報" }
            form.card method="post" action="/menu/profile/notify" hx-post="/menu/profile/notify" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" {
                (csrf(ctx))
                fieldset.field {
                    legend { "通知情報" }
                    label { input #notify type="checkbox" name="notify" value="on" checked[v.notify]; " 通知情報更新時のメール通知" }
                }
                div.actions { button.button.button--primary type="submit" { "通知設定を保存" } }
            }
        }
        @if let Some(passkeys) = &v.passkeys { (passkeys) }
        p { a href="/menu" { "メニューへ戻る" } }
        (logout_form(ctx))
    }
}

/// What the confirmation link opens: the address changes only when the button is pressed
/// (mail scanners open links before the member does).
pub fn confirm_email(ctx: &Ctx, token: &str, new_email: &str) -> Markup {
    html! {
        h1 { "メールアドレスの変更" }
        p { "ご登録のメールアドレスを次のアドレスに変更します。よろしければ、下のボタンを押してください。" }
        dl.confirm { dt { "新しいメールアドレス" } dd { (new_email) } }
        form.card method="post" action="/confirm-email" hx-post="/confirm-email" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" {
            (csrf(ctx))
            input type="hidden" name="token" value=(token);
            div.actions { button.button.button--primary type="submit" { "メールアドレスを変更する" } }
        }
    }
}

pub fn email_confirmed(new_email: &str, logged_in: bool) -> Markup {
    html! {
        h1 { "メールアドレスの変更" }
        p.flash role="status" { "メールアドレスを変更しました。" }
        dl.confirm { dt { "新しいメールアドレス" } dd { (new_email) } }
        div.actions {
            @if logged_in { a.button.button--primary href="/menu/profile" { "個人情報管理へ" } }
            @else { a.button.button--primary href="/" { "ログイン画面へ" } }
        }
    }
}

#[derive(Default)]
pub struct PasswordForm {
    pub current_error: Option<String>,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
}

/// Why the change screen is shown before anything else, if it is forced.
pub fn password(ctx: &Ctx, form: &PasswordForm, forced: bool) -> Markup {
    let errors: Vec<(&str, &str)> = [
        ("current_password", &form.current_error),
        ("password", &form.password_error),
        ("password_confirm", &form.confirm_error),
    ]
    .into_iter()
    .filter_map(|(id, e)| e.as_deref().map(|e| (id, e)))
    .collect();
    let first = errors.first().map(|(f, _)| *f);
    html! {
        h1 { "パスワード変更" }
        @if forced {
            p.flash.flash--warning role="alert" { "パスワードの変更が必要です。仮パスワードでログインした場合や、パスワードを長期間変更していない場合は、新しいパスワードを設定するまで他の画面はご利用いただけません。" }
        }
        (error_summary(&errors))
        ul.rules {
            li { "パスワードは8文字以上で、英字と数字の両方を含めてください。" }
            li { "ユーザID、健康保険組合名、記号・番号を含むものは登録できません。" }
        }
        form.card method="post" action="/menu/password" hx-post="/menu/password" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            (Field {
                kind: "password", autocomplete: "current-password", error: form.current_error.as_deref(),
                hint: forced.then_some("仮パスワードでログインした場合は、仮パスワードを入力してください。"),
                autofocus: first == Some("current_password"),
                ..Field::new("current_password", "現在のパスワード")
            }.render())
            (Field {
                kind: "password", autocomplete: "new-password", error: form.password_error.as_deref(),
                hint: Some("8文字以上 英字・数字を含む形式"), autofocus: first == Some("password"),
                ..Field::new("password", "新しいパスワード")
            }.render())
            (Field {
                kind: "password", autocomplete: "new-password", error: form.confirm_error.as_deref(),
                hint: Some("確認のため、同じパスワードをもう一度入力してください。"),
                autofocus: first == Some("password_confirm"),
                ..Field::new("password_confirm", "新しいパスワード確認用")
            }.render())
            div.actions { button.button.button--primary type="submit" { "変更" } }
        }
        @if !forced { p { a href="/menu" { "メニューへ戻る" } } }
        (logout_form(ctx))
    }
}

pub fn password_changed(ctx: &Ctx) -> Markup {
    html! {
        h1 { "パスワード変更" }
        p.flash role="status" { "パスワードを変更しました。" }
        p { "ほかの端末でログインしていた場合は、ログアウトしました。ご登録のメールアドレスにお知らせをお送りしました。" }
        div.actions { a.button.button--primary href="/menu" { "メニューへ" } }
        (logout_form(ctx))
    }
}
