//! The records of claims and their batches, and their keys.
//!
//! - `claims`: `symbol␟number␟YYYYMM␟receipt` → [`ClaimRecord`], so a household's claims
//!   are one range scan in month order.
//! - `claim_index`: receipt number → [`ClaimIndex`] (where the claim lives, which batch),
//!   so a re-imported number replaces its claim.
//! - `claim_months`: `YYYYMM␟symbol␟number` → [`ClaimMonth`], the households with claims
//!   of a month, so that retention deletes whole months without reading other claims.
//!
//! The three are stored in a compact binary form, not JSON: their `Record` impls are in
//! `super::codec`.
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

/// Where the claim of a receipt number is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimIndex {
    /// Key of the [`ClaimRecord`] in `claims`.
    pub key: String,
    pub batch: String,
}

/// Marks a household with claims of a month (the key says which). A mark may outlive the
/// month's claims (a re-imported claim that moved to another month): retention then finds
/// nothing under it and removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimMonth;

/// What a batch brought: claims (claims.csv) or benefit decisions (benefits.csv).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// Batches written before decisions existed read as claims.
    #[default]
    Claims,
    Benefits,
}

impl BatchKind {
    /// The 「種類」 column of the batch list.
    pub fn label(self) -> &'static str {
        match self {
            BatchKind::Claims => "医療費",
            BatchKind::Benefits => "支給決定",
        }
    }
}

/// One imported claim file or benefits file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    /// Claims or decisions. For decisions, `first_month` and `last_month` are the earliest
    /// 対象開始年月 and the latest 対象終了年月.
    #[serde(default)]
    pub kind: BatchKind,
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
    let mut out = String::with_capacity(6);
    push_month(&mut out, month);
    out
}

/// Appends `YYYYMM` (the year is 1 to 9999, see [`YearMonth::new`]).
pub(super) fn push_month(out: &mut String, month: YearMonth) {
    let n = month.as_u32();
    for div in [100_000, 10_000, 1_000, 100, 10, 1] {
        out.push(char::from(b'0' + (n / div % 10) as u8));
    }
}

/// Key of a claim in `claims`.
pub fn claim_key(claim: &Claim) -> String {
    let (h, receipt) = (&claim.household, &claim.receipt_number);
    let mut out = String::with_capacity(h.symbol.len() + h.number.len() + receipt.len() + 9);
    out.push_str(&h.symbol);
    out.push(KEY_SEP);
    out.push_str(&h.number);
    out.push(KEY_SEP);
    push_month(&mut out, claim.month);
    out.push(KEY_SEP);
    out.push_str(receipt);
    out
}

/// Key of the [`ClaimMonth`] mark of a claim: `YYYYMM␟symbol␟number`.
pub fn claim_month_key(claim: &Claim) -> String {
    key(&[
        &month_part(claim.month),
        &claim.household.symbol,
        &claim.household.number,
    ])
}

/// The first [`ClaimMonth`] key of `month` and later months.
pub fn claim_months_from(month: YearMonth) -> String {
    month_part(month)
}

/// The prefix of a household's claims of one month in `claims`, from a [`ClaimMonth`] key
/// (`YYYYMM␟symbol␟number` → `symbol␟number␟YYYYMM␟`); `None` for a key of another shape.
pub fn claims_of_month_prefix(month_key: &str) -> Option<String> {
    let mut parts = month_key.split(KEY_SEP);
    let (Some(month), Some(symbol), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(format!("{}{KEY_SEP}", key(&[symbol, number, month])))
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
