//! Whole numbers typed into a file (yen amounts, days): digits only, worded refusals that
//! say what to change.

use super::member::{normalize_code, trim_spaces};

/// Why a field meant to hold a whole number was refused; carries the text as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WholeNumberError {
    #[error("「{0}」に桁区切りのコンマは使えません（1234 のように数字だけで入力してください）")]
    Separator(String),
    #[error("「{0}」にマイナスは使えません（0以上の数字で入力してください）")]
    Negative(String),
    #[error("「{0}」は数字だけで入力してください（単位や記号は付けません）")]
    Unit(String),
    #[error("「{0}」は整数（数字だけ）で入力してください")]
    NotDigits(String),
    #[error("「{0}」は大きすぎます")]
    TooLarge(String),
}

/// Reads a number of ASCII or full-width digits, spaces around it ignored.
pub fn parse_whole_number(raw: &str) -> Result<u64, WholeNumberError> {
    let text = normalize_code(raw);
    let raw = trim_spaces(raw).to_owned();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| WholeNumberError::TooLarge(raw));
    }
    Err(if text.contains([',', '，']) {
        WholeNumberError::Separator(raw)
    } else if text.starts_with(['-', '－', '▲', '△']) {
        WholeNumberError::Negative(raw)
    } else if text.contains(['円', '¥', '￥', '日']) {
        WholeNumberError::Unit(raw)
    } else {
        WholeNumberError::NotDigits(raw)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_read_and_everything_else_is_refused_with_its_reason() {
        assert_eq!(parse_whole_number(" ８４６０ "), Ok(8460));
        assert_eq!(parse_whole_number("0"), Ok(0));
        assert_eq!(parse_whole_number("18446744073709551615"), Ok(u64::MAX));
        for (text, expected) in [
            ("8,460", WholeNumberError::Separator("8,460".into())),
            ("-1", WholeNumberError::Negative("-1".into())),
            ("▲1", WholeNumberError::Negative("▲1".into())),
            ("8460円", WholeNumberError::Unit("8460円".into())),
            ("8460.5", WholeNumberError::NotDigits("8460.5".into())),
            ("1e3", WholeNumberError::NotDigits("1e3".into())),
            ("", WholeNumberError::NotDigits("".into())),
            (
                "18446744073709551616",
                WholeNumberError::TooLarge("18446744073709551616".into()),
            ),
        ] {
            assert_eq!(parse_whole_number(text), Err(expected), "{text}");
        }
    }
}
