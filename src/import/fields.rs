//! What the readers share to check a record's fields: [`Row`], whose parsers word their
//! own errors beside their column. Reading the records is `super::records`.

use chrono::NaiveDate;
use csv::StringRecord;

use super::error::LineError;
use crate::domain::member::{
    HouseholdKey, HouseholdKeyError, normalize_code, parse_branch, trim_spaces,
};
use crate::domain::whole_number::parse_whole_number;
use crate::domain::yen::Yen;

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

    /// A record's own number (レセプト番号, 決定番号): half-width letters, digits and `-`, up
    /// to 40, refused beside its column otherwise.
    pub(crate) fn record_number(&mut self, index: usize) -> Option<String> {
        let text = self.required(index)?;
        let number = normalize_code(text);
        let valid = number.chars().count() <= 40
            && number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            let column = self.column(index);
            self.error(
                index,
                format!("{column}「{text}」は半角の英数字（40文字まで）で入力してください"),
            );
            return None;
        }
        Some(number)
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
