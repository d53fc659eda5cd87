//! The sender (差出人) of postcards and letters in 組合の設定: 郵便番号, 住所, 電話番号.
//! Each may stay empty (the print then names the union alone), but a 住所 needs its
//! 郵便番号 and the other way round.

use super::{FieldErrors, SettingsInput};
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

/// Reads the three fields into `s`; a form of an older page (without the hidden
/// `sender_fields`) keeps what is stored.
pub(super) fn parse(e: &mut FieldErrors, input: &SettingsInput, s: &mut UnionSettings) {
    if input.sender_fields.is_empty() {
        return;
    }
    let postal = trim_spaces(&input.sender_postal_code);
    let address = trim_spaces(&input.sender_address);
    let phone = trim_spaces(&input.sender_phone);
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
pub(super) fn changed(before: &SettingsInput, after: &SettingsInput) -> Vec<&'static str> {
    [
        (
            "sender_postal_code",
            before.sender_postal_code != after.sender_postal_code,
        ),
        (
            "sender_address",
            before.sender_address != after.sender_address,
        ),
        ("sender_phone", before.sender_phone != after.sender_phone),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(postal: &str, address: &str, phone: &str) -> SettingsInput {
        SettingsInput {
            sender_postal_code: postal.into(),
            sender_address: address.into(),
            sender_phone: phone.into(),
            sender_fields: "1".into(),
            ..SettingsInput::default()
        }
    }

    fn read(i: &SettingsInput) -> (UnionSettings, Vec<&'static str>) {
        let mut e = FieldErrors::new();
        let mut s = UnionSettings::default();
        parse(&mut e, i, &mut s);
        (s, e.into_iter().map(|(field, _)| field).collect())
    }

    #[test]
    fn a_full_sender_is_stored_folded() {
        let (s, errors) = read(&input(
            "〒１００－０００１",
            " 東京都千代田区千代田1-1 ",
            "０３－１２３４－５６７８",
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.sender_postal_code, "1000001");
        assert_eq!(s.sender_address, "東京都千代田区千代田1-1");
        assert_eq!(s.sender_phone, "03-1234-5678");
        assert_eq!(postal_for_form(&s.sender_postal_code), "100-0001");
    }

    #[test]
    fn nothing_at_all_is_allowed_and_half_a_sender_is_not() {
        assert!(read(&input("", "", "")).1.is_empty());
        assert!(read(&input("", "", "03-1234-5678")).1.is_empty());
        assert_eq!(
            read(&input("", "東京都千代田区", "")).1,
            ["sender_postal_code"]
        );
        assert_eq!(read(&input("100-0001", "", "")).1, ["sender_address"]);
        assert_eq!(
            read(&input("100-001", "東京都", "")).1,
            ["sender_postal_code"]
        );
        assert_eq!(
            read(&input("100-0001", "東京都", "1234")).1,
            ["sender_phone"]
        );
        let long = "東".repeat(MAX_ADDRESS_CHARS + 1);
        assert_eq!(read(&input("100-0001", &long, "")).1, ["sender_address"]);
    }

    #[test]
    fn a_form_without_the_sender_fields_keeps_what_is_stored() {
        let mut e = FieldErrors::new();
        let mut s = UnionSettings {
            sender_address: "東京都".into(),
            ..UnionSettings::default()
        };
        parse(&mut e, &SettingsInput::default(), &mut s);
        assert!(e.is_empty());
        assert_eq!(s.sender_address, "東京都");
    }
}
