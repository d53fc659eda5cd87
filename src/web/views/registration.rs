//! The registration wizard's screens, labelled as in the union's guide.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use crate::web::Ctx;

fn steps(current: usize) -> Markup {
    const STEPS: [&str; 4] = ["本人確認", "個人情報入力", "入力確認", "完了"];
    html! {
        ol.steps aria-label="登録の手順" {
            @for (i, label) in STEPS.iter().enumerate() {
                li.step--current[i == current] aria-current=[(i == current).then_some("step")] { (label) }
            }
        }
    }
}

#[derive(Default)]
pub struct IdentityForm {
    pub insurer_number: String,
    pub insurer_error: Option<String>,
    pub birth_error: Option<String>,
    pub agree_error: Option<String>,
    pub summary: Option<String>,
}

pub fn identity(ctx: &Ctx, form: &IdentityForm, terms: &str) -> Markup {
    let mut errors = Vec::new();
    if let Some(e) = &form.insurer_error {
        errors.push(("insurer_number", e.as_str()));
    }
    if let Some(e) = &form.birth_error {
        errors.push(("birth_date", e.as_str()));
    }
    if let Some(e) = &form.agree_error {
        errors.push(("agree-yes", e.as_str()));
    }
    let first = errors.first().map(|(f, _)| *f);
    html! {
        h1 { "本人確認画面" }
        (steps(0))
        (error_summary(&errors))
        @if let Some(s) = &form.summary { p.flash.flash--warning role="alert" { (s) } }
        p { "健康保険証の下段に記載されている8桁の保険者番号と生年月日を入力してください（保険者番号は記号番号ではありません）。" }
        p { "また、当システムを利用される場合、注意事項・免責事項・セキュリティポリシー等に同意していただく必要があります。下記をお読みいただき、同意いただける場合は「同意する」を選択し、確認ボタンを押してください。" }
        form.card method="post" action="/register/identity" hx-post="/register/identity" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            (Field {
                value: &form.insurer_number, inputmode: Some("numeric"), error: form.insurer_error.as_deref(),
                hint: Some("健康保険証の下段に記載されている8桁の番号です（記号番号ではありません）。"),
                autofocus: first == Some("insurer_number"),
                ..Field::new("insurer_number", "保険者番号")
            }.render())
            (Field {
                kind: "password", inputmode: Some("numeric"), error: form.birth_error.as_deref(),
                hint: Some("被保険者（ご本人）の生年月日を西暦8桁で入力してください（入力例：19790822）。"),
                autofocus: first == Some("birth_date"),
                ..Field::new("birth_date", "生年月日")
            }.render())
            section.terms aria-labelledby="terms-heading" {
                h2 #terms-heading { "注意事項・免責事項・セキュリティポリシー等" }
                div.terms__box tabindex="0" role="region" aria-label="利用規約" { (terms_markup(terms)) }
            }
            fieldset.field.field--error[form.agree_error.is_some()] aria-describedby=[form.agree_error.as_ref().map(|_| "agree-error")] {
                legend { "注意事項等への同意" span.required { "（必須）" } }
                @if let Some(e) = &form.agree_error { p.field-error id="agree-error" { (e) } }
                div.radios {
                    label { input #agree-yes type="radio" name="agree" value="yes" autofocus[first == Some("agree-yes")]; " 同意する" }
                    label { input #agree-no type="radio" name="agree" value="no"; " 同意しない" }
                }
            }
            div.actions { button.button.button--primary type="submit" { "確認" } }
        }
    }
}

/// The terms text: blank lines separate paragraphs; lines starting with 第 are headings.
pub fn terms_markup(terms: &str) -> Markup {
    html! {
        @for para in terms.split("\n\n") {
            @let para = para.trim();
            @if para.starts_with('#') {
                h3 { (para.trim_start_matches('#').trim()) }
            } @else if !para.is_empty() {
                p { (para) }
            }
        }
    }
}

#[derive(Default)]
pub struct ProfileForm {
    pub user_id: String,
    pub email: String,
    pub notify: bool,
    pub user_id_error: Option<String>,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
    pub email_error: Option<String>,
}

pub fn profile(ctx: &Ctx, form: &ProfileForm) -> Markup {
    let mut errors = Vec::new();
    if let Some(e) = &form.user_id_error {
        errors.push(("user_id", e.as_str()));
    }
    if let Some(e) = &form.password_error {
        errors.push(("password", e.as_str()));
    }
    if let Some(e) = &form.confirm_error {
        errors.push(("password_confirm", e.as_str()));
    }
    if let Some(e) = &form.email_error {
        errors.push(("email", e.as_str()));
    }
    let first = errors.first().map(|(f, _)| *f);
    let live = html! {
        p #user_id-live.live aria-live="polite" {}
    };
    html! {
        h1 { "個人情報入力画面" }
        (steps(1))
        (error_summary(&errors))
        p.notice role="note" { "ユーザIDとパスワードは世帯共通です。ご家族（被扶養者）の方も同じユーザID・パスワードでご利用いただきます。" }
        p { "ご希望のユーザID、パスワードおよび初期設定情報を入力し、入力内容確認ボタンを押してください。" }
        ul.rules {
            li { "ユーザIDは一度登録すると変更できません。" }
            li { "ユーザIDは8文字以上13文字以内の半角英数字（「.」「_」「-」も使えます）で、英字を1文字以上含めてください。" }
            li { "パスワードは8文字以上で、英字と数字の両方を含めてください。ユーザIDと同じものは登録できません。" }
        }
        form.card method="post" action="/register/profile" hx-post="/register/profile" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" novalidate {
            (csrf(ctx))
            div hx-get="/register/user-id-check" hx-trigger="input changed delay:400ms from:#user_id" hx-target="#user_id-live" hx-include="#user_id" hx-swap="innerHTML" hx-push-url="false" {
                (Field {
                    value: &form.user_id, autocomplete: "username", error: form.user_id_error.as_deref(),
                    hint: Some("8文字以上13文字以内 ※登録後は変更できません"), autofocus: first == Some("user_id"),
                    extra: Some(live), ..Field::new("user_id", "ユーザID")
                }.render())
            }
            (Field {
                kind: "password", autocomplete: "new-password", error: form.password_error.as_deref(),
                hint: Some("8文字以上 英字・数字を含む形式 ※後から変更できます"), autofocus: first == Some("password"),
                ..Field::new("password", "パスワード")
            }.render())
            (Field {
                kind: "password", autocomplete: "new-password", error: form.confirm_error.as_deref(),
                hint: Some("確認のため、同じパスワードをもう一度入力してください。"), autofocus: first == Some("password_confirm"),
                ..Field::new("password_confirm", "パスワード確認用")
            }.render())
            (Field {
                kind: "email", value: &form.email, autocomplete: "email", error: form.email_error.as_deref(), inputmode: Some("email"),
                hint: Some("ユーザIDやパスワードを忘れたときにも使います。パソコンやスマートフォンで受け取れるアドレスをおすすめします。※後から変更できます"),
                autofocus: first == Some("email"),
                ..Field::new("email", "メールアドレス")
            }.render())
            fieldset.field {
                legend { "通知情報" }
                label { input #notify type="checkbox" name="notify" value="on" checked[form.notify]; " 通知情報更新時のメール通知" }
            }
            div.actions { button.button.button--primary type="submit" { "入力内容確認" } }
        }
    }
}

/// The live availability answer under the user ID field.
pub fn user_id_status(message: &str, ok: bool) -> Markup {
    html! {
        span.live--ok[ok] .live--ng[!ok] { (message) }
    }
}

pub struct ConfirmView<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    pub notify: bool,
}

pub fn confirm(ctx: &Ctx, view: &ConfirmView) -> Markup {
    html! {
        h1 { "入力確認画面" }
        (steps(2))
        p { "入力内容を確認し、問題なければ実行ボタンを押してください。" }
        dl.confirm {
            dt { "ユーザID（必須）" } dd { (view.user_id) }
            dt { "パスワード（必須）" } dd { "********" }
            dt { "メールアドレス（必須）" } dd { (view.email) }
            dt { "通知情報" } dd {
                "通知情報更新時のメール通知："
                @if view.notify { "希望する" } @else { "希望しない" }
            }
        }
        div.actions.actions--pair {
            form method="post" action="/register/execute" hx-post="/register/execute" hx-target="#main" hx-push-url="true" hx-disabled-elt="find button" {
                (csrf(ctx))
                button.button.button--primary type="submit" { "実行" }
            }
            form method="post" action="/register/back" hx-post="/register/back" hx-target="#main" hx-push-url="true" {
                (csrf(ctx))
                button.button.button--secondary type="submit" { "戻る" }
            }
        }
    }
}

pub fn done() -> Markup {
    html! {
        h1 { "登録完了" }
        (steps(3))
        p.flash role="status" { "これで初期登録は終了です" }
        p { "ご登録のメールアドレスに「ようこそ」メールをお送りしました。ログインに使うユーザIDが記載されていますので、印刷するなどして大切に保管してください。" }
        p { "メールが届かない場合は、メールアドレスが誤っている可能性があります。ログイン後の「個人情報管理」画面でご確認ください。" }
        p { "はがきの仮IDと仮パスワードは、今後ご利用いただけません。" }
        div.actions { a.button.button--primary href="/menu" { "メニューへ" } }
    }
}

/// A wizard screen opened without (or after the end of) its session.
pub fn message(title: &str, text: &str, link: (&str, &str)) -> Markup {
    html! {
        h1 { (title) }
        p.flash.flash--warning role="alert" { (text) }
        div.actions { a.button.button--primary href=(link.0) { (link.1) } }
    }
}
