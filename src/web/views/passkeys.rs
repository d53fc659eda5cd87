//! Passkeys on screen: the member's explanation and list in 個人情報管理, the login
//! screens' 「パスキーでログイン」, and the staff's list beside 二要素認証.
//!
//! Every passkey button sits in a box with `hidden`: `/assets/passkey.js` shows it only in a
//! browser that supports passkeys, so without JavaScript the buttons are absent and the
//! rest of the page works as before. The forms have no action: only the script sends them.

use maud::{Markup, html};

use super::components::{Field, csrf};
use crate::auth::passkey::PasskeyRow;
use crate::clock::format_jst_date;
use crate::web::Ctx;

/// The script's box: shown by the script, absent to a browser without it.
fn scripted(
    ctx: &Ctx,
    kind: &str,
    start: &str,
    finish: &str,
    fields: Markup,
    button: &str,
) -> Markup {
    html! {
        div.passkey-box data-passkey-box hidden {
            form.card data-passkey=(kind) data-start=(start) data-finish=(finish) novalidate {
                (csrf(ctx))
                (fields)
                p.field-error data-passkey-message role="alert" hidden {}
                div.actions { button.button.button--primary type="submit" { (button) } }
            }
        }
    }
}

/// What a passkey is, for a member who has never heard of one (plain words).
pub fn member_explanation() -> Markup {
    html! {
        div.notice role="note" {
            p { "パスキーは、お使いのスマートフォンやパソコンに、このホームページ専用の「合いかぎ」をしまっておくしくみです。パスワードの代わりに使えます。" }
            ul {
                li { "登録した端末では、ユーザIDやパスワードを入力しなくても、指紋や顔、画面ロックの暗証番号でログインできます。" }
                li { "合いかぎは本物のこのホームページでしか使えないため、にせもののホームページにだまされて盗まれることがありません。" }
                li { "パスワードはこれまでどおり使えます。パスキーを登録しても、パスワードでのログインはなくなりません。" }
                li { "ユーザIDはご家族で共通です。ご家族それぞれが、ご自分の端末で登録できます（10個まで）。" }
                li { "端末をなくしたときや買い替えたときは、下の一覧から削除してください。" }
            }
        }
    }
}

fn last_used(row: &PasskeyRow) -> String {
    row.last_used_at
        .map(format_jst_date)
        .unwrap_or_else(|| "まだ使われていません".to_string())
}

/// The member's list and registration, in 個人情報管理. `enabled`: the portal's address
/// allows passkeys (a domain name, not an IP address).
pub fn member_section(ctx: &Ctx, rows: &[PasskeyRow], enabled: bool) -> Markup {
    html! {
        section aria-labelledby="passkey-heading" {
            h2 #passkey-heading { "パスキー" }
            (member_explanation())
            (list(rows, "/menu/profile/passkeys/delete"))
            @if enabled {
                (scripted(ctx, "create", "/menu/profile/passkeys/start", "/menu/profile/passkeys/finish", registration_fields(), "パスキーを登録する"))
            }
        }
    }
}

fn registration_fields() -> Markup {
    html! {
        (Field { autocomplete: "off", hint: Some("どの端末のパスキーか分かる名前を付けてください（例：母のiPhone）。30文字まで。"), ..Field::new("passkey_name", "パスキーの名前") }.render())
        (Field { kind: "password", autocomplete: "current-password", hint: Some("ご本人の確認のため、現在のパスワードを入力してください。"), ..Field::new("passkey_password", "現在のパスワード") }.render())
    }
}

/// The table of passkeys with a 削除 button each (a plain form: it asks for the password on
/// the next screen, with or without JavaScript).
pub fn list(rows: &[PasskeyRow], delete_path: &str) -> Markup {
    html! {
        @if rows.is_empty() {
            p { "登録されているパスキーはありません。" }
        } @else {
            div.table-scroll {
                table.table {
                    caption { "登録されているパスキー（" (rows.len()) "個）" }
                    thead { tr { th scope="col" { "名前" } th scope="col" { "登録日" } th scope="col" { "最後に使った日" } th scope="col" { "削除" } } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (row.name) }
                                td { (format_jst_date(row.created_at)) }
                                td { (last_used(row)) }
                                td {
                                    form method="get" action=(delete_path) {
                                        input type="hidden" name="id" value=(row.id);
                                        button.button.button--secondary type="submit" aria-label=(format!("{}を削除", row.name)) { "削除" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 削除の確認: the current password, beside which a wrong one is told.
pub fn delete_confirm(
    ctx: &Ctx,
    row: &PasskeyRow,
    action: &str,
    back: &str,
    error: Option<&str>,
) -> Markup {
    html! {
        h1 { "パスキーの削除" }
        @if let Some(e) = error { div.error-summary role="alert" { p { a href="#current_password" { (e) } } } }
        p { "パスキー「" (row.name) "」を削除します。削除したパスキーでは、ログインできなくなります。パスワードでのログインは、これまでどおりご利用いただけます。" }
        form.card method="post" action=(action) novalidate {
            (csrf(ctx))
            input type="hidden" name="id" value=(row.id);
            (Field { kind: "password", autocomplete: "current-password", error, autofocus: true, hint: Some("ご本人の確認のため、現在のパスワードを入力してください。"), ..Field::new("current_password", "現在のパスワード") }.render())
            div.actions {
                button.button.button--primary type="submit" { "削除する" }
                a.button.button--secondary href=(back) { "戻る" }
            }
        }
    }
}

/// 「パスキーでログイン」 on the member login screen.
pub fn member_login(ctx: &Ctx) -> Markup {
    let fields = html! {
        p.hint { "パスキーを登録済みの端末では、ユーザIDやパスワードを入力せずにログインできます。" }
    };
    scripted(
        ctx,
        "get",
        "/passkey/login/start",
        "/passkey/login/finish",
        fields,
        "パスキーでログイン",
    )
}

/// 「パスキーでログイン」 on the staff login screen (when the 管理者 allows it).
pub fn staff_login(ctx: &Ctx) -> Markup {
    let fields =
        html! { p.hint { "パスキーだけでログインできます（組合の設定で認められています）。" } };
    scripted(
        ctx,
        "get",
        "/staff/login/passkey-only/start",
        "/staff/login/passkey-only/finish",
        fields,
        "パスキーでログイン",
    )
}

/// The code step's 「パスキーで確認」.
pub fn second_factor(ctx: &Ctx, challenge: &str) -> Markup {
    let fields = html! {
        input type="hidden" name="challenge" value=(challenge);
        p.hint { "登録済みのパスキーで、二要素目の確認ができます。" }
    };
    scripted(
        ctx,
        "get",
        "/staff/login/passkey/start",
        "/staff/login/passkey/finish",
        fields,
        "パスキーで確認",
    )
}

/// A staff member's own passkeys, on the 二要素認証 page.
pub fn staff_section(ctx: &Ctx, rows: &[PasskeyRow], enabled: bool) -> Markup {
    html! {
        section aria-labelledby="passkey-heading" {
            h2 #passkey-heading { "パスキー" }
            p { "パスキーは、認証アプリの確認コードと同じく二要素認証として使えます。パスワードの入力後に「パスキーで確認」を押し、端末の指紋・顔・暗証番号で確認します。" }
            (list(rows, "/staff/passkeys/delete"))
            @if enabled {
                (scripted(ctx, "create", "/staff/passkeys/register/start", "/staff/passkeys/register/finish", registration_fields(), "パスキーを登録する"))
            }
        }
    }
}

/// The household's passkeys on its staff page, with one button that deletes them all.
pub fn household_passkeys(ctx: &Ctx, rows: &[PasskeyRow], base: &str) -> Markup {
    html! {
        h2 { "パスキー" }
        @if rows.is_empty() {
            p { "登録されているパスキーはありません。" }
        } @else {
            div.table-scroll {
                table.table {
                    thead { tr { th scope="col" { "名前" } th scope="col" { "登録日" } th scope="col" { "最後に使った日" } } }
                    tbody {
                        @for row in rows {
                            tr { td { (row.name) } td { (format_jst_date(row.created_at)) } td { (last_used(row)) } }
                        }
                    }
                }
            }
            p.hint { "端末をなくした・盗まれたなどの申し出があったときに削除します。この世帯のログイン中の画面もすべて終了します（パスワードでは引き続きログインできます）。削除すると世帯にメールでお知らせします。" }
            form method="post" action=(format!("{base}/passkeys/delete")) {
                (csrf(ctx))
                button.button.button--secondary type="submit" { "この世帯のパスキーをすべて削除" }
            }
        }
    }
}
