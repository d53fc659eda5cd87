//! CSRF tokens: an HMAC, under the server's key, of the session a page was rendered for
//! and of a random per-browser cookie. A token copied with its cookie into another session
//! (or kept from before login) does not verify. Forms carry the token in the hidden input
//! `csrf`, htmx in the header `X-CSRF-Token`, upload forms in their first part.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::auth::tokens::constant_time_eq;

pub const COOKIE: &str = "kenpo_csrf";
pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

/// The token of the browser whose CSRF cookie is `cookie_value`, in the session whose
/// key (the SHA-256 of its cookie) is `session_key`, or before any session.
pub fn token_for(key: &[u8], session_key: Option<&str>, cookie_value: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            let session = session_key.unwrap_or_default();
            // Length-prefixed, so that no (session, cookie) pair reads as another.
            mac.update(b"kenpo-csrf-v2");
            mac.update(&(session.len() as u64).to_be_bytes());
            mac.update(session.as_bytes());
            mac.update(cookie_value.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    }
}

/// Whether `presented` is the token `expected` (from [`token_for`]).
pub fn matches(expected: &str, presented: &str) -> bool {
    !expected.is_empty() && !presented.is_empty() && constant_time_eq(expected, presented)
}

/// The `csrf` field of an `application/x-www-form-urlencoded` body.
pub fn field_from_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_in_the_session_it_was_minted_for() {
        let key = [7u8; 32];
        let before = token_for(&key, None, "cookie");
        let in_a = token_for(&key, Some("session-a"), "cookie");
        assert!(matches(
            &in_a,
            &token_for(&key, Some("session-a"), "cookie")
        ));
        assert!(!matches(
            &token_for(&key, Some("session-b"), "cookie"),
            &in_a
        ));
        assert!(
            !matches(&in_a, &before),
            "a pre-login token does not survive login"
        );
        assert!(!matches(
            &token_for(&key, Some("session-a"), "other"),
            &in_a
        ));
        assert!(!matches(
            &token_for(&key, Some("ab"), "c"),
            &token_for(&key, Some("a"), "bc")
        ));
        assert!(!matches("", ""));
    }
}
