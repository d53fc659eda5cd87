//! The records of benefit decisions and their keys.
//!
//! - `benefits`: `symbol␟number␟YYYYMMDD(決定日)␟決定番号` → [`BenefitRecord`], so a
//!   household's decisions are one range scan in 決定日 order and a year is a key range.
//! - `benefit_index`: 決定番号 → [`BenefitIndex`], so a re-imported number replaces its
//!   decision.
//! - `benefit_months`: `YYYYMM(対象終了年月)␟symbol␟number` → [`BenefitMonth`], so that
//!   retention finds expired decisions without reading the others.
//!
//! Decisions are few beside claims: the records are JSON.

use serde::{Deserialize, Serialize};

use crate::domain::benefit::BenefitDecision;
use crate::domain::claim::YearMonth;
use crate::domain::member::HouseholdKey;
use crate::store::{Record, key, tables};

/// A stored decision and the batch that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitRecord {
    pub batch: String,
    pub decision: BenefitDecision,
}

impl Record for BenefitRecord {
    const TABLE: &'static str = tables::BENEFITS;
}

/// Where the decision of a 決定番号 is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitIndex {
    /// Key of the [`BenefitRecord`] in `benefits`.
    pub key: String,
    pub batch: String,
}

impl Record for BenefitIndex {
    const TABLE: &'static str = tables::BENEFIT_INDEX;
}

/// Marks a household with decisions ending in a month (the key says which).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitMonth;

impl Record for BenefitMonth {
    const TABLE: &'static str = tables::BENEFIT_MONTHS;
}

/// Key of a decision in `benefits`.
pub fn benefit_key(d: &BenefitDecision) -> String {
    key(&[
        &d.household.symbol,
        &d.household.number,
        &d.decided_on.format("%Y%m%d").to_string(),
        &d.number,
    ])
}

/// Key of the [`BenefitMonth`] mark of a decision.
pub fn benefit_month_key(d: &BenefitDecision) -> String {
    key(&[
        &format!("{:06}", d.to.as_u32()),
        &d.household.symbol,
        &d.household.number,
    ])
}

/// The first key of a household's decisions decided in `year` or later.
pub fn household_year_start(household: &HouseholdKey, year: i32) -> String {
    key(&[
        &household.symbol,
        &household.number,
        &format!("{year:04}0101"),
    ])
}

/// The first [`BenefitMonth`] key of `month` and later months.
pub fn benefit_months_from(month: YearMonth) -> String {
    format!("{:06}", month.as_u32())
}
