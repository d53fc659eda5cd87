//! What the print layouts share: the sender, the credentials block in groups, the first
//! steps, and the postal code as text.

use maud::{Markup, html};

use crate::auth::credentials::Postcard;
use crate::clock::format_jst_date;
use crate::settings::UnionSettings;

/// Who sends the postcards: the union's name and, from 組合の設定, its address.
pub struct Sender<'a> {
    pub union_name: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
}

impl<'a> Sender<'a> {
    pub fn of(settings: &'a UnionSettings) -> Self {
        Self {
            union_name: &settings.union_name,
            postal_code: &settings.sender_postal_code,
            address: &settings.sender_address,
            phone: &settings.sender_phone,
        }
    }
}

/// What every layout prints for one household.
pub struct Print<'a> {
    pub service: &'a str,
    pub login_url: &'a str,
    pub sender: Sender<'a>,
    pub issued_on: String,
}

/// `1234567` as `123-4567`; anything else as it was imported (never a byte slice that
/// could cut a multi-byte character).
pub fn postal(code: &str) -> String {
    match (code.get(..3), code.get(3..)) {
        (Some(a), Some(b)) if code.len() == 7 && code.bytes().all(|c| c.is_ascii_digit()) => {
            format!("{a}-{b}")
        }
        _ => code.to_string(),
    }
}

/// Text in groups of five, for reading out and typing (the gaps are margins, not spaces).
fn grouped(text: &str) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    html! {
        @for group in chars.chunks(5) { span.group { (group.iter().collect::<String>()) } }
    }
}

/// The login URL, the temporary ID and password in groups, and the expiry.
pub fn credentials(p: &Print<'_>, c: &Postcard) -> Markup {
    html! {
        dl.creds {
            dt { "ログインURL" } dd.creds__url.mono { (p.login_url) }
            dt { "仮ユーザID" } dd.creds__code.mono { (grouped(&c.temporary_id)) }
            dt { "仮パスワード" } dd.creds__code.creds__password.mono { (grouped(&c.temporary_password)) }
            dt { "有効期限" } dd { (format_jst_date(c.expires_at)) "まで" }
        }
        p.creds__note { "区切りの空きは入力しません。仮ユーザIDは数字だけ、仮パスワードは見分けにくい文字（0とO、1とlとI など）を使わない英字と数字です。" }
    }
}

/// The three lines on what to do first.
pub fn first_steps(p: &Print<'_>) -> Markup {
    html! {
        h3.steps__title { "はじめにすること" }
        ol.steps {
            li { "ログインURLを開き、仮ユーザIDと仮パスワードでログインしてください。" }
            li { "本人確認の画面で、保険者番号（保険証に記載の8桁）と被保険者の生年月日（西暦8桁）を入力してください。" }
            li { "ご自身のユーザID・パスワード・メールアドレスを登録すると、" (p.service) "を使えるようになります。仮ID・仮パスワードはその後は使えません。" }
        }
    }
}

/// The sender block: the union's name, and its address and phone when set.
pub fn sender(s: &Sender<'_>) -> Markup {
    html! {
        div.sender {
            p.sender__name { (s.union_name) }
            @if !s.postal_code.is_empty() { p { "〒" (postal(s.postal_code)) } }
            @if !s.address.is_empty() { p { (s.address) } }
            @if !s.phone.is_empty() { p { "電話 " (s.phone) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::postal;

    #[test]
    fn postal_codes_format_seven_digits_and_leave_anything_else_alone() {
        assert_eq!(postal("1000001"), "100-0001");
        // Seven bytes, but a multi-byte character straddles byte 3.
        assert_eq!(postal("1あ234"), "1あ234");
        assert_eq!(postal("123-456"), "123-456");
        assert_eq!(postal(""), "");
    }
}
