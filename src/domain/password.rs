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
mod tests;
