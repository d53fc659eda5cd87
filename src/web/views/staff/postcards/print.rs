//! The print view of freshly issued postcards, in the layout the clerk chose on the
//! はがき発行 screen: a document of its own (one stylesheet per layout, no inline styles),
//! and the pieces the layouts share.

use maud::{DOCTYPE, Markup, html};

use super::parts::{Print, Sender};
use super::{letter, plain, pressure};
use crate::auth::credentials::Postcard;
use crate::clock::format_jst_date;
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

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn the_default_layout_is_the_sealed_postcard_and_unknown_ones_are_refused() {
        assert_eq!(Layout::parse(""), Some(Layout::Pressure));
        for l in Layout::ALL {
            assert_eq!(Layout::parse(l.as_str()), Some(l));
        }
        assert_eq!(Layout::parse("open"), None);
    }
}
