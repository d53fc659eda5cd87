//! 圧着はがき (V折り): one 200 × 148 mm sheet per household, printed on both sides. The
//! outside carries the address face (〒 in the seven boxes at Japan Post's positions,
//! address, name 様, 親展, sender) and a back panel; the inside, sealed until the member
//! peels it open, carries the credentials and what to do first.

use maud::{Markup, html};

use super::parts::{Print, credentials, first_steps, sender};
use crate::auth::credentials::Postcard;

/// The seven 郵便番号 boxes (assets/postcards-pressure.css places them).
fn postal_boxes(code: &str) -> Markup {
    let digits: Vec<char> = if code.len() == 7 && code.bytes().all(|b| b.is_ascii_digit()) {
        code.chars().collect()
    } else {
        Vec::new()
    };
    html! {
        div.zip aria-label=(format!("郵便番号 {code}")) {
            @for i in 0..7 {
                span class=(format!("zip__box zip__box--{}", i + 1)) { @if let Some(d) = digits.get(i) { (d) } }
            }
            span.zip__hyphen {}
        }
        @if digits.is_empty() && !code.is_empty() { p.zip__text { (code) } }
    }
}

pub fn sheet(p: &Print<'_>, c: &Postcard) -> Markup {
    html! {
        section.postcard aria-label=(format!("{} 様", c.name)) {
            p.side-label { "外側（1ページ目）：左が裏面、右が宛名面" }
            div.sheet.sheet--outside {
                div.panel.panel--back {
                    p.back__mark { "親展" }
                    h2.back__title { "重要なお知らせ" }
                    p { (p.service) " 初期登録のご案内" }
                    p.back__note { "内側に、ご本人の世帯だけがお使いになる仮ID・仮パスワードを記載しています。あて名の方以外は開封しないでください。" }
                    p.back__note { "開け方：角から、ゆっくりはがしてください。" }
                    (sender(&p.sender))
                }
                div.panel.panel--address {
                    p.address__kind { "郵便はがき" }
                    (postal_boxes(&c.postal_code))
                    div.address {
                        p.address__line { (c.address) }
                        p.address__name { (c.name) " 様" }
                        p.address__confidential { "親展" }
                    }
                    div.address__from { (sender(&p.sender)) }
                }
            }
            p.side-label { "内側（2ページ目）：はがして開く面" }
            div.sheet.sheet--inside {
                div.panel.panel--inside {
                    h2.inside__title { (p.service) " 初期登録のご案内" }
                    p.inside__lead { "初期登録に使う仮ID・仮パスワードをお知らせします。" }
                    (credentials(p, c))
                    (first_steps(p))
                }
                div.panel.panel--inside {
                    h3.steps__title { "ご注意" }
                    ul.notes {
                        li { "仮ID・仮パスワードは、有効期限を過ぎると使えません。期限が過ぎたときや、このはがきをなくしたときは、組合にお問い合わせください。" }
                        li { "登録を終えたら、このはがきは細かく破るなどして処分してください。" }
                        li { "組合から電話やメールで仮パスワードをおたずねすることはありません。" }
                    }
                    p.inside__household { "記号-番号 " (c.household) }
                    h3.steps__title { "お問い合わせ" }
                    (sender(&p.sender))
                    p.inside__issued { (p.issued_on) " 発行" }
                }
            }
        }
    }
}
