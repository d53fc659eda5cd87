//! The sender (差出人) of postcards and letters in 組合の設定: 郵便番号, 住所, 電話番号.
//! Each may stay empty (the print then names the union alone), but a 住所 needs its
//! 郵便番号 and the other way round.

use crate::domain::household::trim_spaces;
use crate::domain::member::parse_postal_code;
use crate::domain::phone::parse_phone_number;
use crate::settings::UnionSettings;

/// The longest 住所 a postcard's sender block holds on two lines.
pub const MAX_ADDRESS_CHARS: usize = 60;

/// The stored postal code as the form shows it: `1000001` as `100-0001`.
pub fn postal_for_form(digits: &str) -> String {
    match (digits.get(..3), digits.get(3..)) {
        (Some(a), Some(b)) if digits.len() == 7 => format!("{a}-{b}"),
        _ => digits.to_string(),
    }
}

/// The three fields as typed: 郵便番号, 住所, 電話番号.
pub struct SenderInput<'a> {
    pub postal_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
}

/// Reads the three fields into `s`, or pushes each field's message onto `e`.
pub fn parse(e: &mut Vec<(&'static str, String)>, input: &SenderInput<'_>, s: &mut UnionSettings) {
    let postal = trim_spaces(input.postal_code);
    let address = trim_spaces(input.address);
    let phone = trim_spaces(input.phone);
    s.sender_postal_code = if postal.is_empty() {
        String::new()
    } else if let Some(digits) = parse_postal_code(postal) {
        digits
    } else {
        e.push((
            "sender_postal_code",
            "郵便番号は7桁の数字で入力してください（例：100-0001）。".into(),
        ));
        String::new()
    };
    if address.chars().count() > MAX_ADDRESS_CHARS || address.chars().any(char::is_control) {
        e.push((
            "sender_address",
            format!("住所を{MAX_ADDRESS_CHARS}文字以内で入力してください。"),
        ));
    }
    s.sender_address = address.to_string();
    if postal.is_empty() && !address.is_empty() {
        e.push((
            "sender_postal_code",
            "住所を入力する場合は、郵便番号も入力してください。".into(),
        ));
    }
    if address.is_empty() && !postal.is_empty() {
        e.push((
            "sender_address",
            "郵便番号を入力する場合は、住所も入力してください。".into(),
        ));
    }
    s.sender_phone = if phone.is_empty() {
        String::new()
    } else if let Some(number) = parse_phone_number(phone) {
        number
    } else {
        e.push((
            "sender_phone",
            "電話番号は0から始まる10桁または11桁の数字で、区切りはハイフンで入力してください（例：03-1234-5678）。".into(),
        ));
        String::new()
    };
}

/// The names of the sender fields that differ, for the audit row.
pub fn changed(before: &SenderInput<'_>, after: &SenderInput<'_>) -> Vec<&'static str> {
    [
        (
            "sender_postal_code",
            before.postal_code != after.postal_code,
        ),
        ("sender_address", before.address != after.address),
        ("sender_phone", before.phone != after.phone),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(postal_code: &str, address: &str, phone: &str) -> (UnionSettings, Vec<&'static str>) {
        let mut e = Vec::new();
        let mut s = UnionSettings::default();
        let input = SenderInput {
            postal_code,
            address,
            phone,
        };
        parse(&mut e, &input, &mut s);
        (s, e.into_iter().map(|(field, _)| field).collect())
    }

    #[test]
    fn a_full_sender_is_stored_folded() {
        let (s, errors) = read(
            "〒１００－０００１",
            " 東京都千代田区千代田1-1 ",
            "０３－１２３４－５６７８",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.sender_postal_code, "1000001");
        assert_eq!(s.sender_address, "東京都千代田区千代田1-1");
        assert_eq!(s.sender_phone, "03-1234-5678");
        assert_eq!(postal_for_form(&s.sender_postal_code), "100-0001");
    }

    #[test]
    fn nothing_at_all_is_allowed_and_half_a_sender_is_not() {
        assert!(read("", "", "").1.is_empty());
        assert!(read("", "", "03-1234-5678").1.is_empty());
        assert_eq!(read("", "東京都千代田区", "").1, ["sender_postal_code"]);
        assert_eq!(read("100-0001", "", "").1, ["sender_address"]);
        assert_eq!(read("100-001", "東京都", "").1, ["sender_postal_code"]);
        assert_eq!(read("100-0001", "東京都", "1234").1, ["sender_phone"]);
        let long = "東".repeat(MAX_ADDRESS_CHARS + 1);
        assert_eq!(read("100-0001", &long, "").1, ["sender_address"]);
    }
}
