//! メールアドレス: where notices, the welcome mail and reset mails go.
//! Only the common dot-atom form is accepted: no quoted local parts, no IP literals.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A syntactically valid address, kept in the case it was typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a typed address was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum EmailError {
    #[error("the address is empty")]
    Empty,
    #[error("the address contains a character outside ASCII")]
    NotAscii,
    #[error("the address is longer than 254 characters")]
    TooLong,
    #[error("the address does not contain exactly one '@'")]
    AtSign,
    #[error("the local part is longer than 64 characters")]
    LocalPartTooLong,
    #[error("the local part is empty or not a dot-atom")]
    InvalidLocalPart,
    #[error("the domain is not a valid host name with a top-level domain")]
    InvalidDomain,
}

impl EmailError {
    /// The message shown beside the メールアドレス field.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Empty => "メールアドレスを入力してください。",
            Self::NotAscii => {
                "メールアドレスは半角英数字と記号で入力してください（全角文字は使えません）。"
            }
            Self::TooLong => "メールアドレスは254文字以内で入力してください。",
            Self::AtSign => "メールアドレスには「@」を1つだけ含めてください。",
            Self::LocalPartTooLong => {
                "メールアドレスの「@」より前の部分は64文字以内で入力してください。"
            }
            Self::InvalidLocalPart => {
                "メールアドレスの「@」より前の部分が正しくありません。入力内容をご確認ください。"
            }
            Self::InvalidDomain => {
                "メールアドレスの「@」より後ろの部分が正しくありません（例：example.jp）。"
            }
        }
    }
}

impl Email {
    /// Most characters an address may have.
    pub const MAX_CHARS: usize = 254;
    /// Most characters the part before '@' may have.
    pub const MAX_LOCAL_CHARS: usize = 64;

    /// Parses user input; surrounding whitespace is trimmed, nothing else is changed.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if !trimmed.is_ascii() {
            return Err(EmailError::NotAscii);
        }
        if trimmed.len() > Self::MAX_CHARS {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = split_at_sign(trimmed)?;
        check_local_part(local)?;
        check_domain(domain)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// The address as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address for staff screens: the first characters of the local part, then
    /// `***`, then the whole domain ("ya***@example.jp"). At least one character of the
    /// local part is always hidden.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let shown = local.len().saturating_sub(1).min(2);
        format!("{}***@{domain}", local.get(..shown).unwrap_or_default())
    }
}

/// Splits at the only '@'.
fn split_at_sign(address: &str) -> Result<(&str, &str), EmailError> {
    match address.split_once('@') {
        Some((local, domain)) if !domain.contains('@') => Ok((local, domain)),
        _ => Err(EmailError::AtSign),
    }
}

/// 1–64 characters of the RFC 5322 dot-atom: atoms separated by single dots.
fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.len() > Email::MAX_LOCAL_CHARS {
        return Err(EmailError::LocalPartTooLong);
    }
    let is_atom = |atom: &str| !atom.is_empty() && atom.chars().all(is_atext);
    if local.split('.').all(is_atom) {
        Ok(())
    } else {
        Err(EmailError::InvalidLocalPart)
    }
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// At least two labels of 1–63 letters, digits and inner hyphens; the last label (the
/// top-level domain) is at least two letters.
fn check_domain(domain: &str) -> Result<(), EmailError> {
    let labels: Vec<&str> = domain.split('.').collect();
    let valid = labels.len() >= 2
        && labels.iter().all(|label| is_host_label(label))
        && labels.last().is_some_and(|tld| is_top_level_domain(tld));
    if valid {
        Ok(())
    } else {
        Err(EmailError::InvalidDomain)
    }
}

fn is_host_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn is_top_level_domain(label: &str) -> bool {
    label.len() >= 2 && label.chars().all(|c| c.is_ascii_alphabetic())
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
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
}
