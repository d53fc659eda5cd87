//! はがき発行: the issue list with the choice of print layout, the result links, and
//! (in `print` and one module per layout) the print view.

use maud::{Markup, html};

mod letter;
mod parts;
mod plain;
mod pressure;
pub mod print;

use crate::auth::credentials::CredentialIssue;
use crate::clock::{format_jst, format_jst_date};
use crate::web::Ctx;
use print::Layout;

pub fn page(
    ctx: &Ctx,
    unregistered: usize,
    issues: &[CredentialIssue],
    households: &str,
    layout: Layout,
    error: Option<&str>,
) -> Markup {
    html! {
        h1 { "はがき発行（仮ID・仮パスワード）" }
        p { "発行すると、対象世帯のそれまでの仮ID・仮パスワードは使えなくなります。postcards.csv と印刷画面は、発行直後に一度だけ利用できます。" }
        @if !ctx.settings.has_sender_address() { (no_sender(&ctx.settings.union_name)) }
        @if let Some(e) = error { div.error-summary role="alert" { p { (e) } } }
        form method="get" action="/staff/postcards/confirm" {
            section.card { (layout_choice(layout)) }
            section.card {
                h2 { "未登録の全世帯に発行" }
                p { "未登録の世帯：" strong { (unregistered) " 世帯" } }
                button.button.button--primary type="submit" name="scope" value="all" disabled[unregistered == 0] { "全世帯分を発行する" }
            }
            section.card {
                h2 { "世帯を指定して発行" }
                div.field {
                    label for="households" { "記号-番号（1行に1世帯）" }
                    p.hint #households-hint { "例：1201-105" }
                    textarea #households name="households" rows="4" aria-describedby="households-hint" { (households) }
                }
                button.button.button--primary type="submit" name="scope" value="households" { "指定した世帯に発行する" }
            }
        }
        h2 { "発行の記録" }
        @if issues.is_empty() { p { "まだ発行していません。" } }
        @else {
            table.table {
                thead { tr { th { "発行日時" } th { "発行者" } th { "件数" } th { "有効期限" } th { "対象" } } }
                tbody {
                    @for i in issues {
                        tr {
                            td { (format_jst(i.at)) }
                            td { (i.actor) }
                            td { (i.count) }
                            td { (format_jst_date(i.expires_at)) @if i.expires_at <= ctx.now { "（期限切れ）" } }
                            td { @if i.households.is_empty() { "未登録の全世帯" } @else { (i.households.join("、")) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn issued(count: usize, token: &str, layout: Layout) -> Markup {
    html! {
        h1 { "発行しました" }
        p.flash role="status" { (count) " 世帯分の仮ID・仮パスワードを発行しました。" }
        p.flash.flash--warning { "次のファイルと印刷画面は一度だけ開けます（30分で消えます）。仮パスワードはこのほかには残りません。" }
        p { "印刷の形式：" strong { (layout.label()) } }
        ul.links {
            li { a href=(format!("/staff/postcards/download/{token}")) download="postcards.csv" { "postcards.csv をダウンロード" } }
            li { a href=(format!("/staff/postcards/print/{token}?layout={}", layout.as_str())) target="_blank" rel="noopener" { "はがき印刷画面を開く" } }
        }
        p.hint { (layout.how_to_print()) }
        p { a href="/staff/postcards" { "はがき発行へ戻る" } }
    }
}

/// The three layouts as radio buttons; the plain はがき says the password will show.
fn layout_choice(selected: Layout) -> Markup {
    let hint = |l: Layout| match l {
        Layout::Pressure => {
            "外側に宛名・差出人・「親展」を、内側（はがすまで見えない面）に仮ID・仮パスワードを印刷します。200×148mm の V折り圧着はがき用紙に両面印刷し、圧着機または圧着の業者で封をします。"
        }
        Layout::Letter => {
            "A4 の上三分の一（封筒の窓）に宛名を、折り目より下に仮ID・仮パスワードを印刷します。三つ折りにして長3の窓付き封筒に入れます。"
        }
        Layout::Plain => {
            "注意：仮パスワードが宛名と同じ面に印刷され、配達の途中で誰でも読むことができます。圧着はがきも窓付き封筒も使えない場合に限ってください。"
        }
    };
    html! {
        fieldset.choices {
            legend { h2 { "印刷の形式" } }
            @for l in Layout::ALL {
                div.choice {
                    input type="radio" name="layout" id=(format!("layout-{}", l.as_str())) value=(l.as_str()) checked[l == selected] aria-describedby=(format!("layout-{}-hint", l.as_str()));
                    label for=(format!("layout-{}", l.as_str())) { (l.label()) }
                    p.hint.hint--warning[l == Layout::Plain] id=(format!("layout-{}-hint", l.as_str())) { (hint(l)) }
                }
            }
        }
    }
}

/// Said on the はがき発行 screen while 組合の設定 has no sender address.
pub fn no_sender(union_name: &str) -> Markup {
    html! {
        p.flash.flash--warning role="status" {
            "差出人の住所（郵便番号・住所・電話番号）が設定されていません。はがきと封筒の文書には、差出人として組合名「" (union_name) "」だけを印刷します。管理者が「組合の設定」の「差出人」で設定できます。"
        }
    }
}
