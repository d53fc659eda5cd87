//! Hostile `Cookie` headers for the cookie parser of the security stack (issue #11,
//! item 4): it never panics, finds only a value that is really in the header, and on
//! well-formed headers agrees with the rule (first `name=value` pair with a value wins).
//!
//! Test code only (`#[cfg(test)] mod cookie_fuzz`): its `panic!` reports the failing input.

use poem::Request;
use poem::http::{HeaderValue, header};
use proptest::prelude::*;

use super::cookie;
use crate::fuzzing::{config, ensure, run};

const NAME: &str = "kenpo_session";

/// Headers that once failed, and edge cases around them.
const CORPUS: &[&[u8]] = &[
    b"",
    b";",
    b"=",
    b"kenpo_session",
    b"kenpo_session=",
    b"kenpo_session==",
    b"kenpo_session=a=b",
    b" ; kenpo_session = x",
    b"kenpo_session=\xe3\x81\x82",
];

fn request(raw: &[u8]) -> Option<Request> {
    let value = HeaderValue::from_bytes(raw).ok()?;
    Some(Request::builder().header(header::COOKIE, value).finish())
}

/// What any answer must satisfy: a non-empty value without `;`, present in the header
/// right after `name=`.
fn plausible(raw: &[u8], found: Option<&str>) -> Result<(), proptest::test_runner::TestCaseError> {
    let Some(value) = found else { return Ok(()) };
    let text = String::from_utf8_lossy(raw);
    ensure(
        !value.is_empty() && !value.contains(';') && text.contains(&format!("{NAME}={value}")),
        || format!("found {value:?} in {text:?}"),
    )
}

#[test]
fn corpus_of_headers_that_once_failed() {
    for raw in CORPUS {
        if let Some(req) = request(raw) {
            let found = cookie(&req, NAME);
            plausible(raw, found.as_deref()).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        }
    }
}

/// A byte a header value may hold (the HTTP layer refuses the others before any parser
/// sees them): control bytes become `;`, `=` or a space, the rest stay.
fn header_byte(b: u8) -> u8 {
    match b {
        0x00..=0x07 => b';',
        0x08..=0x0F => b'=',
        0x10..=0x1F | 0x7F => b' ',
        _ => b,
    }
}

#[test]
fn cookie_header_of_arbitrary_bytes() {
    let bytes = prop::collection::vec(any::<u8>(), 0..200)
        .prop_map(|v| v.into_iter().map(header_byte).collect::<Vec<u8>>());
    let with_name = (bytes.clone(), bytes, any::<bool>()).prop_map(|(a, b, named)| {
        let mut raw = a;
        if named {
            raw.extend_from_slice(format!("; {NAME}=").as_bytes());
        }
        raw.extend(b);
        raw
    });
    run("cookie_bytes", config(file!(), 1.0), with_name, |raw| {
        let req = request(&raw).ok_or_else(|| {
            proptest::test_runner::TestCaseError::fail(format!("not a header value: {raw:?}"))
        })?;
        let found = cookie(&req, NAME);
        plausible(&raw, found.as_deref())
    });
}

fn pair() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        Just(NAME.to_string()),
        Just("KENPO_SESSION".to_string()),
        Just(format!("{NAME}2")),
        Just(format!("x{NAME}")),
        "[a-z_]{1,8}",
    ];
    (name, "[A-Za-z0-9_.=-]{0,12}")
}

#[test]
fn well_formed_cookie_headers_follow_the_rule() {
    let strategy = (
        prop::collection::vec(pair(), 0..6),
        prop::sample::select(vec!["; ", ";", " ; ", ";  "]),
    );
    run(
        "cookie_pairs",
        config(file!(), 1.0),
        strategy,
        |(pairs, separator)| {
            let raw = pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(separator);
            let expected = pairs
                .iter()
                .find(|(k, v)| k == NAME && !v.is_empty())
                .map(|(_, v)| v.clone());
            let req = request(raw.as_bytes()).ok_or_else(|| {
                proptest::test_runner::TestCaseError::fail(format!("not a header value: {raw:?}"))
            })?;
            let found = cookie(&req, NAME);
            ensure(found == expected, || {
                format!("{raw:?}: {found:?}, expected {expected:?}")
            })
        },
    );
}
