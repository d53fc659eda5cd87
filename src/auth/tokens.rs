//! Random secrets: session tokens, CSRF keys, temporary credentials.

use rand::Rng as _;
use rand::distr::{Alphanumeric, SampleString as _};
use sha2::{Digest as _, Sha256};

/// Letters and digits that cannot be mistaken for one another on a printed postcard
/// (no 0/O/o, 1/l/I, 5/S, 2/Z, 8/B, u/v).
pub const TEMP_PASSWORD_ALPHABET: &[u8] = b"ACDEFGHJKLMNPQRTWXYabcdefghijkmnpqrstwxyz34679";

/// A 256-bit random token, URL-safe.
pub fn random_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 43)
}

/// SHA-256 of a token, hex: what the data file stores instead of the token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A temporary user ID: 10 digits, not starting with 0 (so spreadsheets keep it whole).
pub fn temporary_id() -> String {
    let mut rng = rand::rng();
    let first = rng.random_range(1..=9u8);
    let rest: String = (0..9)
        .map(|_| char::from(b'0' + rng.random_range(0..=9u8)))
        .collect();
    format!("{first}{rest}")
}

/// A temporary password: 10 characters from [`TEMP_PASSWORD_ALPHABET`], with at least one
/// letter and one digit.
pub fn temporary_password() -> String {
    let mut rng = rand::rng();
    loop {
        let candidate: String = (0..10)
            .map(|_| {
                let i = rng.random_range(0..TEMP_PASSWORD_ALPHABET.len());
                char::from(TEMP_PASSWORD_ALPHABET[i])
            })
            .collect();
        let has_digit = candidate.chars().any(|c| c.is_ascii_digit());
        let has_letter = candidate.chars().any(|c| c.is_ascii_alphabetic());
        if has_digit && has_letter {
            return candidate;
        }
    }
}

/// Whether `typed` has the shape of a [`temporary_password`]: 10 characters from
/// [`TEMP_PASSWORD_ALPHABET`], with at least one letter and one digit.
pub fn has_temporary_password_format(typed: &str) -> bool {
    typed.len() == 10
        && typed.bytes().all(|b| TEMP_PASSWORD_ALPHABET.contains(&b))
        && typed.bytes().any(|b| b.is_ascii_digit())
        && typed.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Compares two strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_credentials_have_the_promised_shape() {
        for _ in 0..200 {
            let id = temporary_id();
            assert_eq!(id.len(), 10);
            assert!(id.chars().all(|c| c.is_ascii_digit()));
            let pw = temporary_password();
            assert_eq!(pw.len(), 10);
            assert!(pw.bytes().all(|b| TEMP_PASSWORD_ALPHABET.contains(&b)));
            assert!(has_temporary_password_format(&pw), "{pw}");
        }
    }

    #[test]
    fn the_temporary_password_format_is_exact() {
        for typed in ["abcd3467xy", "3467ACDEFG"] {
            assert!(has_temporary_password_format(typed), "{typed}");
        }
        for typed in [
            "abcdefghij",
            "3467346734",
            "abcd3467x",
            "abcd3467xyz",
            "abcd3467x0",
        ] {
            assert!(!has_temporary_password_format(typed), "{typed}");
        }
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"0Oo1lI5S2Z8Buv" {
            assert!(!TEMP_PASSWORD_ALPHABET.contains(c), "{}", char::from(*c));
        }
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(token_digest("x").len(), 64);
    }
}
