//! 組合の設定 (管理者): names, 保険者番号, limits, retention, and the terms of use.

use maud::{Markup, html};

use crate::clock::format_jst;
use crate::console::settings::SettingsInput;
use crate::terms::TermsVersion;
use crate::web::Ctx;
use crate::web::views::components::{Field, csrf, error_summary};

pub struct TermsView<'a> {
    pub version: u32,
    pub text: &'a str,
    pub history: &'a [TermsVersion],
    pub error: Option<&'a str>,
}

pub fn page(
    ctx: &Ctx,
    f: &SettingsInput,
    errors: &[(&'static str, String)],
    terms: &TermsView<'_>,
    flash: Option<&str>,
) -> Markup {
    let summary: Vec<(&str, &str)> = errors.iter().map(|(k, m)| (*k, m.as_str())).collect();
    let err = |k: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, m)| m.as_str())
    };
    html! {
        h1 { "組合の設定" }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        (error_summary(&summary))
        form.card method="post" action="/staff/settings" hx-post="/staff/settings" hx-target="#main" novalidate {
            (csrf(ctx))
            h2 { "名称" }
            (Field { value: &f.union_name, error: err("union_name"), ..Field::new("union_name", "組合名") }.render())
            (Field { value: &f.insurer_number, error: err("insurer_number"), inputmode: Some("numeric"), hint: Some("8桁。検証番号（最後の1桁）も確認します。"), ..Field::new("insurer_number", "保険者番号") }.render())
            (Field { value: &f.service_name, error: err("service_name"), hint: Some("画面とメールに表示します。"), ..Field::new("service_name", "サービス名") }.render())
            h2 { "期限と制限" }
            (Field { value: &f.credential_validity_days, error: err("credential_validity_days"), inputmode: Some("numeric"), ..Field::new("credential_validity_days", "仮ID・仮パスワードの有効日数") }.render())
            (Field { value: &f.temp_id_max_failures, error: err("temp_id_max_failures"), inputmode: Some("numeric"), ..Field::new("temp_id_max_failures", "本人確認の失敗でロックする回数") }.render())
            (Field { value: &f.temp_id_lock_minutes, error: err("temp_id_lock_minutes"), inputmode: Some("numeric"), ..Field::new("temp_id_lock_minutes", "本人確認ロックの時間（分）") }.render())
            (Field { value: &f.session_idle_minutes, error: err("session_idle_minutes"), inputmode: Some("numeric"), hint: Some("加入者の画面。管理画面は15分です。"), ..Field::new("session_idle_minutes", "無操作でログアウトするまで（分）") }.render())
            (Field { value: &f.session_absolute_hours, error: err("session_absolute_hours"), inputmode: Some("numeric"), ..Field::new("session_absolute_hours", "ログインの最長時間（時間）") }.render())
            (Field { value: &f.password_max_age_days, error: err("password_max_age_days"), inputmode: Some("numeric"), ..Field::new("password_max_age_days", "パスワードの有効日数") }.render())
            (Field { value: &f.retention_months, error: err("retention_months"), inputmode: Some("numeric"), hint: Some("これより古い医療費データは削除されます。"), ..Field::new("retention_months", "データの保存期間（月）") }.render())
            (Field { value: &f.account_lock_minutes, error: err("account_lock_minutes"), inputmode: Some("numeric"), hint: Some("ログインに10回失敗したときの最初のロック時間です。ロックのたびに前回の2倍になり、前回のログイン以降100回失敗すると、仮パスワードでのログインか職員による解除まで続きます。"), ..Field::new("account_lock_minutes", "ログインロックの時間（分）") }.render())
            (Field { value: &f.former_member_login_months, error: err("former_member_login_months"), inputmode: Some("numeric"), hint: Some("被保険者が資格を喪失した後、世帯がログインできる期間です。"), ..Field::new("former_member_login_months", "資格喪失後のログイン期間（月）") }.render())
            (Field { value: &f.audit_retention_months, error: err("audit_retention_months"), inputmode: Some("numeric"), hint: Some("これより古い監査ログは毎日の処理で削除されます（12〜240か月、初期値は84か月＝7年）。"), ..Field::new("audit_retention_months", "監査ログの保存期間（月）") }.render())
            h2 { "差出人（はがき・封筒）" }
            p.hint { "仮ID・仮パスワードのはがきと封筒の文書に、組合名とあわせて差出人として印刷します。未設定のときは組合名だけを印刷します。" }
            input type="hidden" name="sender_fields" value="1";
            (Field { value: &f.sender_postal_code, error: err("sender_postal_code"), required: false, inputmode: Some("numeric"), autocomplete: "postal-code", hint: Some("7桁。例：100-0001"), ..Field::new("sender_postal_code", "郵便番号") }.render())
            (Field { value: &f.sender_address, error: err("sender_address"), required: false, hint: Some("60文字以内。郵便番号と住所は両方とも入力してください。"), ..Field::new("sender_address", "住所") }.render())
            (Field { value: &f.sender_phone, error: err("sender_phone"), required: false, kind: "tel", inputmode: Some("tel"), hint: Some("問い合わせ先として印刷します。例：03-1234-5678"), ..Field::new("sender_phone", "電話番号") }.render())
            h2 { "職員のログイン" }
            input type="hidden" name="staff_totp_field" value="1";
            div.field {
                label { input #staff_totp_required type="checkbox" name="staff_totp_required" value="on" aria-describedby="staff-totp-hint" checked[f.staff_totp_required == "on"]; " 職員の二要素認証を必須にする" }
                p.hint #staff-totp-hint { "職員は加入者の医療費の情報を見ることができます。必須にすると、二要素認証を設定していない職員は、ログインの直後に設定の画面へ進み、設定を終えるまでほかの画面を使えません。認証アプリの確認コードとパスキーのどちらでも二要素認証になります。" }
            }
            div.field {
                label { input #staff_passkey_login type="checkbox" name="staff_passkey_login" value="on" aria-describedby="staff-passkey-hint" checked[f.staff_passkey_login == "on"]; " 職員のパスキーだけでのログインを認める" }
                p.hint #staff-passkey-hint { "認めると、パスキーを登録した職員は、ログインIDとパスワードを入力せずにパスキーだけでログインできます（パスキーは端末の指紋・顔・暗証番号による確認を伴うため、二要素認証に相当します）。" }
            }
            div.actions { button.button.button--primary type="submit" { "保存" } }
        }
        h2 { "給付種別（組合独自の付加給付）" }
        p { "支給決定ファイルで使う、組合独自の給付種別の名前と医療費控除での扱いを設定します。" a href="/staff/settings/benefit-kinds" { "給付種別の設定へ" } }
        (terms_form(ctx, terms))
    }
}

fn terms_form(ctx: &Ctx, t: &TermsView<'_>) -> Markup {
    html! {
        h2 #terms { "利用規約（注意事項・免責事項・セキュリティポリシー等）" }
        p { "現在の版：第" (t.version) "版。保存すると新しい版になり、これから登録する方はその版に同意します（同意した版は記録されます）。" }
        @if let Some(e) = t.error { div.error-summary role="alert" { p { (e) } } }
        form.card method="post" action="/staff/settings/terms" hx-post="/staff/settings/terms" hx-target="#main" novalidate {
            (csrf(ctx))
            div.field {
                label for="terms_text" { "本文" }
                p.hint #terms-hint { "「## 」で始まる行は見出しになります。" }
                textarea #terms_text name="text" rows="16" aria-describedby="terms-hint" { (t.text) }
            }
            div.actions { button.button.button--primary type="submit" { "新しい版として公開" } }
        }
        @if !t.history.is_empty() {
            table.table {
                caption { "公開の記録" }
                thead { tr { th { "版" } th { "公開日時" } th { "公開者" } } }
                tbody { @for v in t.history { tr { td { "第" (v.version) "版" } td { (format_jst(v.published_at)) } td { (v.published_by) } } } }
            }
        }
    }
}
