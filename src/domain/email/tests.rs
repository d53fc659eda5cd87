use super::*;

#[test]
fn accepts_common_addresses_and_keeps_their_case() {
    for input in [
        "yamada@example.jp",
        "Yamada.Taro@Example.CO.JP",
        "taro+kenpo@mail.example.com",
        "a@b.jp",
        "o'brien@example.ie",
        "x!#$%&'*+/=?^_`{|}~-y@example.com",
        "user@sub-domain.example.org",
        "user@123.example.jp",
    ] {
        let email = Email::parse(input).unwrap();
        assert_eq!(email.as_str(), input);
        assert_eq!(email.to_string(), input);
    }
}

#[test]
fn trims_surrounding_whitespace() {
    let email = Email::parse("  yamada@example.jp\u{3000}\n").unwrap();
    assert_eq!(email.as_str(), "yamada@example.jp");
}

#[test]
fn refuses_empty_input() {
    assert_eq!(Email::parse(""), Err(EmailError::Empty));
    assert_eq!(Email::parse(" \t "), Err(EmailError::Empty));
}

#[test]
fn refuses_full_width_and_other_non_ascii_characters() {
    for input in [
        "yamada＠example.jp",
        "ｙａｍａｄａ@example.jp",
        "yamada@例え.jp",
        "yamada@example。jp",
        "taro@exämple.com",
    ] {
        assert_eq!(Email::parse(input), Err(EmailError::NotAscii), "{input}");
    }
    assert!(EmailError::NotAscii.message().contains("半角"));
}

#[test]
fn refuses_addresses_longer_than_254_characters() {
    let domain = format!(
        "{}.{}.{}.jp",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63)
    );
    let fits = format!("{}@{domain}", "x".repeat(254 - 1 - domain.len()));
    assert_eq!(fits.len(), 254);
    assert!(Email::parse(&fits).is_ok());
    let too_long = format!("x{fits}");
    assert_eq!(Email::parse(&too_long), Err(EmailError::TooLong));
}

#[test]
fn requires_exactly_one_at_sign() {
    assert_eq!(Email::parse("yamada.example.jp"), Err(EmailError::AtSign));
    assert_eq!(Email::parse("ya@ma@example.jp"), Err(EmailError::AtSign));
    assert_eq!(Email::parse("yamada@@example.jp"), Err(EmailError::AtSign));
}

#[test]
fn local_part_is_1_to_64_characters() {
    assert_eq!(
        Email::parse("@example.jp"),
        Err(EmailError::InvalidLocalPart)
    );
    let longest = format!("{}@example.jp", "a".repeat(64));
    assert!(Email::parse(&longest).is_ok());
    let too_long = format!("{}@example.jp", "a".repeat(65));
    assert_eq!(Email::parse(&too_long), Err(EmailError::LocalPartTooLong));
}

#[test]
fn local_part_dots_must_separate_atoms() {
    for input in [
        ".yamada@example.jp",
        "yamada.@example.jp",
        "ya..mada@example.jp",
        "ya mada@example.jp",
        "\"yamada\"@example.jp",
        "ya(mada)@example.jp",
        "ya,mada@example.jp",
        "ya\\mada@example.jp",
    ] {
        assert_eq!(
            Email::parse(input),
            Err(EmailError::InvalidLocalPart),
            "{input}"
        );
    }
}

#[test]
fn domain_needs_valid_labels_and_a_top_level_domain() {
    for input in [
        "yamada@",
        "yamada@localhost",
        "yamada@example",
        "yamada@.example.jp",
        "yamada@example..jp",
        "yamada@example.jp.",
        "yamada@-example.jp",
        "yamada@example-.jp",
        "yamada@exa_mple.jp",
        "yamada@example.j",
        "yamada@example.j1",
        "yamada@192.168.0.1",
        "yamada@[192.168.0.1]",
        "yamada@exa mple.jp",
    ] {
        assert_eq!(
            Email::parse(input),
            Err(EmailError::InvalidDomain),
            "{input}"
        );
    }
}

#[test]
fn domain_labels_are_at_most_63_characters() {
    let ok = format!("yamada@{}.jp", "a".repeat(63));
    assert!(Email::parse(&ok).is_ok());
    let too_long = format!("yamada@{}.jp", "a".repeat(64));
    assert_eq!(Email::parse(&too_long), Err(EmailError::InvalidDomain));
}

#[test]
fn masked_shows_two_characters_and_the_domain() {
    let masked = |input| Email::parse(input).unwrap().masked();
    assert_eq!(masked("yamada@example.jp"), "ya***@example.jp");
    assert_eq!(masked("abc@example.jp"), "ab***@example.jp");
    assert_eq!(masked("ab@example.jp"), "a***@example.jp");
    assert_eq!(masked("a@example.jp"), "***@example.jp");
}

#[test]
fn every_error_has_a_japanese_message() {
    for error in [
        EmailError::Empty,
        EmailError::NotAscii,
        EmailError::TooLong,
        EmailError::AtSign,
        EmailError::LocalPartTooLong,
        EmailError::InvalidLocalPart,
        EmailError::InvalidDomain,
    ] {
        assert!(error.message().starts_with("メールアドレス"), "{error:?}");
        assert!(error.message().ends_with('。'), "{error:?}");
    }
}

#[test]
fn serde_round_trips_and_validates() {
    let email = Email::parse("Yamada@example.jp").unwrap();
    let json = serde_json::to_string(&email).unwrap();
    assert_eq!(json, "\"Yamada@example.jp\"");
    assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
    assert!(serde_json::from_str::<Email>("\"not-an-address\"").is_err());
}
