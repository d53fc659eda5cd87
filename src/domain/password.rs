//! パスワード: the household's new password, checked at registration and on a change.
//! The value is a secret: it has no `Display` or `Serialize`, and its `Debug` hides it.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use super::insurer_number::fold_full_width_digits;

/// The most common passwords, lowercase, one a line.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../assets/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// A password that passed every rule and matched its confirmation.
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// What the password must not contain, besides the fixed rules.
#[derive(Clone, Copy, Default)]
pub struct PasswordContext<'a> {
    /// The user ID as typed (may be empty when not known yet).
    pub user_id: &'a str,
    /// The union's name (e.g. its romanised short name).
    pub union_name: &'a str,
    /// The household's 記号 and 番号 from the insurance card.
    pub household_symbol_number: &'a [&'a str],
}

/// The form field beside which a [`PasswordError`] is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordField {
    Password,
    Confirmation,
}

/// Why a new password was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password is empty")]
    Empty,
    #[error("the password is shorter than 8 characters")]
    TooShort,
    #[error("the password is longer than 128 characters")]
    TooLong,
    #[error("the password contains a character outside printable ASCII")]
    InvalidCharacter,
    #[error("the password lacks a letter or a digit")]
    NeedsLetterAndDigit,
    #[error("the password equals the user ID")]
    SameAsUserId,
    #[error("the password contains the user ID")]
    ContainsUserId,
    #[error("the password contains the union name")]
    ContainsUnionName,
    #[error("the password contains the household symbol or number")]
    ContainsSymbolNumber,
    #[error("the password is one of the most common passwords")]
    TooCommon,
    #[error("the confirmation is empty")]
    ConfirmationEmpty,
    #[error("the confirmation does not match the password")]
    ConfirmationMismatch,
}

impl PasswordError {
    /// The message shown beside [`PasswordError::field`].
    pub fn message(&self) -> &'static str {
        match self {
            Self::Empty => "パスワードを入力してください。",
            Self::TooShort => "パスワードは8文字以上で入力してください。",
            Self::TooLong => "パスワードは128文字以内で入力してください。",
            Self::InvalidCharacter => {
                "パスワードは半角の英字・数字・記号で入力してください（全角文字や空白は使えません）。"
            }
            Self::NeedsLetterAndDigit => {
                "パスワードには英字と数字をそれぞれ1文字以上含めてください。"
            }
            Self::SameAsUserId => "ユーザIDと同じパスワードは登録できません。",
            Self::ContainsUserId => "パスワードにユーザIDを含めることはできません。",
            Self::ContainsUnionName => "パスワードに健康保険組合の名称を含めることはできません。",
            Self::ContainsSymbolNumber => {
                "パスワードに健康保険証の記号・番号を含めることはできません。"
            }
            Self::TooCommon => {
                "このパスワードはよく使われていて推測されやすいため登録できません。別のパスワードを入力してください。"
            }
            Self::ConfirmationEmpty => "確認のため、パスワードをもう一度入力してください。",
            Self::ConfirmationMismatch => {
                "パスワードと確認用のパスワードが一致しません。もう一度入力してください。"
            }
        }
    }

    /// The field the message belongs beside.
    pub fn field(&self) -> PasswordField {
        match self {
            Self::ConfirmationEmpty | Self::ConfirmationMismatch => PasswordField::Confirmation,
            _ => PasswordField::Password,
        }
    }
}

impl NewPassword {
    /// Fewest characters a password may have.
    pub const MIN_CHARS: usize = 8;
    /// Most characters a password may have.
    pub const MAX_CHARS: usize = 128;

    /// Checks `candidate` with [`check_rules`], then that `confirmation` equals it.
    /// Nothing is trimmed: every character typed is part of the password.
    pub fn parse(
        candidate: &str,
        confirmation: &str,
        ctx: &PasswordContext,
    ) -> Result<Self, PasswordError> {
        check_rules(candidate, ctx)?;
        check_confirmation(candidate, confirmation)?;
        Ok(Self(candidate.to_owned()))
    }

    /// The password itself, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Every rule except the confirmation, in the order the member should hear about them:
/// length, characters, letters and digits, then the context, then the common list.
pub fn check_rules(candidate: &str, ctx: &PasswordContext) -> Result<(), PasswordError> {
    check_length(candidate)?;
    check_characters(candidate)?;
    check_letter_and_digit(candidate)?;
    check_user_id(candidate, ctx.user_id)?;
    check_union_name(candidate, ctx.union_name)?;
    check_symbol_number(candidate, ctx.household_symbol_number)?;
    check_not_common(candidate)
}

fn check_length(candidate: &str) -> Result<(), PasswordError> {
    match candidate.chars().count() {
        0 => Err(PasswordError::Empty),
        n if n < NewPassword::MIN_CHARS => Err(PasswordError::TooShort),
        n if n > NewPassword::MAX_CHARS => Err(PasswordError::TooLong),
        _ => Ok(()),
    }
}

/// Only printable ASCII without the space (0x21–0x7E).
fn check_characters(candidate: &str) -> Result<(), PasswordError> {
    if candidate.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(PasswordError::InvalidCharacter)
    }
}

fn check_letter_and_digit(candidate: &str) -> Result<(), PasswordError> {
    let has_letter = candidate.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = candidate.chars().any(|c| c.is_ascii_digit());
    if has_letter && has_digit {
        Ok(())
    } else {
        Err(PasswordError::NeedsLetterAndDigit)
    }
}

fn check_user_id(candidate: &str, user_id: &str) -> Result<(), PasswordError> {
    let user_id = comparable(user_id);
    if user_id.is_empty() {
        return Ok(());
    }
    let candidate = comparable(candidate);
    if candidate == user_id {
        Err(PasswordError::SameAsUserId)
    } else if candidate.contains(&user_id) {
        Err(PasswordError::ContainsUserId)
    } else {
        Ok(())
    }
}

fn check_union_name(candidate: &str, union_name: &str) -> Result<(), PasswordError> {
    if contains_ignoring_case(candidate, union_name, 1) {
        Err(PasswordError::ContainsUnionName)
    } else {
        Ok(())
    }
}

/// Symbols and numbers shorter than three characters are too short to matter.
fn check_symbol_number(candidate: &str, parts: &[&str]) -> Result<(), PasswordError> {
    if parts
        .iter()
        .any(|part| contains_ignoring_case(candidate, part, 3))
    {
        Err(PasswordError::ContainsSymbolNumber)
    } else {
        Ok(())
    }
}

fn check_not_common(candidate: &str) -> Result<(), PasswordError> {
    if COMMON_PASSWORDS.contains(candidate.to_ascii_lowercase().as_str()) {
        Err(PasswordError::TooCommon)
    } else {
        Ok(())
    }
}

fn check_confirmation(candidate: &str, confirmation: &str) -> Result<(), PasswordError> {
    if confirmation.is_empty() {
        Err(PasswordError::ConfirmationEmpty)
    } else if confirmation != candidate {
        Err(PasswordError::ConfirmationMismatch)
    } else {
        Ok(())
    }
}

/// Whether `candidate` contains `needle` (case-insensitively, full-width digits folded),
/// ignoring needles shorter than `min_chars` once trimmed.
fn contains_ignoring_case(candidate: &str, needle: &str, min_chars: usize) -> bool {
    let needle = comparable(needle);
    needle.chars().count() >= min_chars && comparable(candidate).contains(&needle)
}

/// The form in which strings are compared: trimmed, full-width digits folded, ASCII
/// lowercase.
fn comparable(s: &str) -> String {
    fold_full_width_digits(s.trim()).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
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
        let parse =
            |confirmation| NewPassword::parse("k7#Rw9!zQp", confirmation, &ctx()).map(|_| ());
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
}
