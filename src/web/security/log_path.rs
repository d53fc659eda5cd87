//! The path as the access log writes it: a path segment that is a secret or names a
//! household is replaced by `…`. A postcard issue's download and print links carry the
//! token that opens its temporary passwords, a household's staff page carries its
//! 記号・番号, a member's benefit page the number of a decision on their medical costs, and
//! a staff account's page its login name, half of a staff credential (SECURITY.md, "Logs
//! and mails carry no secrets"); the audit log, inside the sealed data file, is where a
//! look at a household or a benefit decision is recorded.

use std::borrow::Cow;

/// Prefixes whose next path segment is not logged.
const HIDDEN_AFTER: [&str; 5] = [
    "/staff/postcards/download/",
    "/staff/postcards/print/",
    "/staff/households/",
    "/menu/benefits/",
    "/staff/accounts/",
];

/// `path` with the segment after a [`HIDDEN_AFTER`] prefix replaced by `…`; the rest of the
/// path (e.g. `/unlock`) is kept. A path no link of kenpo has — with `//` or a `%`
/// escape, which could spell a hidden prefix so that it does not match — keeps only its
/// first segment.
pub fn logged_path(path: &str) -> Cow<'_, str> {
    if path.contains("//") || path.contains('%') {
        let first = path
            .get(1..)
            .and_then(|rest| rest.split('/').next())
            .filter(|first| !first.is_empty() && !first.contains('%'))
            .unwrap_or("");
        return Cow::Owned(if first.is_empty() {
            "/…".to_string()
        } else {
            format!("/{first}/…")
        });
    }
    for prefix in HIDDEN_AFTER {
        let Some(rest) = path.strip_prefix(prefix) else {
            continue;
        };
        if rest.is_empty() {
            return Cow::Borrowed(path);
        }
        let tail = rest.find('/').map_or("", |i| &rest[i..]);
        return Cow::Owned(format!("{prefix}…{tail}"));
    }
    Cow::Borrowed(path)
}

#[cfg(test)]
mod tests {
    use super::logged_path;
    use proptest::prelude::*;

    #[test]
    fn secrets_and_household_keys_are_hidden_and_the_rest_is_kept() {
        let cases = [
            (
                "/staff/postcards/download/Zk3Qx9",
                "/staff/postcards/download/…",
            ),
            ("/staff/postcards/print/Zk3Qx9", "/staff/postcards/print/…"),
            ("/staff/households/1201-105", "/staff/households/…"),
            (
                "/staff/households/1201-105/unlock",
                "/staff/households/…/unlock",
            ),
            ("/staff/households/", "/staff/households/"),
            ("/staff/households", "/staff/households"),
            ("/menu/expenses", "/menu/expenses"),
            ("/menu/benefits", "/menu/benefits"),
            ("/menu/benefits/K2026-00042", "/menu/benefits/…"),
            ("/staff/accounts", "/staff/accounts"),
            ("/staff/accounts/suzuki", "/staff/accounts/…"),
            (
                "/staff/accounts/suzuki/disable",
                "/staff/accounts/…/disable",
            ),
            ("/staff/accounts//suzuki", "/staff/…"),
            ("/staff//accounts/suzuki", "/staff/…"),
            ("//staff/accounts/suzuki", "/…"),
            ("/staff/%61ccounts/suzuki", "/staff/…"),
            ("/menu/benefits/K2026%2D00042", "/menu/…"),
            ("/%6Denu/benefits/K2026-00042", "/…"),
        ];
        for (path, logged) in cases {
            assert_eq!(logged_path(path), logged, "{path}");
        }
    }

    proptest! {
        /// Whatever follows a hidden prefix, up to the next `/`, never reaches the log.
        #[test]
        fn the_hidden_segment_never_reaches_the_log(
            prefix in prop::sample::select(super::HIDDEN_AFTER.to_vec()),
            secret in "[^/%]{1,40}",
            tail in "(/[a-z]{1,8}){0,2}",
        ) {
            let path = format!("{prefix}{secret}{tail}");
            let logged = logged_path(&path);
            prop_assert_eq!(logged.as_ref(), format!("{prefix}…{tail}"));
        }
    }
}
