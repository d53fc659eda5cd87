//! A4 三つ折り for a 長3 window envelope: the address block sits where the envelope's
//! window is (90 × 45 mm at 23 mm from the left and 13 mm from the top); the letter with
//! the credentials starts below the first fold (99 mm), so the window never shows it.

use maud::{Markup, html};

use super::parts::{Print, credentials, first_steps, postal, sender};
use crate::auth::credentials::Postcard;

pub fn page(p: &Print<'_>, c: &Postcard) -> Markup {
    html! {
        section.postcard aria-label=(format!("{} 様", c.name)) {
            div.letter {
                div.letter__window {
                    @if !c.postal_code.is_empty() { p.letter__postal { "〒" (postal(&c.postal_code)) } }
                    p { (c.address) }
                    p.letter__name { (c.name) " 様" }
                    p.letter__confidential { "親展" }
                }
                div.letter__head {
                    p { (p.issued_on) }
                    (sender(&p.sender))
                }
                h2.letter__title { (p.service) " 初期登録のご案内" }
                span.fold-mark.fold-mark--1 {}
                span.fold-mark.fold-mark--2 {}
                div.letter__body {
                    p { (c.name) " 様（記号-番号 " (c.household) "）" }
                    p { "平素より当組合の事業にご協力いただき、ありがとうございます。" (p.service) "（医療費の照会など）の初期登録に使う仮ID・仮パスワードをお知らせします。" }
                    div.letter__creds { (credentials(p, c)) }
                    (first_steps(p))
                    h3.steps__title { "ご注意" }
                    ul.notes {
                        li { "仮ID・仮パスワードは、有効期限を過ぎると使えません。期限が過ぎたときや、この文書をなくしたときは、組合にお問い合わせください。" }
                        li { "登録を終えたら、この文書は細かく破るなどして処分してください。" }
                        li { "組合から電話やメールで仮パスワードをおたずねすることはありません。" }
                    }
                }
            }
        }
    }
}
