//! 普通はがき (100 × 148 mm), the layout before issue #17: the address and the
//! credentials on one open face. Printed only when the clerk chooses it, after a warning.

use maud::{Markup, html};

use super::parts::{Print, postal};
use crate::auth::credentials::Postcard;
use crate::clock::format_jst_date;

pub fn card(p: &Print<'_>, c: &Postcard) -> Markup {
    html! {
        section.postcard aria-label=(format!("{} 様", c.name)) {
            div.postcard__address {
                p.postcard__postal { @if !c.postal_code.is_empty() { "〒" } (postal(&c.postal_code)) }
                p { (c.address) }
                p.postcard__name { (c.name) " 様" }
            }
            div.postcard__body {
                h2 { (p.service) " 初期登録のご案内" }
                p { "下記の仮ID・仮パスワードでログインし、初期登録を行ってください。" }
                dl.postcard__creds {
                    dt { "ログインURL" } dd { (p.login_url) }
                    dt { "仮ユーザID" } dd { (c.temporary_id) }
                    dt { "仮パスワード" } dd { (c.temporary_password) }
                    dt { "有効期限" } dd { (format_jst_date(c.expires_at)) }
                }
                p { "記号-番号 " (c.household) }
            }
            p.postcard__from { (p.sender.union_name) }
        }
    }
}
