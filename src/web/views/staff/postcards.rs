//! はがき発行: the issue list, the confirmation, the result links and the print view.

use maud::{DOCTYPE, Markup, html};

use crate::auth::credentials::{CredentialIssue, Postcard};
use crate::clock::{format_jst, format_jst_date};
use crate::web::{Ctx, assets};

pub fn page(
    ctx: &Ctx,
    unregistered: usize,
    issues: &[CredentialIssue],
    households: &str,
    error: Option<&str>,
) -> Markup {
    html! {
        h1 { "はがき発行（仮ID・仮パスワード）" }
        p { "発行すると、対象世帯のそれまでの仮ID・仮パスワードは使えなくなります。postcards.csv と印刷画面は、発行直後に一度だけ利用できます。" }
        @if let Some(e) = error { div.error-summary role="alert" { p { (e) } } }
        section.card {
            h2 { "未登録の全世帯に発行" }
            p { "未登録の世帯：" strong { (unregistered) " 世帯" } }
            form method="get" action="/staff/postcards/confirm" {
                input type="hidden" name="scope" value="all";
                button.button.button--primary type="submit" disabled[unregistered == 0] { "全世帯分を発行する" }
            }
        }
        section.card {
            h2 { "世帯を指定して発行" }
            form method="get" action="/staff/postcards/confirm" {
                div.field {
                    label for="households" { "記号-番号（1行に1世帯）" }
                    p.hint #households-hint { "例：1201-105" }
                    textarea #households name="households" rows="4" aria-describedby="households-hint" { (households) }
                }
                button.button.button--primary type="submit" { "指定した世帯に発行する" }
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

pub fn issued(count: usize, token: &str) -> Markup {
    html! {
        h1 { "発行しました" }
        p.flash role="status" { (count) " 世帯分の仮ID・仮パスワードを発行しました。" }
        p.flash.flash--warning { "次のファイルと印刷画面は一度だけ開けます（30分で消えます）。仮パスワードはこのほかには残りません。" }
        ul.links {
            li { a href=(format!("/staff/postcards/download/{token}")) download="postcards.csv" { "postcards.csv をダウンロード" } }
            li { a href=(format!("/staff/postcards/print/{token}")) target="_blank" rel="noopener" { "はがき印刷画面を開く" } }
        }
        p { a href="/staff/postcards" { "はがき発行へ戻る" } }
    }
}

/// `1234567` as `〒123-4567`; anything else as it was imported (never a byte slice that
/// could cut a multi-byte character).
fn postal(code: &str) -> String {
    match (code.get(..3), code.get(3..)) {
        (Some(a), Some(b)) if code.len() == 7 && code.bytes().all(|c| c.is_ascii_digit()) => {
            format!("〒{a}-{b}")
        }
        _ => code.to_string(),
    }
}

/// A whole document of its own: one はがき per printed page.
pub fn print(ctx: &Ctx, cards: &[Postcard], login_url: &str, union_name: &str) -> Markup {
    let service = crate::web::views::layout::service_name(ctx);
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                title { "はがき印刷 | " (service) }
                link rel="stylesheet" href=(assets::url("postcards.css"));
            }
            body {
                p.print-hint { (cards.len()) " 枚。ブラウザの印刷機能で、用紙をはがき（100×148mm）、余白なしにして印刷してください。この画面は一度だけ表示できます。" }
                @for c in cards {
                    section.postcard aria-label=(format!("{} 様", c.name)) {
                        div.postcard__address {
                            p.postcard__postal { (postal(&c.postal_code)) }
                            p { (c.address) }
                            p.postcard__name { (c.name) " 様" }
                        }
                        div.postcard__body {
                            h2 { (service) " 初期登録のご案内" }
                            p { "下記の仮ID・仮パスワードでログインし、初期登録を行ってください。" }
                            dl.postcard__creds {
                                dt { "ログインURL" } dd { (login_url) }
                                dt { "仮ユーザID" } dd { (c.temporary_id) }
                                dt { "仮パスワード" } dd { (c.temporary_password) }
                                dt { "有効期限" } dd { (format_jst_date(c.expires_at)) }
                            }
                            p { "記号-番号 " (c.household) }
                        }
                        p.postcard__from { (union_name) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::postal;

    #[test]
    fn postal_codes_format_seven_digits_and_leave_anything_else_alone() {
        assert_eq!(postal("1000001"), "〒100-0001");
        // Seven bytes, but a multi-byte character straddles byte 3.
        assert_eq!(postal("1あ234"), "1あ234");
        assert_eq!(postal("123-456"), "123-456");
        assert_eq!(postal(""), "");
    }
}
