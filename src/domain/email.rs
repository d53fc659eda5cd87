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
mod tests;
