//! 生年月日: the birth date of the household's insured person, typed as eight digits of
//! the Western calendar (YYYYMMDD), e.g. `19790822`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::insurer_number::fold_full_width_digits;

/// A real calendar date, not after the day it was typed and not before 1900-01-01.
///
/// Deserialising does not repeat the range check (it needs "today"); only dates that
/// went through [`BirthDate::parse`] should be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BirthDate(NaiveDate);

/// Why a typed birth date was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum BirthDateError {
    #[error("the birth date is empty")]
    Empty,
    #[error("the birth date is not exactly eight digits")]
    NotEightDigits,
    #[error("the birth date is not a calendar date")]
    NotADate,
    #[error("the birth date is in the future")]
    InFuture,
    #[error("the birth date is before 1900-01-01")]
    TooOld,
}

impl BirthDateError {
    /// The message shown beside the 生年月日 field.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Empty => "生年月日を入力してください。",
            Self::NotEightDigits => "生年月日は西暦8桁の数字で入力してください（例：19790822）。",
            Self::NotADate => "生年月日に存在しない日付が入力されています。ご確認ください。",
            Self::InFuture => "生年月日に未来の日付は入力できません。",
            Self::TooOld => "生年月日は1900年1月1日以降の日付を入力してください。",
        }
    }
}

impl BirthDate {
    /// Parses user input: surrounding whitespace is trimmed and full-width digits are
    /// converted to ASCII. `today` is the current date in Japan.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, BirthDateError> {
        let folded = fold_full_width_digits(input.trim());
        if folded.is_empty() {
            return Err(BirthDateError::Empty);
        }
        if !is_eight_ascii_digits(&folded) {
            return Err(BirthDateError::NotEightDigits);
        }
        let date = parse_yyyymmdd(&folded).ok_or(BirthDateError::NotADate)?;
        if date > today {
            return Err(BirthDateError::InFuture);
        }
        if date < earliest() {
            return Err(BirthDateError::TooOld);
        }
        Ok(Self(date))
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }
}

/// The earliest birth date accepted: 1900-01-01.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Reads a `YYYYMMDD` date as found in member and claim files: surrounding whitespace is
/// trimmed, then exactly eight ASCII digits forming a real calendar date are required.
/// No range check.
pub fn parse_yyyymmdd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !is_eight_ascii_digits(s) {
        return None;
    }
    let year = s.get(0..4)?.parse().ok()?;
    let month = s.get(4..6)?.parse().ok()?;
    let day = s.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn is_eight_ascii_digits(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 15)
    }

    #[test]
    fn accepts_the_example_from_the_form() {
        let birth = BirthDate::parse("19790822", today()).unwrap();
        assert_eq!(birth.date(), date(1979, 8, 22));
    }

    #[test]
    fn trims_and_converts_full_width_digits() {
        let birth = BirthDate::parse("\u{3000}１９７９０８２２ ", today()).unwrap();
        assert_eq!(birth.date(), date(1979, 8, 22));
    }

    #[test]
    fn refuses_empty_input() {
        assert_eq!(BirthDate::parse("", today()), Err(BirthDateError::Empty));
        assert_eq!(BirthDate::parse("  ", today()), Err(BirthDateError::Empty));
    }

    #[test]
    fn requires_exactly_eight_digits() {
        for input in [
            "1979822",
            "197908220",
            "1979/08/22",
            "1979-8-22",
            "S540822",
            "昭和54年8月22日",
            "1979 0822",
            "+1979082",
        ] {
            assert_eq!(
                BirthDate::parse(input, today()),
                Err(BirthDateError::NotEightDigits),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        for input in ["20230229", "19791301", "19790000", "19790431", "19790100"] {
            assert_eq!(
                BirthDate::parse(input, today()),
                Err(BirthDateError::NotADate),
                "{input}"
            );
        }
        assert!(BirthDate::parse("20240229", today()).is_ok());
        assert!(BirthDate::parse("20000229", today()).is_ok());
        assert_eq!(
            BirthDate::parse("19000229", today()),
            Err(BirthDateError::NotADate)
        );
    }

    #[test]
    fn today_is_accepted_and_tomorrow_is_refused() {
        assert_eq!(
            BirthDate::parse("20250615", today()).unwrap().date(),
            today()
        );
        assert_eq!(
            BirthDate::parse("20250616", today()),
            Err(BirthDateError::InFuture)
        );
        assert_eq!(
            BirthDate::parse("99991231", today()),
            Err(BirthDateError::InFuture)
        );
    }

    #[test]
    fn the_first_of_january_1900_is_the_earliest() {
        assert!(BirthDate::parse("19000101", today()).is_ok());
        assert_eq!(
            BirthDate::parse("18991231", today()),
            Err(BirthDateError::TooOld)
        );
        assert_eq!(
            BirthDate::parse("00010101", today()),
            Err(BirthDateError::TooOld)
        );
    }

    #[test]
    fn parse_yyyymmdd_reads_file_dates_without_a_range_check() {
        assert_eq!(parse_yyyymmdd("20250401"), Some(date(2025, 4, 1)));
        assert_eq!(parse_yyyymmdd(" 20250401 "), Some(date(2025, 4, 1)));
        assert_eq!(parse_yyyymmdd("99991231"), Some(date(9999, 12, 31)));
        assert_eq!(parse_yyyymmdd("18000101"), Some(date(1800, 1, 1)));
        assert_eq!(parse_yyyymmdd("20230229"), None);
        assert_eq!(parse_yyyymmdd("00000000"), None);
        assert_eq!(parse_yyyymmdd("2025041"), None);
        assert_eq!(parse_yyyymmdd("2025-4-1"), None);
        assert_eq!(parse_yyyymmdd("２０２５０４０１"), None);
        assert_eq!(parse_yyyymmdd(""), None);
    }

    #[test]
    fn every_error_has_a_japanese_message() {
        for error in [
            BirthDateError::Empty,
            BirthDateError::NotEightDigits,
            BirthDateError::NotADate,
            BirthDateError::InFuture,
            BirthDateError::TooOld,
        ] {
            assert!(error.message().starts_with("生年月日"), "{error:?}");
            assert!(error.message().ends_with('。'), "{error:?}");
        }
    }

    #[test]
    fn serde_round_trips_as_an_iso_date() {
        let birth = BirthDate::parse("19790822", today()).unwrap();
        let json = serde_json::to_string(&birth).unwrap();
        assert_eq!(json, "\"1979-08-22\"");
        assert_eq!(serde_json::from_str::<BirthDate>(&json).unwrap(), birth);
    }
}
