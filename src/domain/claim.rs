//! Claims (レセプト) of the claim file (SPEC §6.2) and the month they belong to.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::member::{HouseholdKey, normalize_code};
use super::yen::Yen;

/// 診療年月: a calendar month. Orders by year, then month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// Why a `YYYYMM` month was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearMonthError {
    #[error("「{0}」は YYYYMM の6桁の数字ではありません（例: 202503）")]
    NotSixDigits(String),
    #[error("「{0}」の月が 01〜12 の範囲にありません")]
    MonthOutOfRange(String),
}

impl YearMonth {
    /// January of year 1: the earliest month.
    pub const MIN: YearMonth = YearMonth { year: 1, month: 1 };

    /// A month of year 1 to 9999; `None` if `month` is not 1–12 or the year is out of range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// Reads `YYYYMM` (e.g. `202503`); full-width digits and surrounding spaces are accepted.
    pub fn parse_yyyymm(text: &str) -> Result<Self, YearMonthError> {
        let text = normalize_code(text);
        let six_digits = text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit());
        let parts = (text.get(..4), text.get(4..));
        let (Some(year), Some(month), true) = (parts.0, parts.1, six_digits) else {
            return Err(YearMonthError::NotSixDigits(text));
        };
        let (Ok(year), Ok(month)) = (year.parse::<i32>(), month.parse::<u32>()) else {
            return Err(YearMonthError::NotSixDigits(text));
        };
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::MonthOutOfRange(text));
        }
        Self::new(year, month).ok_or(YearMonthError::NotSixDigits(text))
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The month as the number `YYYYMM` (e.g. `202503`), handy as a sort or table key.
    pub fn as_u32(self) -> u32 {
        self.year.unsigned_abs() * 100 + self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}月", self.year, self.month)
    }
}

/// 区分 of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClaimKind {
    /// 入院
    Inpatient,
    /// 外来
    Outpatient,
    /// 歯科
    Dental,
    /// 調剤
    Pharmacy,
    /// 訪問看護
    HomeNursing,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 5] = [
        ClaimKind::Inpatient,
        ClaimKind::Outpatient,
        ClaimKind::Dental,
        ClaimKind::Pharmacy,
        ClaimKind::HomeNursing,
    ];

    /// The Japanese word used in the claim file and on screen.
    pub fn label(self) -> &'static str {
        match self {
            ClaimKind::Inpatient => "入院",
            ClaimKind::Outpatient => "外来",
            ClaimKind::Dental => "歯科",
            ClaimKind::Pharmacy => "調剤",
            ClaimKind::HomeNursing => "訪問看護",
        }
    }

    /// Reads the word of the claim file; surrounding spaces are ignored.
    pub fn from_label(label: &str) -> Option<Self> {
        let label = super::member::trim_spaces(label);
        Self::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// One claim (レセプト): what the union paid for one person, one month, one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// レセプト番号: unique per claim; a re-imported number replaces the earlier row.
    pub receipt_number: String,
    pub household: HouseholdKey,
    /// 枝番 of the person treated (two digits).
    pub branch: String,
    /// 診療年月
    pub month: YearMonth,
    /// 区分
    pub kind: ClaimKind,
    /// 医療機関等名称
    pub provider: String,
    /// 日数
    pub days: u32,
    /// 医療費総額.
    pub total_cost: Yen,
    /// 自己負担額 (窓口負担相当額); never more than `total_cost`.
    pub self_pay: Yen,
    /// 給付金.
    pub benefit: Yen,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yyyymm() {
        let month = YearMonth::parse_yyyymm("202503").unwrap();
        assert_eq!((month.year(), month.month()), (2025, 3));
        assert_eq!(month.as_u32(), 202503);
        assert_eq!(month.to_string(), "2025年3月");
        assert_eq!(
            YearMonth::parse_yyyymm(" ２０２５１２ ").ok(),
            YearMonth::new(2025, 12)
        );
    }

    #[test]
    fn refuses_bad_months() {
        assert!(matches!(
            YearMonth::parse_yyyymm("202513"),
            Err(YearMonthError::MonthOutOfRange(_))
        ));
        assert!(matches!(
            YearMonth::parse_yyyymm("202500"),
            Err(YearMonthError::MonthOutOfRange(_))
        ));
        for bad in [
            "20253", "2025-03", "2025/3", "", "+20253", "2025031", "000003",
        ] {
            assert!(
                matches!(
                    YearMonth::parse_yyyymm(bad),
                    Err(YearMonthError::NotSixDigits(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn orders_by_year_then_month() {
        let a = YearMonth::new(2024, 12).unwrap();
        let b = YearMonth::new(2025, 1).unwrap();
        let c = YearMonth::new(2025, 10).unwrap();
        assert!(a < b && b < c);
    }

    #[test]
    fn claim_kind_labels_round_trip() {
        for kind in ClaimKind::ALL {
            assert_eq!(ClaimKind::from_label(kind.label()), Some(kind));
        }
        assert_eq!(
            ClaimKind::from_label("訪問看護 "),
            Some(ClaimKind::HomeNursing)
        );
        assert_eq!(ClaimKind::from_label("薬局"), None);
    }
}
