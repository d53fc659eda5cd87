//! Tests of the importers against the sample files of `tests/data/` (copies of the
//! union-office samples: CRLF, BOM, full-width spaces, quoted commas, Shift_JIS twins).

mod benefits;
mod claims;
mod encoding;
mod fuzz;
mod fuzz_benefits;
mod fuzz_sjis;
mod members;

pub(super) const MEMBERS_UTF8: &[u8] = include_bytes!("../../../tests/data/members.utf8.csv");
pub(super) const MEMBERS_SJIS: &[u8] = include_bytes!("../../../tests/data/members.sjis.csv");
pub(super) const BENEFITS_UTF8: &[u8] = include_bytes!("../../../tests/data/benefits.utf8.csv");
pub(super) const BENEFITS_SJIS: &[u8] = include_bytes!("../../../tests/data/benefits.sjis.csv");
pub(super) const CLAIMS_UTF8: &[u8] = include_bytes!("../../../tests/data/claims.utf8.csv");
pub(super) const CLAIMS_SJIS: &[u8] = include_bytes!("../../../tests/data/claims.sjis.csv");

/// The single line error of a `Lines` result, or a panic saying what came instead.
pub(super) fn only_line_error<T: std::fmt::Debug>(
    result: Result<T, super::ImportError>,
) -> super::LineError {
    match result {
        Err(super::ImportError::Lines(mut errors)) if errors.len() == 1 => errors.remove(0),
        other => panic!("expected exactly one line error, got {other:?}"),
    }
}
