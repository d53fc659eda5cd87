//! Hostile files for the member and claim readers (issue #11, item 4): arbitrary bytes,
//! the samples with one cell replaced, and Shift_JIS edge cases (`fuzz_sjis`). Whatever
//! comes in, a reader returns; a refusal says which line. The benefits reader has the same
//! targets in `fuzz_benefits`.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::{CLAIMS_UTF8, MEMBERS_UTF8};
use crate::fuzzing::{config, ensure, run};
use crate::import::{ImportError, read_claims, read_members_bytes};

/// Inputs that once failed, kept as bytes besides their seeds in `proptest-regressions/`,
/// and a few edge cases around them.
pub(super) const CORPUS: &[&[u8]] = &[
    // The UTF-16 refusal named no line.
    b"\xFF\xFE\x00\x00",
    b"\xFE\xFF\x00\x00",
    b"",
    b"\xEF\xBB\xBF",
    b"\"",
    b"\n\n\n",
    b"\x81",
    b"\xEF\xBB\xBF\x81\x40",
];

/// Lines of `bytes` as a reader counts them (the header is line 1).
pub(super) fn line_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The contract of a refusal: it names a line of the file, and every line it names exists.
pub(super) fn names_lines(error: &ImportError, lines: u64) -> Result<(), TestCaseError> {
    let text = error.to_string();
    match error {
        ImportError::Lines(errors) => {
            ensure(!errors.is_empty(), || "an empty list of line errors".into())?;
            for e in errors {
                ensure((1..=lines).contains(&e.line), || {
                    format!("line {} of a file of {lines} lines: {e}", e.line)
                })?;
                ensure(!e.message.is_empty(), || format!("no message: {e:?}"))?;
            }
            Ok(())
        }
        ImportError::Io(_) => Err(TestCaseError::fail(format!(
            "an in-memory file gave a read error: {text}"
        ))),
        ImportError::Header { .. } | ImportError::Encoding(_) => {
            ensure(text.contains("行目"), || format!("names no line: {text}"))
        }
    }
}

/// Bytes that are more often CSV structure or Shift_JIS than plain random bytes are: a
/// random byte mapped through a fixed table (drawing bytes plainly is fifty times faster
/// than choosing among strategies per byte), so that shrinking still moves towards 0.
pub(super) fn hostile_byte(b: u8) -> u8 {
    const STRUCTURE: &[u8] = b",\"\r\n \t0123456789";
    let k = b >> 3;
    match b & 7 {
        0..=3 => b,
        4 => STRUCTURE[usize::from(k) % STRUCTURE.len()],
        5 => 0x81 + k % 31,
        6 => 0xE0 + k % 29,
        _ => [0x40 + k % 63, 0xA1 + k % 63][usize::from(k & 1)],
    }
}

pub(super) fn hostile_bytes(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), len)
        .prop_map(|bytes| bytes.into_iter().map(hostile_byte).collect())
}

/// Arbitrary bytes, with the real header in front half of the time so the rows get read.
pub(super) fn hostile_file(header: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), hostile_bytes(0..1500)).prop_map(move |(with_header, body)| {
        let mut bytes = if with_header {
            header.to_vec()
        } else {
            Vec::new()
        };
        bytes.extend(body);
        bytes
    })
}

/// The first line of a sample, with its line break.
pub(super) fn header_of(sample: &'static [u8]) -> &'static [u8] {
    let end = sample.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    &sample[..end]
}

/// A cell's new text: plausible values, wrong values, and text that breaks the row.
pub(super) fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9]{0,10}",
        2 => "[0-9０-９ 　-]{0,10}",
        2 => "\\PC{0,12}",
        1 => prop::sample::select(vec![
            "", " ", "　", "00", "01", "99", "0", "-1", "20250229", "20240229", "19000101",
            "99991231", "202513", "202500", "999999", "18446744073709551616", "1e9", "NaN",
            "本人", "配偶者", "子", "外来", "入院", "歯科", "調剤", "訪問看護", "３", "①", "髙",
        ]).prop_map(str::to_string),
        1 => "[\",\r\n]{1,3}[a-z0-9]{0,3}",
    ]
}

/// A sample with the cell at (`row`, `column`) of its data rows replaced; returns the file,
/// the line the cell is on, and whether the change may have moved cells or lines (the new
/// text has CSV structure, or the line had quoted cells that splitting on commas cuts).
pub(super) fn mutate(sample: &[u8], row: usize, column: usize, text: &str) -> (Vec<u8>, u64, bool) {
    let sample = std::str::from_utf8(sample).unwrap_or_default();
    let mut lines: Vec<String> = sample.split_inclusive('\n').map(str::to_string).collect();
    let data = lines.len().saturating_sub(1).max(1);
    let index = 1 + row % data;
    let mut structural = is_structural(text);
    if let Some(line) = lines.get_mut(index) {
        structural |= line.contains('"');
        let ending = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
        let mut cells: Vec<String> = line
            .trim_end_matches(['\r', '\n'])
            .split(',')
            .map(str::to_string)
            .collect();
        let at = column % cells.len();
        cells[at] = text.to_string();
        *line = format!("{}{ending}", cells.join(","));
    }
    (lines.concat().into_bytes(), index as u64 + 1, structural)
}

fn is_structural(text: &str) -> bool {
    text.contains(['"', ',', '\r', '\n'])
}

fn check_members(bytes: &[u8]) -> Result<(), TestCaseError> {
    match read_members_bytes(bytes) {
        Ok(_) => Ok(()),
        Err(e) => names_lines(&e, line_count(bytes)),
    }
}

fn check_claims(bytes: &[u8]) -> Result<(), TestCaseError> {
    match read_claims(std::io::Cursor::new(bytes.to_vec())) {
        Ok(_) => Ok(()),
        Err(e) => names_lines(&e, line_count(bytes)),
    }
}

#[test]
fn corpus_of_inputs_that_once_failed() {
    for bytes in CORPUS {
        check_members(bytes).unwrap_or_else(|e| panic!("members {bytes:?}: {e}"));
        check_claims(bytes).unwrap_or_else(|e| panic!("claims {bytes:?}: {e}"));
    }
}

#[test]
fn members_file_of_arbitrary_bytes() {
    let strategy = hostile_file(header_of(MEMBERS_UTF8));
    run("members_bytes", config(file!(), 1.0), strategy, |bytes| {
        check_members(&bytes)
    });
}

#[test]
fn claims_file_of_arbitrary_bytes() {
    let strategy = hostile_file(header_of(CLAIMS_UTF8));
    run("claims_bytes", config(file!(), 1.0), strategy, |bytes| {
        check_claims(&bytes)
    });
}

#[test]
fn members_file_with_one_cell_changed() {
    let strategy = (any::<usize>(), any::<usize>(), cell());
    run(
        "members_cell",
        config(file!(), 1.0),
        strategy,
        |(row, column, text)| {
            let (bytes, line, structural) = mutate(MEMBERS_UTF8, row, column, &text);
            match read_members_bytes(&bytes) {
                Ok(_) => Ok(()),
                Err(e) => {
                    names_lines(&e, line_count(&bytes))?;
                    let ImportError::Lines(errors) = &e else {
                        return Err(TestCaseError::fail(format!("not a line error: {e}")));
                    };
                    // The changed line is named, unless the change broke a whole-file rule
                    // (a person twice, a household without its insured person), which names
                    // the line where that shows.
                    let named = errors.iter().any(|e| e.line == line)
                        || structural
                        || errors.iter().all(|e| {
                            e.message.contains("2回書かれています")
                                || e.message.contains("行がこのファイルにありません")
                        });
                    ensure(named, || format!("line {line} changed, errors: {e}"))
                }
            }
        },
    );
}

#[test]
fn claims_file_with_one_cell_changed() {
    let strategy = (any::<usize>(), any::<usize>(), cell());
    run(
        "claims_cell",
        config(file!(), 1.0),
        strategy,
        |(row, column, text)| {
            let (bytes, line, structural) = mutate(CLAIMS_UTF8, row, column, &text);
            match read_claims(std::io::Cursor::new(bytes.clone())) {
                Ok(_) => Ok(()),
                Err(e) => {
                    names_lines(&e, line_count(&bytes))?;
                    if structural {
                        return Ok(());
                    }
                    // Claims are checked row by row: the changed line, and only it.
                    let ImportError::Lines(errors) = &e else {
                        return Err(TestCaseError::fail(format!("not a line error: {e}")));
                    };
                    ensure(errors.iter().all(|e| e.line == line), || {
                        format!("line {line} changed, errors: {e}")
                    })
                }
            }
        },
    );
}
