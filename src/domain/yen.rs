//! Yen amounts of a claim (医療費総額, 自己負担額, 給付金) and their sums.
//!
//! One amount is at most [`Yen::MAX`], 99,999,999,999 yen: the costliest claims billed in
//! Japan stay below a billion yen, so no real claim comes near it. A sum is a [`YenSum`]
//! in u128: fewer than 2⁶⁴ amounts below 2³⁷ yen each stay below 2¹⁰¹, so no selection of
//! claims a data file can hold comes near the limit, and the additions saturate rather
//! than wrap or panic should one ever try.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

use serde::{Deserialize, Deserializer, Serialize};

use super::member::trim_spaces;
use super::whole_number::{WholeNumberError, parse_whole_number};

/// A whole-yen amount of one claim, from 0 to [`Yen::MAX`].
///
/// Stored as a plain JSON integer, as before the ceiling existed. An amount above the
/// ceiling in a data file written before then reads as the ceiling: every page, export
/// and job keeps working, and the absurd figure stays visible to staff and member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Yen(u64);

/// Why an amount was refused; the text is shown back as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YenError {
    #[error(transparent)]
    NotWholeNumber(#[from] WholeNumberError),
    #[error("「{0}」は1件あたりの上限 99,999,999,999円 を超えています")]
    AboveCeiling(String),
}

impl Yen {
    pub const ZERO: Yen = Yen(0);
    /// The largest amount of one claim.
    pub const MAX: Yen = Yen(99_999_999_999);

    /// `None` above [`Yen::MAX`].
    pub const fn new(amount: u64) -> Option<Yen> {
        if amount <= Self::MAX.0 {
            Some(Yen(amount))
        } else {
            None
        }
    }

    /// The amount, or [`Yen::MAX`] when it is larger.
    pub const fn clamped(amount: u64) -> Yen {
        if amount <= Self::MAX.0 {
            Yen(amount)
        } else {
            Self::MAX
        }
    }

    /// Reads digits (ASCII or full-width) without separators or units.
    pub fn parse(text: &str) -> Result<Yen, YenError> {
        let text = trim_spaces(text);
        match parse_whole_number(text) {
            Ok(amount) => Yen::new(amount).ok_or_else(|| YenError::AboveCeiling(text.to_owned())),
            Err(WholeNumberError::TooLarge(_)) => Err(YenError::AboveCeiling(text.to_owned())),
            Err(error) => Err(error.into()),
        }
    }

    pub const fn get(self) -> u64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Yen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        u64::deserialize(deserializer).map(Yen::clamped)
    }
}

/// The digits alone, as the claim file writes them (`8460`).
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Yen> for u64 {
    fn from(yen: Yen) -> u64 {
        yen.0
    }
}

impl From<Yen> for u128 {
    fn from(yen: Yen) -> u128 {
        u128::from(yen.0)
    }
}

/// A sum of amounts (see the module notes for why it cannot overflow).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YenSum(u128);

impl YenSum {
    pub const ZERO: YenSum = YenSum(0);

    /// A sum kept elsewhere (the stored per-month sums of claims).
    pub const fn new(sum: u128) -> YenSum {
        YenSum(sum)
    }

    pub const fn get(self) -> u128 {
        self.0
    }
}

impl From<Yen> for YenSum {
    fn from(yen: Yen) -> YenSum {
        YenSum(yen.into())
    }
}

impl From<YenSum> for u128 {
    fn from(sum: YenSum) -> u128 {
        sum.0
    }
}

impl Add for YenSum {
    type Output = YenSum;
    fn add(self, other: YenSum) -> YenSum {
        YenSum(self.0.saturating_add(other.0))
    }
}

impl Add<Yen> for YenSum {
    type Output = YenSum;
    fn add(self, yen: Yen) -> YenSum {
        self + YenSum::from(yen)
    }
}

impl AddAssign for YenSum {
    fn add_assign(&mut self, other: YenSum) {
        *self = *self + other;
    }
}

impl AddAssign<Yen> for YenSum {
    fn add_assign(&mut self, yen: Yen) {
        *self = *self + yen;
    }
}

impl Sum<YenSum> for YenSum {
    fn sum<I: Iterator<Item = YenSum>>(iter: I) -> YenSum {
        iter.fold(YenSum::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a YenSum> for YenSum {
    fn sum<I: Iterator<Item = &'a YenSum>>(iter: I) -> YenSum {
        iter.copied().sum()
    }
}

impl Sum<Yen> for YenSum {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> YenSum {
        iter.fold(YenSum::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests;
