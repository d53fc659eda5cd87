use super::*;

const NO_CONTEXT: PasswordContext<'static> = PasswordContext {
    user_id: "",
    union_name: "",
    household_symbol_number: &[],
};

fn ctx() -> PasswordContext<'static> {
    PasswordContext {
        user_id: "MetroTaro1",
        union_name: "TokyoMetroKenpo",
        household_symbol_number: &["1234", "56", "7890123"],
    }
}

#[test]
fn accepts_a_good_password_that_matches_its_confirmation() {
    let password = NewPassword::parse("k7#Rw9!zQp", "k7#Rw9!zQp", &ctx()).unwrap();
    assert_eq!(password.expose(), "k7#Rw9!zQp");
}

#[test]
fn debug_hides_the_secret() {
    let password = NewPassword::parse("k7#Rw9!zQp", "k7#Rw9!zQp", &ctx()).unwrap();
    assert_eq!(format!("{password:?}"), "NewPassword(***)");
    assert!(!format!("{:?}", Some(password)).contains("k7#"));
}

#[test]
fn length_is_counted_in_characters_with_bounds_8_and_128() {
    assert_eq!(check_rules("", &NO_CONTEXT), Err(PasswordError::Empty));
    assert_eq!(
        check_rules("ab3defg", &NO_CONTEXT),
        Err(PasswordError::TooShort)
    );
    assert_eq!(check_rules("ab3defgh", &NO_CONTEXT), Ok(()));
    let longest = format!("x1{}", "y".repeat(126));
    assert_eq!(check_rules(&longest, &NO_CONTEXT), Ok(()));
    let too_long = format!("{longest}z");
    assert_eq!(
        check_rules(&too_long, &NO_CONTEXT),
        Err(PasswordError::TooLong)
    );
    // Seven full-width characters are seven characters, not 21 bytes.
    assert_eq!(
        check_rules("ａｂ３ｄｅｆｇ", &NO_CONTEXT),
        Err(PasswordError::TooShort)
    );
}

#[test]
fn refuses_spaces_full_width_and_control_characters() {
    for input in [
        "abc 123defg",
        "ａｂｃ１２３ｄｅｆ",
        "abc123defg\u{3000}",
        "abc123\tdefg",
        "abc123défg",
        "パスワード12345a",
    ] {
        assert_eq!(
            check_rules(input, &NO_CONTEXT),
            Err(PasswordError::InvalidCharacter),
            "{input}"
        );
    }
}

#[test]
fn accepts_every_printable_ascii_symbol() {
    let symbols: String = (0x21u8..=0x7e).map(char::from).collect();
    assert_eq!(check_rules(&symbols, &NO_CONTEXT), Ok(()));
}

#[test]
fn requires_both_a_letter_and_a_digit() {
    assert_eq!(
        check_rules("zqxwvbnmk", &NO_CONTEXT),
        Err(PasswordError::NeedsLetterAndDigit)
    );
    assert_eq!(
        check_rules("83920571", &NO_CONTEXT),
        Err(PasswordError::NeedsLetterAndDigit)
    );
    assert_eq!(
        check_rules("!#$%&()*+", &NO_CONTEXT),
        Err(PasswordError::NeedsLetterAndDigit)
    );
}

#[test]
fn refuses_the_user_id_in_any_case() {
    assert_eq!(
        check_rules("metrotaro1", &ctx()),
        Err(PasswordError::SameAsUserId)
    );
    assert_eq!(
        check_rules("METROTARO1", &ctx()),
        Err(PasswordError::SameAsUserId)
    );
    assert_eq!(
        check_rules("xMetroTaro1!", &ctx()),
        Err(PasswordError::ContainsUserId)
    );
    assert_eq!(
        check_rules("99metrotaro1", &ctx()),
        Err(PasswordError::ContainsUserId)
    );
}

#[test]
fn an_empty_user_id_refuses_nothing() {
    let ctx = PasswordContext {
        user_id: "  ",
        ..NO_CONTEXT
    };
    assert_eq!(check_rules("k7#Rw9!zQp", &ctx), Ok(()));
}

#[test]
fn refuses_the_union_name_in_any_case() {
    assert_eq!(
        check_rules("tokyometrokenpo2024", &ctx()),
        Err(PasswordError::ContainsUnionName)
    );
    let japanese = PasswordContext {
        union_name: "東京地下鉄健康保険組合",
        ..NO_CONTEXT
    };
    assert_eq!(check_rules("k7#Rw9!zQp", &japanese), Ok(()));
}

#[test]
fn refuses_symbol_and_number_of_three_characters_or_more() {
    assert_eq!(
        check_rules("abc1234xyz", &ctx()),
        Err(PasswordError::ContainsSymbolNumber)
    );
    assert_eq!(
        check_rules("q7890123w", &ctx()),
        Err(PasswordError::ContainsSymbolNumber)
    );
    // "56" is shorter than three characters and is ignored.
    assert_eq!(check_rules("qz56wkvx", &ctx()), Ok(()));
}

#[test]
fn symbol_and_number_with_full_width_digits_are_still_found() {
    let ctx = PasswordContext {
        household_symbol_number: &["１２３４"],
        ..NO_CONTEXT
    };
    assert_eq!(
        check_rules("abc1234xyz", &ctx),
        Err(PasswordError::ContainsSymbolNumber)
    );
}

#[test]
fn empty_context_parts_refuse_nothing() {
    let ctx = PasswordContext {
        user_id: "",
        union_name: "",
        household_symbol_number: &["", "  "],
    };
    assert_eq!(check_rules("k7#Rw9!zQp", &ctx), Ok(()));
}

#[test]
fn the_common_list_is_lowercase_and_loaded() {
    assert!(COMMON_PASSWORDS.len() > 19_000);
    assert!(COMMON_PASSWORDS.iter().all(|p| p.to_lowercase() == *p));
    assert!(COMMON_PASSWORDS.contains("password"));
}

#[test]
fn refuses_common_passwords_in_any_case() {
    for input in [
        "password1",
        "Password1",
        "PASSWORD1",
        "qwerty123",
        "abc12345",
    ] {
        assert!(COMMON_PASSWORDS.contains(input.to_ascii_lowercase().as_str()));
        assert_eq!(
            check_rules(input, &NO_CONTEXT),
            Err(PasswordError::TooCommon),
            "{input}"
        );
    }
}

#[test]
fn checks_run_in_order() {
    // Too short and common: length first.
    assert_eq!(
        check_rules("abc123", &NO_CONTEXT),
        Err(PasswordError::TooShort)
    );
    // Equal to the user ID and common: the context first.
    let common_id = PasswordContext {
        user_id: "password1",
        ..NO_CONTEXT
    };
    assert_eq!(
        check_rules("password1", &common_id),
        Err(PasswordError::SameAsUserId)
    );
    // A rule failure wins over a wrong confirmation.
    assert_eq!(
        NewPassword::parse("password1", "other", &NO_CONTEXT).map(|_| ()),
        Err(PasswordError::TooCommon)
    );
}

#[test]
fn confirmation_must_match_exactly() {
    let parse = |confirmation| NewPassword::parse("k7#Rw9!zQp", confirmation, &ctx()).map(|_| ());
    assert_eq!(parse(""), Err(PasswordError::ConfirmationEmpty));
    assert_eq!(
        parse("k7#rw9!zqp"),
        Err(PasswordError::ConfirmationMismatch)
    );
    assert_eq!(
        parse("k7#Rw9!zQp "),
        Err(PasswordError::ConfirmationMismatch)
    );
    assert_eq!(parse("k7#Rw9!zQp"), Ok(()));
}

#[test]
fn confirmation_errors_belong_beside_the_confirmation_field() {
    assert_eq!(
        PasswordError::ConfirmationMismatch.field(),
        PasswordField::Confirmation
    );
    assert_eq!(
        PasswordError::ConfirmationEmpty.field(),
        PasswordField::Confirmation
    );
    assert_eq!(PasswordError::TooCommon.field(), PasswordField::Password);
    assert_eq!(PasswordError::TooShort.field(), PasswordField::Password);
}

#[test]
fn every_error_has_a_japanese_message() {
    let all = [
        PasswordError::Empty,
        PasswordError::TooShort,
        PasswordError::TooLong,
        PasswordError::InvalidCharacter,
        PasswordError::NeedsLetterAndDigit,
        PasswordError::SameAsUserId,
        PasswordError::ContainsUserId,
        PasswordError::ContainsUnionName,
        PasswordError::ContainsSymbolNumber,
        PasswordError::TooCommon,
        PasswordError::ConfirmationEmpty,
        PasswordError::ConfirmationMismatch,
    ];
    for error in all {
        assert!(error.message().contains("パスワード"), "{error:?}");
        assert!(error.message().ends_with('。'), "{error:?}");
    }
    assert!(PasswordError::InvalidCharacter.message().contains("全角"));
}
