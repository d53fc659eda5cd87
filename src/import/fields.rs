//! What the member and claim readers share: the CSV reader settings, the header check,
//! the mapping of CSV errors to lines, and field parsers that word their own errors.

use std::io::{Chain, Read};

use chrono::NaiveDate;
use csv::{ErrorKind, StringRecord};

use super::error::{ImportError, LineError};
use crate::domain::member::{
    HouseholdKey, HouseholdKeyError, normalize_code, parse_branch, trim_spaces,
};
use crate::domain::whole_number::parse_whole_number;
use crate::domain::yen::Yen;

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

/// One data record being checked; every parser records its own error and returns `None`.
pub(crate) struct Row<'r> {
    record: &'r StringRecord,
    line: u64,
    columns: &'static [&'static str],
    errors: Vec<LineError>,
}

impl<'r> Row<'r> {
    pub(crate) fn new(
        record: &'r StringRecord,
        line: u64,
        columns: &'static [&'static str],
    ) -> Self {
        Self {
            record,
            line,
            columns,
            errors: Vec::new(),
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors found; never empty when called for a row that could not be built.
    pub(crate) fn into_errors(mut self) -> Vec<LineError> {
        if self.errors.is_empty() {
            self.errors.push(LineError::new(
                self.line,
                None,
                "この行を読み取れませんでした",
            ));
        }
        self.errors
    }

    pub(crate) fn column(&self, index: usize) -> &'static str {
        self.columns.get(index).copied().unwrap_or("")
    }

    pub(crate) fn error(&mut self, index: usize, message: impl Into<String>) {
        let column = self.column(index);
        self.errors
            .push(LineError::new(self.line, Some(column), message));
    }

    /// The field with spaces trimmed at both ends (inner full-width spaces kept).
    pub(crate) fn text(&self, index: usize) -> &'r str {
        trim_spaces(self.record.get(index).unwrap_or(""))
    }

    pub(crate) fn optional(&self, index: usize) -> Option<&'r str> {
        Some(self.text(index)).filter(|text| !text.is_empty())
    }

    pub(crate) fn required(&mut self, index: usize) -> Option<&'r str> {
        let text = self.optional(index);
        if text.is_none() {
            let column = self.column(index);
            self.error(index, format!("{column}が入力されていません"));
        }
        text
    }

    pub(crate) fn household(&mut self, symbol: usize, number: usize) -> Option<HouseholdKey> {
        let (symbol_text, number_text) = (self.required(symbol)?, self.required(number)?);
        HouseholdKey::new(symbol_text, number_text)
            .map_err(|error| {
                let index = match error {
                    HouseholdKeyError::EmptySymbol | HouseholdKeyError::InvalidSymbol(_) => symbol,
                    _ => number,
                };
                self.error(index, error.to_string());
            })
            .ok()
    }

    pub(crate) fn branch(&mut self, index: usize) -> Option<String> {
        let text = self.required(index)?;
        let branch = parse_branch(text);
        if branch.is_none() {
            self.error(
                index,
                format!("枝番「{text}」は2桁までの数字で入力してください（本人は 00）"),
            );
        }
        branch
    }

    /// A required `YYYYMMDD` date.
    pub(crate) fn date(&mut self, index: usize) -> Option<NaiveDate> {
        let text = self.required(index)?;
        self.parse_date(index, text)
    }

    /// An optional `YYYYMMDD` date: `None` when empty (or wrong, with an error recorded).
    pub(crate) fn optional_date(&mut self, index: usize) -> Option<NaiveDate> {
        let text = self.optional(index)?;
        self.parse_date(index, text)
    }

    fn parse_date(&mut self, index: usize, text: &str) -> Option<NaiveDate> {
        let date = parse_yyyymmdd(&normalize_code(text));
        if date.is_none() {
            let column = self.column(index);
            let mut message = format!(
                "{column}「{text}」は日付として正しくありません（YYYYMMDD の8桁で入力してください）"
            );
            if text.contains('/') || text.contains('-') || text.contains('年') {
                message.push_str("。Excel が日付の書式に変えていないか確認してください");
            }
            self.error(index, message);
        }
        date
    }

    /// A required whole number without separators (days).
    pub(crate) fn whole_number(&mut self, index: usize) -> Option<u64> {
        let text = self.required(index)?;
        parse_whole_number(text)
            .map_err(|error| self.error(index, format!("{}{error}", self.column(index))))
            .ok()
    }

    /// A required yen amount of one claim, at most [`Yen::MAX`].
    pub(crate) fn yen(&mut self, index: usize) -> Option<Yen> {
        let text = self.required(index)?;
        Yen::parse(text)
            .map_err(|error| self.error(index, format!("{}{error}", self.column(index))))
            .ok()
    }
}

/// Eight ASCII digits forming a real date from year 1900 on.
fn parse_yyyymmdd(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(4..6)?.parse().ok()?;
    let day = text.get(6..8)?.parse().ok()?;
    if year < 1900 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}
