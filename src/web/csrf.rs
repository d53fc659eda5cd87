//! CSRF tokens: an HMAC of a random per-browser cookie under the server's key.
//! Forms carry the token in the hidden input `csrf`, htmx in the header `X-CSRF-Token`.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::auth::tokens::constant_time_eq;

pub const COOKIE: &str = "kenpo_csrf";
pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

pub fn token_for(key: &[u8], cookie_value: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(cookie_value.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    }
}

pub fn is_valid(key: &[u8], cookie_value: &str, presented: &str) -> bool {
    let expected = token_for(key, cookie_value);
    !expected.is_empty() && !presented.is_empty() && constant_time_eq(&expected, presented)
}

/// The `csrf` field of an `application/x-www-form-urlencoded` body.
pub fn field_from_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}
