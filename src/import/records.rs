//! Reading the records of a CSV file as every importer does: the reader settings, the
//! header check, and the mapping of CSV errors to the physical lines people see.

use std::io::{Chain, Read};

use csv::{ErrorKind, StringRecord};

use super::error::{ImportError, LineError};
use crate::domain::member::trim_spaces;

/// The CSV reader both importers use.
///
/// Records end at `\n` only; the `\r` of CRLF stays at the end of the last field and is
/// trimmed with the other spaces. A `\n` is appended to the input so that every record
/// ends with one. Together these let [`next_record`] give the true physical line of a
/// record, which csv's own positions miss for CRLF files and after blank lines. Field
/// counts are checked by [`next_record`] so that empty rows of any width can be skipped.
pub(crate) fn csv_reader<R: Read>(source: R) -> csv::Reader<Chain<R, &'static [u8]>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(source.chain(&b"\n"[..]))
}

/// Reads the first record and requires it to be `expected`, name by name, in order.
pub(crate) fn check_header<R: Read>(
    reader: &mut csv::Reader<R>,
    expected: &[&str],
) -> Result<(), ImportError> {
    let mut record = StringRecord::new();
    let found: Vec<&str> = match reader.read_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|name| trim_spaces(name.trim_start_matches('\u{feff}')))
            .collect(),
        Ok(false) => Vec::new(),
        Err(error) => return Err(header_read_error(&error)),
    };
    if found == expected {
        return Ok(());
    }
    Err(ImportError::Header {
        expected: expected.join(","),
        found: found.join(","),
    })
}

fn header_read_error(error: &csv::Error) -> ImportError {
    match error.kind() {
        ErrorKind::Io(io) => ImportError::Io(io.to_string()),
        _ => ImportError::Lines(vec![csv_line_error(error, 1)]),
    }
}

/// What [`next_record`] found.
pub(crate) enum Next {
    /// No more records.
    End,
    /// A data record starting on this physical line, with the expected number of fields.
    Record(u64),
    /// A line that cannot be read; `fatal` when nothing after it can be read either.
    Error { error: LineError, fatal: bool },
}

/// Reads the next data record into `record`, skipping rows that are empty or only
/// commas and spaces (as Excel writes them).
pub(crate) fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut StringRecord,
    field_count: usize,
) -> Next {
    loop {
        match reader.read_record(record) {
            Ok(false) => return Next::End,
            Ok(true) if is_blank(record) => {}
            Ok(true) => {
                let line = start_line(reader.position().line(), record);
                return match field_count_error(record.len(), field_count) {
                    Some(message) => Next::Error {
                        error: LineError::new(line, None, message),
                        fatal: false,
                    },
                    None => Next::Record(line),
                };
            }
            Err(error) => {
                let line = reader.position().line().saturating_sub(1).max(1);
                return Next::Error {
                    fatal: matches!(error.kind(), ErrorKind::Io(_)),
                    error: csv_line_error(&error, line),
                };
            }
        }
    }
}

/// The reader stands just past the record's final `\n`; go back over the line breaks
/// inside quoted fields.
fn start_line(line_after: u64, record: &StringRecord) -> u64 {
    let inner_breaks = record.as_slice().bytes().filter(|b| *b == b'\n').count();
    line_after.saturating_sub(1 + inner_breaks as u64).max(1)
}

fn field_count_error(found: usize, expected: usize) -> Option<String> {
    if found > expected {
        Some(format!(
            "列の数が {found} 個あります（見出しと同じ {expected} 個にしてください）。\
             住所や名称にコンマ（,）を含むときは、その欄全体を \"\" で囲んでください"
        ))
    } else if found < expected {
        Some(format!(
            "列の数が {found} 個しかありません（見出しと同じ {expected} 個にしてください）"
        ))
    } else {
        None
    }
}

/// Turns a CSV error into a line error on `line`.
fn csv_line_error(error: &csv::Error, line: u64) -> LineError {
    let message = match error.kind() {
        ErrorKind::Utf8 { .. } => "UTF-8 として読めない文字があります。\
             ファイル全体を同じ文字コードで保存し直してください"
            .to_owned(),
        ErrorKind::Io(io) => format!("この行から先を読み込めませんでした（{io}）"),
        _ => format!("この行を読み取れませんでした（{error}）"),
    };
    LineError::new(line, None, message)
}

/// A record whose every field is empty or spaces.
fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|field| trim_spaces(field).is_empty())
}
