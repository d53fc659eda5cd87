//! ユーザID: the login name a household chooses at registration. It cannot be changed
//! afterwards and is unique across the union regardless of letter case.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid user ID: 8–13 half-width characters from `[A-Za-z0-9._-]`, at least one of
/// them a letter. The case is kept as typed; compare with [`UserId::normalized`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

/// Why a typed user ID was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum UserIdError {
    #[error("the user ID is empty")]
    Empty,
    #[error("the user ID is not 8 to 13 characters long")]
    Length,
    #[error("the user ID contains a character other than A-Z, a-z, 0-9, '.', '_' or '-'")]
    InvalidCharacter,
    #[error("the user ID contains no letter")]
    NoLetter,
}

impl UserIdError {
    /// The message shown beside the ユーザID field.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Empty => "ユーザIDを入力してください。",
            Self::Length => "ユーザIDは8文字以上13文字以内で入力してください。",
            Self::InvalidCharacter => {
                "ユーザIDは半角英数字と「.」「_」「-」で入力してください（全角文字や空白は使えません）。"
            }
            Self::NoLetter => "ユーザIDには英字を1文字以上含めてください。",
        }
    }
}

impl UserId {
    /// Fewest characters a user ID may have.
    pub const MIN_CHARS: usize = 8;
    /// Most characters a user ID may have.
    pub const MAX_CHARS: usize = 13;

    /// Parses user input. Surrounding whitespace is trimmed; full-width characters are
    /// refused, not converted, so the member sees exactly the ID that was stored.
    pub fn parse(input: &str) -> Result<Self, UserIdError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(UserIdError::Empty);
        }
        if !trimmed.chars().all(is_allowed_character) {
            return Err(UserIdError::InvalidCharacter);
        }
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&trimmed.chars().count()) {
            return Err(UserIdError::Length);
        }
        if !trimmed.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(UserIdError::NoLetter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The ID with the case as the member typed it, for display.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key used for uniqueness and for login matching (ASCII lowercase).
    pub fn normalized(&self) -> String {
        normalize_for_lookup(&self.0)
    }
}

/// The lookup key for raw login input that has not been parsed: trimmed and ASCII
/// lowercased, exactly as [`UserId::normalized`] computes it.
pub fn normalize_for_lookup(input: &str) -> String {
    input.trim().to_ascii_lowercase()
}

fn is_allowed_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for UserId {
    type Error = UserIdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UserId> for String {
    fn from(value: UserId) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_typical_id_and_keeps_its_case() {
        let id = UserId::parse("Metro.Taro_1").unwrap();
        assert_eq!(id.as_str(), "Metro.Taro_1");
        assert_eq!(id.to_string(), "Metro.Taro_1");
        assert_eq!(id.normalized(), "metro.taro_1");
    }

    #[test]
    fn accepts_the_length_bounds() {
        assert!(UserId::parse("abcdefgh").is_ok());
        assert!(UserId::parse("abcdefghijklm").is_ok());
    }

    #[test]
    fn refuses_lengths_outside_8_to_13() {
        assert_eq!(UserId::parse("abcdefg"), Err(UserIdError::Length));
        assert_eq!(UserId::parse("abcdefghijklmn"), Err(UserIdError::Length));
        assert_eq!(UserId::parse("a"), Err(UserIdError::Length));
    }

    #[test]
    fn accepts_every_allowed_symbol_in_any_position() {
        for input in ["-a_b.c-d", ".abcdefg", "abcdefg_", "a-1.2_3-4"] {
            assert!(UserId::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn refuses_other_characters() {
        for input in [
            "metro taro",
            "metro@taro",
            "metro+taro",
            "metro/taro1",
            "ｍｅｔｒｏｔａｒｏ",
            "metrotaro１",
            "めとろたろうです",
            "metroＴaro",
            "métrotaro",
        ] {
            assert_eq!(
                UserId::parse(input),
                Err(UserIdError::InvalidCharacter),
                "{input}"
            );
        }
    }

    #[test]
    fn full_width_input_is_refused_not_converted() {
        assert_eq!(
            UserId::parse("ａｂｃｄｅｆｇｈ"),
            Err(UserIdError::InvalidCharacter)
        );
    }

    #[test]
    fn requires_a_letter() {
        assert_eq!(UserId::parse("1400002537"), Err(UserIdError::NoLetter));
        assert_eq!(UserId::parse("12345.-_9"), Err(UserIdError::NoLetter));
        assert!(UserId::parse("1400002537x").is_ok());
    }

    #[test]
    fn refuses_empty_and_blank_input() {
        assert_eq!(UserId::parse(""), Err(UserIdError::Empty));
        assert_eq!(UserId::parse("  \u{3000} "), Err(UserIdError::Empty));
    }

    #[test]
    fn trims_surrounding_whitespace() {
        let id = UserId::parse("  metrotaro\n").unwrap();
        assert_eq!(id.as_str(), "metrotaro");
    }

    #[test]
    fn ids_differing_only_in_case_share_a_normalized_key() {
        let upper = UserId::parse("METROTARO1").unwrap();
        let lower = UserId::parse("metrotaro1").unwrap();
        assert_ne!(upper, lower);
        assert_eq!(upper.normalized(), lower.normalized());
        assert_eq!(normalize_for_lookup(" MetroTaro1 "), lower.normalized());
    }

    #[test]
    fn invalid_character_message_names_the_allowed_symbols() {
        let message = UserIdError::InvalidCharacter.message();
        assert!(message.contains("半角英数字"));
        assert!(message.contains("「.」「_」「-」"));
    }

    #[test]
    fn every_error_has_a_japanese_message() {
        for error in [
            UserIdError::Empty,
            UserIdError::Length,
            UserIdError::InvalidCharacter,
            UserIdError::NoLetter,
        ] {
            assert!(error.message().starts_with("ユーザID"));
            assert!(error.message().ends_with('。'));
        }
        assert_eq!(
            UserIdError::Length.message(),
            "ユーザIDは8文字以上13文字以内で入力してください。"
        );
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let id = UserId::parse("MetroTaro1").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"MetroTaro1\"");
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<UserId>("\"short\"").is_err());
    }
}
