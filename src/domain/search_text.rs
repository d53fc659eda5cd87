//! Folding text for staff search: full-width ASCII to half-width, half-width katakana to
//! full-width, hiragana to katakana, no spaces, lower case. 「ﾔﾏﾀﾞ」「やまだ」「ヤマダ」 match.

const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";
const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
const SEMI_VOICED: &str = "パピプペポ";

fn shifted(c: char, by: u32) -> Option<char> {
    char::from_u32(c as u32 + by)
}

/// Applies a (half- or full-width) voicing mark to the previous katakana, if it takes one.
fn voice(out: &mut String, semi: bool) {
    let Some(last) = out.pop() else { return };
    let combined = if semi {
        shifted(last, 2).filter(|c| SEMI_VOICED.contains(*c))
    } else if last == 'ウ' {
        Some('ヴ')
    } else {
        shifted(last, 1).filter(|c| VOICED.contains(*c))
    };
    out.push(combined.unwrap_or(last));
}

/// The folded form used on both sides of a search.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = c as u32;
        match c {
            c if c.is_whitespace() => {}
            '\u{FF9E}' | '\u{309B}' | '\u{3099}' => voice(&mut out, false),
            '\u{FF9F}' | '\u{309C}' | '\u{309A}' => voice(&mut out, true),
            '\u{FF61}'..='\u{FF9D}' => {
                if let Some(k) = HALF_KANA.chars().nth((code - 0xFF61) as usize) {
                    out.push(k);
                }
            }
            '\u{FF01}'..='\u{FF5E}' => {
                if let Some(a) = char::from_u32(code - 0xFEE0) {
                    out.push(a.to_ascii_lowercase());
                }
            }
            '\u{3041}'..='\u{3096}' => out.push(shifted(c, 0x60).unwrap_or(c)),
            '‐' | '−' => out.push('-'),
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn kana_of_every_width_and_script_folds_to_one_form() {
        assert_eq!(fold("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダタロウ");
        assert_eq!(fold("やまだ　たろう"), "ヤマダタロウ");
        assert_eq!(fold("ヤマダ　タロウ"), "ヤマダタロウ");
        assert_eq!(fold("ﾊﾟﾋﾟﾌﾟ ｳﾞ"), "パピプヴ");
    }

    #[test]
    fn full_width_letters_and_digits_fold_to_ascii() {
        assert_eq!(fold("１２０１－１０５"), "1201-105");
        assert_eq!(fold("ＡＢｃ"), "abc");
        assert_eq!(fold("山田　太郎"), "山田太郎");
    }
}
