//! 保険者番号: the eight-digit number of the insurer, printed on the lower part of the
//! health insurance card. Its last digit is a check digit over the first seven.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A syntactically valid insurer number: exactly eight ASCII digits whose last digit
/// matches the check digit of the first seven.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InsurerNumber(String);

/// Why a typed insurer number was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum InsurerNumberError {
    #[error("the insurer number is empty")]
    Empty,
    #[error("the insurer number is not exactly eight digits")]
    NotEightDigits,
    #[error("the check digit of the insurer number does not match")]
    BadCheckDigit,
}

impl InsurerNumberError {
    /// The message shown beside the 保険者番号 field.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Empty => "保険者番号を入力してください。",
            Self::NotEightDigits => "保険者番号は数字8桁で入力してください。",
            Self::BadCheckDigit => {
                "保険者番号に誤りがあります。健康保険証の下段に記載されている8桁の番号をご確認ください。"
            }
        }
    }
}

impl InsurerNumber {
    /// Number of digits of an insurer number.
    pub const DIGITS: usize = 8;

    /// Parses user input: surrounding whitespace is trimmed and full-width digits
    /// (０-９) are converted to ASCII before checking.
    pub fn parse(input: &str) -> Result<Self, InsurerNumberError> {
        let folded = fold_full_width_digits(input.trim());
        if folded.is_empty() {
            return Err(InsurerNumberError::Empty);
        }
        let digits = eight_digits(&folded).ok_or(InsurerNumberError::NotEightDigits)?;
        match digits.split_last() {
            Some((check, body)) if *check == expected_check_digit(body) => Ok(Self(folded)),
            _ => Err(InsurerNumberError::BadCheckDigit),
        }
    }

    /// The eight ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for InsurerNumber {
    type Error = InsurerNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<InsurerNumber> for String {
    fn from(value: InsurerNumber) -> Self {
        value.0
    }
}

/// Converts full-width digits (０-９, U+FF10–U+FF19) to ASCII digits and leaves every
/// other character as it is. Shared by every field that takes digits.
pub fn fold_full_width_digits(input: &str) -> String {
    input.chars().map(fold_full_width_digit).collect()
}

fn fold_full_width_digit(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        _ => c,
    }
}

/// The digit values when `s` is exactly eight ASCII digits.
fn eight_digits(s: &str) -> Option<Vec<u32>> {
    // `char::to_digit` accepts ASCII digits only.
    let digits: Vec<u32> = s.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    (digits.len() == InsurerNumber::DIGITS).then_some(digits)
}

/// Check digit over the first seven digits: weights 2, 1, 2, 1, … from the right,
/// the digit sums of the products are added, and the check digit is
/// 10 − (sum mod 10), or 0 when that is 10.
fn expected_check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .zip([2, 1].into_iter().cycle())
        .map(|(digit, weight)| digit_sum(digit * weight))
        .sum();
    (10 - sum % 10) % 10
}

/// Sum of the decimal digits of a product of a digit and a weight (at most 18).
fn digit_sum(n: u32) -> u32 {
    n / 10 + n % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_union_number_from_the_guide() {
        // 0 6 1 3 1 1 1 | 4. From the right, the weights are 2,1,2,1,2,1,2:
        //   1×2=2, 1×1=1, 1×2=2, 3×1=3, 1×2=2, 6×1=6, 0×2=0
        //   sum = 2+1+2+3+2+6+0 = 16; 10 − (16 mod 10) = 4 = the last digit.
        let number = InsurerNumber::parse("06131114").unwrap();
        assert_eq!(number.as_str(), "06131114");
        assert_eq!(number.to_string(), "06131114");
    }

    #[test]
    fn accepts_a_number_whose_products_need_digit_sums() {
        // 0 6 1 3 9 9 9 | 2: 9×2=18→1+8=9, 9×1=9, 9×2=18→9, 3×1=3, 1×2=2, 6×1=6, 0×2=0
        //   sum = 9+9+9+3+2+6+0 = 38; 10 − 8 = 2.
        assert!(InsurerNumber::parse("06139992").is_ok());
    }

    #[test]
    fn check_digit_is_zero_when_the_sum_is_a_multiple_of_ten() {
        // 0 6 0 0 0 0 2 | 0: 2×2=4, 0, 0, 0, 0, 6×1=6, 0 → sum 10; 10 − 0 = 10 → 0.
        assert!(InsurerNumber::parse("06000020").is_ok());
        assert_eq!(expected_check_digit(&[0, 6, 0, 0, 0, 0, 2]), 0);
    }

    #[test]
    fn accepts_the_tokyo_branch_of_kyokai_kenpo() {
        // 0 1 1 3 0 0 1 | 2: 1×2=2, 0, 0, 3×1=3, 1×2=2, 1×1=1, 0 → sum 8; 10 − 8 = 2.
        assert!(InsurerNumber::parse("01130012").is_ok());
    }

    #[test]
    fn refuses_every_other_check_digit() {
        for last in (0..=9).filter(|d| *d != 4) {
            let input = format!("0613111{last}");
            assert_eq!(
                InsurerNumber::parse(&input),
                Err(InsurerNumberError::BadCheckDigit),
                "{input}"
            );
        }
    }

    #[test]
    fn trims_surrounding_whitespace_including_ideographic_space() {
        let number = InsurerNumber::parse(" \t06131114\u{3000}\n").unwrap();
        assert_eq!(number.as_str(), "06131114");
    }

    #[test]
    fn converts_full_width_digits() {
        let number = InsurerNumber::parse("０６１３１１１４").unwrap();
        assert_eq!(number.as_str(), "06131114");
        let mixed = InsurerNumber::parse("06１３1114").unwrap();
        assert_eq!(mixed.as_str(), "06131114");
    }

    #[test]
    fn refuses_empty_and_blank_input() {
        assert_eq!(InsurerNumber::parse(""), Err(InsurerNumberError::Empty));
        assert_eq!(InsurerNumber::parse("   "), Err(InsurerNumberError::Empty));
        assert_eq!(
            InsurerNumber::parse("\u{3000}"),
            Err(InsurerNumberError::Empty)
        );
    }

    #[test]
    fn refuses_wrong_lengths_and_non_digits() {
        for input in [
            "0613111",
            "061311140",
            "0613 1114",
            "0613-1114",
            "06131l14",
            "abcdefgh",
            "٠٦١٣١١١٤", // Arabic-Indic digits are not folded
            "+6131114",
        ] {
            assert_eq!(
                InsurerNumber::parse(input),
                Err(InsurerNumberError::NotEightDigits),
                "{input}"
            );
        }
    }

    #[test]
    fn fold_leaves_other_characters_alone() {
        assert_eq!(fold_full_width_digits("０９a-Ｚ５"), "09a-Ｚ5");
    }

    #[test]
    fn digit_sum_adds_both_digits() {
        assert_eq!(digit_sum(14), 5);
        assert_eq!(digit_sum(18), 9);
        assert_eq!(digit_sum(7), 7);
    }

    #[test]
    fn every_error_has_a_japanese_message() {
        for error in [
            InsurerNumberError::Empty,
            InsurerNumberError::NotEightDigits,
            InsurerNumberError::BadCheckDigit,
        ] {
            assert!(error.message().contains("保険者番号"));
            assert!(error.message().ends_with('。'));
        }
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let number = InsurerNumber::parse("06131114").unwrap();
        let json = serde_json::to_string(&number).unwrap();
        assert_eq!(json, "\"06131114\"");
        let back: InsurerNumber = serde_json::from_str(&json).unwrap();
        assert_eq!(back, number);
        assert!(serde_json::from_str::<InsurerNumber>("\"06131115\"").is_err());
    }
}
