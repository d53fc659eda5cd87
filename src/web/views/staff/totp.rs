//! 二要素認証: enrolment with a QR code (inline SVG), recovery codes, and the login code step.

use maud::{Markup, PreEscaped, html};
use qrcode::QrCode;
use qrcode::render::svg;

use crate::web::Ctx;
use crate::web::views::components::{Field, csrf};

/// The QR code of `data` as inline SVG (no XML declaration, no style attributes).
pub fn qr_svg(data: &str) -> Option<PreEscaped<String>> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = image.find("<svg")?;
    Some(PreEscaped(image[start..].to_string()))
}

/// Why a staff member cannot turn their second factor off while the union requires it.
pub const REQUIRED: &str = "組合の設定で職員の二要素認証が必須になっているため、やめることはできません。スマートフォンを替えるときは、管理者に解除を依頼してから設定し直してください。";

/// `required`: the union requires a second factor (then it cannot be turned off here).
pub fn enrolled(since: &str, required: bool) -> Markup {
    html! {
        h1 { "二要素認証" }
        p.flash role="status" { "二要素認証は設定済みです（" (since) "から）。ログインのたびに、認証アプリの確認コードを入力します。" }
        @if required {
            p.hint { "組合の設定で、職員の二要素認証は必須です。" }
        } @else {
            form method="get" action="/staff/totp/disable" {
                button.button.button--secondary type="submit" { "二要素認証をやめる" }
            }
        }
        p.hint { "スマートフォンをなくしたときは、回復コードでログインするか、管理者に解除を依頼してください。" }
    }
}

/// `required`: the union requires it and this staff member has none yet.
pub fn not_enrolled(ctx: &Ctx, required: bool) -> Markup {
    html! {
        h1 { "二要素認証" }
        @if required { (must_enrol_notice()) }
        p { "二要素認証を設定すると、ログインのたびにパスワードに加えて、スマートフォンの認証アプリに表示される確認コードを入力します。" }
        form method="post" action="/staff/totp/start" hx-post="/staff/totp/start" hx-target="#main" hx-push-url="true" {
            (csrf(ctx))
            button.button.button--primary type="submit" { "設定を始める" }
        }
    }
}

/// Turning it off needs the current password or a current code (not only the session).
pub fn disable_form(ctx: &Ctx, error: Option<&str>) -> Markup {
    html! {
        h1 { "二要素認証をやめる" }
        p.flash.flash--warning role="status" { "やめると、回復コードもすべて使えなくなります。再開するには設定し直す必要があります。" }
        form.card method="post" action="/staff/totp/disable" hx-post="/staff/totp/disable" hx-target="#main" hx-push-url="true" novalidate {
            (csrf(ctx))
            (Field { kind: "password", autocomplete: "current-password", error, autofocus: error.is_some(), hint: Some("本人確認のため、現在のパスワード、または認証アプリに表示されている6桁の確認コードを入力してください。"), ..Field::new("proof", "現在のパスワードまたは確認コード") }.render())
            div.actions.actions--pair {
                button.button.button--primary type="submit" { "やめる" }
                a.button.button--secondary href="/staff/totp" { "戻る" }
            }
        }
    }
}

fn must_enrol_notice() -> Markup {
    html! {
        p.flash.flash--warning role="status" { "組合の設定により、管理画面を使うには二要素認証の設定が必要です。設定を終えるまで、ほかの画面は表示できません。" }
    }
}

/// The disable page while the union requires a second factor: the reason, no form.
pub fn cannot_disable() -> Markup {
    html! {
        h1 { "二要素認証をやめる" }
        div.error-summary role="alert" { p { (REQUIRED) } }
        p { a href="/staff/totp" { "戻る" } }
    }
}

pub fn enrol(ctx: &Ctx, secret: &str, url: &str, error: Option<&str>, required: bool) -> Markup {
    html! {
        h1 { "二要素認証の設定" }
        @if required { (must_enrol_notice()) }
        ol.steps-plain {
            li { "スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）で、次のQRコードを読み取ってください。" }
            li { "読み取れないときは、このキーを手入力してください：" code.secret { (secret) } }
            li { "アプリに表示された6桁の確認コードを入力して「設定する」を押してください。" }
        }
        @if let Some(svg) = qr_svg(url) { div.qr { (svg) } }
        form.card method="post" action="/staff/totp" hx-post="/staff/totp" hx-target="#main" novalidate {
            (csrf(ctx))
            (Field { value: "", inputmode: Some("numeric"), autocomplete: "one-time-code", error, ..Field::new("code", "確認コード（6桁）") }.render())
            div.actions { button.button.button--primary type="submit" { "設定する" } }
        }
    }
}

pub fn recovery_codes(codes: &[String]) -> Markup {
    html! {
        h1 { "二要素認証を設定しました" }
        p.flash.flash--warning role="status" { "次の回復コードを印刷するか書き写して、安全な場所に保管してください。スマートフォンをなくしたとき、確認コードの代わりに1つずつ一度だけ使えます。この画面は二度と表示されません。" }
        ul.recovery-codes { @for c in codes { li { code { (c) } } } }
        p { a href="/staff" { "管理画面ホームへ" } }
    }
}

pub fn code_step(ctx: &Ctx, challenge: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "確認コードの入力" }
        @if let Some(e) = error { div.error-summary role="alert" { p { (e) } } }
        form.card method="post" action="/staff/login/code" novalidate {
            (csrf(ctx))
            input type="hidden" name="challenge" value=(challenge);
            (Field { value: "", inputmode: Some("numeric"), autocomplete: "one-time-code", autofocus: true, hint: Some("認証アプリに表示されている6桁の数字。スマートフォンがないときは回復コード。"), ..Field::new("code", "確認コード") }.render())
            div.actions { button.button.button--primary type="submit" { "ログイン" } }
        }
    }
}
