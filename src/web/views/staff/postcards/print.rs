//! The print view of freshly issued postcards, in the layout the clerk chose on the
//! はがき発行 screen: a document of its own (one stylesheet per layout, no inline styles),
//! and the pieces the layouts share.

use maud::{DOCTYPE, Markup, html};

use super::{letter, plain, pressure};
use crate::auth::credentials::Postcard;
use crate::clock::format_jst_date;
use crate::settings::UnionSettings;
use crate::web::{Ctx, assets};

/// How the postcards are printed (SPEC §3.1; issue #17).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// 圧着はがき (V折り): a 200 × 148 mm sheet, both sides, sealed by the union's
    /// pressure-seal printer or service. The default.
    Pressure,
    /// A4 三つ折り in a 長3 window envelope: the address shows in the window, the
    /// credentials are below the first fold.
    Letter,
    /// Today's open はがき (100 × 148 mm): the password can be read by anyone who
    /// handles it. Only when chosen.
    Plain,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Pressure, Layout::Letter, Layout::Plain];

    /// The form value; an empty one is the default.
    pub fn parse(value: &str) -> Option<Layout> {
        match value.trim() {
            "" | "pressure" => Some(Layout::Pressure),
            "letter" => Some(Layout::Letter),
            "plain" => Some(Layout::Plain),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Pressure => "pressure",
            Layout::Letter => "letter",
            Layout::Plain => "plain",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Layout::Pressure => "圧着はがき（V折り）",
            Layout::Letter => "窓付き封筒（長3・A4三つ折り）",
            Layout::Plain => "普通はがき（仮パスワードが見えます）",
        }
    }

    /// What to print on, and how, for the hint on the screen.
    pub fn how_to_print(self) -> &'static str {
        match self {
            Layout::Pressure => {
                "用紙を 200×148mm（V折り圧着はがき用紙、往復はがき大）、余白なし、両面印刷（短辺とじ）にして印刷し、圧着してください。1世帯につき1枚（表裏2ページ）です。"
            }
            Layout::Letter => {
                "用紙を A4、余白なしにして印刷してください。1世帯につき1枚です。宛名が外側に来るように、折り線の印で三つ折りにして、長3の窓付き封筒（窓 90×45mm、左から23mm・上から13mm）に入れてください。"
            }
            Layout::Plain => {
                "用紙をはがき（100×148mm）、余白なしにして印刷してください。1世帯につき1枚です。"
            }
        }
    }

    fn stylesheet(self) -> &'static str {
        match self {
            Layout::Pressure => "postcards-pressure.css",
            Layout::Letter => "postcards-letter.css",
            Layout::Plain => "postcards.css",
        }
    }
}

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

/// A whole document: every household's sheet in `layout`.
pub fn document(ctx: &Ctx, layout: Layout, cards: &[Postcard], login_url: &str) -> Markup {
    let service = crate::web::views::layout::service_name(ctx);
    let p = Print {
        service,
        login_url,
        sender: Sender::of(&ctx.settings),
        issued_on: format_jst_date(ctx.now),
    };
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                title { "はがき印刷 | " (service) }
                link rel="stylesheet" href=(assets::url(layout.stylesheet()));
            }
            body {
                div.print-hint {
                    p { strong { (layout.label()) } "：" (cards.len()) " 世帯分。" (layout.how_to_print()) " この画面は一度だけ表示できます。" }
                    @if layout == Layout::Plain {
                        p.print-hint__warning role="alert" { "普通はがきでは、仮パスワードが宛名と同じ面に印刷され、配達の途中で誰でも読むことができます（仮パスワードが見えます）。圧着はがきや窓付き封筒を使えない場合に限ってください。" }
                    }
                    @if !ctx.settings.has_sender_address() {
                        p.print-hint__warning { "差出人の住所が設定されていないため、差出人として組合名だけを印刷します（組合の設定で設定できます）。" }
                    }
                }
                @for c in cards {
                    @match layout {
                        Layout::Pressure => (pressure::sheet(&p, c)),
                        Layout::Letter => (letter::page(&p, c)),
                        Layout::Plain => (plain::card(&p, c)),
                    }
                }
            }
        }
    }
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
    use super::{Layout, postal};

    #[test]
    fn postal_codes_format_seven_digits_and_leave_anything_else_alone() {
        assert_eq!(postal("1000001"), "100-0001");
        // Seven bytes, but a multi-byte character straddles byte 3.
        assert_eq!(postal("1あ234"), "1あ234");
        assert_eq!(postal("123-456"), "123-456");
        assert_eq!(postal(""), "");
    }

    #[test]
    fn the_default_layout_is_the_sealed_postcard_and_unknown_ones_are_refused() {
        assert_eq!(Layout::parse(""), Some(Layout::Pressure));
        for l in Layout::ALL {
            assert_eq!(Layout::parse(l.as_str()), Some(l));
        }
        assert_eq!(Layout::parse("open"), None);
    }
}
