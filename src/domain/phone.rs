//! A Japanese telephone number as a union prints it beside its address (差出人): digits
//! with hyphens or parentheses as typed (`03-1234-5678`, `0120-123-456`, `03(1234)5678`).

use super::household::normalize_code;

/// Reads a telephone number: 10 or 11 digits starting with `0`, separated by hyphens,
/// parentheses or nothing; full-width digits and hyphens accepted. Returns it with ASCII
/// digits and hyphens, parentheses kept where they were.
pub fn parse_phone_number(text: &str) -> Option<String> {
    let text = normalize_code(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '0'..='9' | '(' | ')' => out.push(c),
            '-' | '－' | '‐' | '−' | 'ー' | '―' => out.push('-'),
            '（' => out.push('('),
            '）' => out.push(')'),
            _ => return None,
        }
    }
    let digits: Vec<char> = out.chars().filter(char::is_ascii_digit).collect();
    let starts_with_digit = out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '(');
    let ends_with_digit = out.chars().last().is_some_and(|c| c.is_ascii_digit());
    let well_formed = starts_with_digit && ends_with_digit && !out.contains("--");
    (well_formed && matches!(digits.len(), 10 | 11) && digits.first() == Some(&'0')).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_phone_number;

    #[test]
    fn phone_numbers_keep_their_separators_and_fold_full_width() {
        assert_eq!(
            parse_phone_number("03-1234-5678").as_deref(),
            Some("03-1234-5678")
        );
        assert_eq!(
            parse_phone_number("0120-123-456").as_deref(),
            Some("0120-123-456")
        );
        assert_eq!(
            parse_phone_number("03(1234)5678").as_deref(),
            Some("03(1234)5678")
        );
        assert_eq!(
            parse_phone_number("０３－１２３４－５６７８").as_deref(),
            Some("03-1234-5678")
        );
        assert_eq!(
            parse_phone_number(" 09012345678 ").as_deref(),
            Some("09012345678")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "3-1234-5678",
            "03-1234-567",
            "03-1234-56789-0",
            "03--1234-5678",
            "03-1234-5678-",
            "内線03-1234-5678",
            "03 1234 5678",
            "+81-3-1234-5678",
        ] {
            assert_eq!(parse_phone_number(bad), None, "{bad:?}");
        }
    }
}
