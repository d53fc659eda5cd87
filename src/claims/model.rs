//! The records of claims and their batches, and their keys.
//!
//! - `claims`: `symbol␟number␟YYYYMM␟receipt` → [`ClaimRecord`], so a household's claims
//!   are one range scan in month order.
//! - `claim_index`: receipt number → [`ClaimIndex`] (where the claim lives, which batch),
//!   so a re-imported number replaces its claim.
//! - `batches`: batch id → [`Batch`]; `batch_people`: `batch␟symbol␟number␟branch` →
//!   [`BatchPerson`], the people whose claims a batch brought (who to tell on publication).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::claim::{Claim, YearMonth};
use crate::domain::member::HouseholdKey;
use crate::store::{KEY_SEP, Record, key, tables};

/// A stored claim and the batch that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub batch: String,
    pub claim: Claim,
}

impl Record for ClaimRecord {
    const TABLE: &'static str = tables::CLAIMS;
}

/// Where the claim of a receipt number is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimIndex {
    /// Key of the [`ClaimRecord`] in `claims`.
    pub key: String,
    pub batch: String,
}

impl Record for ClaimIndex {
    const TABLE: &'static str = tables::CLAIM_INDEX;
}

/// One imported claim file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub imported_at: DateTime<Utc>,
    /// `cli`, `staff:<login>`, `demo`.
    pub imported_by: String,
    /// Data rows in the file.
    pub rows: u64,
    pub added: u64,
    pub replaced: u64,
    pub unchanged: u64,
    /// The earliest and latest 診療年月 of the file.
    pub first_month: Option<YearMonth>,
    pub last_month: Option<YearMonth>,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<String>,
}

impl Record for Batch {
    const TABLE: &'static str = tables::BATCHES;
}

impl Batch {
    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }

    /// The id as people read it (`3` rather than `00000000000000000003`).
    pub fn number(&self) -> &str {
        let trimmed = self.id.trim_start_matches('0');
        if trimmed.is_empty() { "0" } else { trimmed }
    }
}

/// Marks a person whose claims a batch brought (the key says who).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchPerson;

impl Record for BatchPerson {
    const TABLE: &'static str = tables::BATCH_PEOPLE;
}

/// `YYYYMM`, zero-padded so that keys sort by month.
pub(super) fn month_part(month: YearMonth) -> String {
    format!("{:06}", month.as_u32())
}

/// Key of a claim in `claims`.
pub fn claim_key(claim: &Claim) -> String {
    key(&[
        &claim.household.symbol,
        &claim.household.number,
        &month_part(claim.month),
        &claim.receipt_number,
    ])
}

/// First key of a household's claims of `month` or later.
pub fn household_month_start(household: &HouseholdKey, month: YearMonth) -> String {
    key(&[&household.symbol, &household.number, &month_part(month)])
}

pub fn batch_person_key(batch: &str, household: &HouseholdKey, branch: &str) -> String {
    key(&[batch, &household.symbol, &household.number, branch])
}

pub fn batch_prefix(batch: &str) -> String {
    format!("{batch}{KEY_SEP}")
}
