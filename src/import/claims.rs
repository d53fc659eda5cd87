//! The claim file (SPEC §6.2), read as a stream: a union's yearly file can hold a
//! million rows, so claims are handed out one at a time and never all held here.
//! Whether the person of a claim exists is the caller's check.

use std::io::Read;

use csv::StringRecord;

use super::error::{ImportError, LineError};
use super::fields::Row;
use super::rows::{RowFormat, RowReader, read_all};
use crate::domain::claim::{Claim, ClaimKind, YearMonth};

/// The header of the claim file, in order.
pub const COLUMNS: [&str; 11] = [
    "レセプト番号",
    "記号",
    "番号",
    "枝番",
    "診療年月",
    "区分",
    "医療機関等名称",
    "日数",
    "医療費総額",
    "自己負担額",
    "給付金",
];

const RECEIPT_NUMBER: usize = 0;
const SYMBOL: usize = 1;
const NUMBER: usize = 2;
const BRANCH: usize = 3;
const MONTH: usize = 4;
const KIND: usize = 5;
const PROVIDER: usize = 6;
const DAYS: usize = 7;
const TOTAL_COST: usize = 8;
const SELF_PAY: usize = 9;
const BENEFIT: usize = 10;

/// The rows of the claim file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimRows;

impl RowFormat for ClaimRows {
    type Item = Claim;

    fn columns(&self) -> &'static [&'static str] {
        &COLUMNS
    }

    fn read(&self, record: &StringRecord, line: u64) -> Result<Claim, Vec<LineError>> {
        read_claim(record, line)
    }
}

/// Reads claims one by one from a claim file.
pub type ClaimReader = RowReader<ClaimRows>;

impl ClaimReader {
    /// Starts reading raw bytes in UTF-8 or Shift_JIS (detected); checks the header.
    pub fn open(raw: impl Read + 'static) -> Result<Self, ImportError> {
        Self::open_with(raw, ClaimRows)
    }

    /// Starts reading UTF-8 text (as returned by `open_reader`); checks the header.
    pub fn new(utf8: Box<dyn Read>) -> Result<Self, ImportError> {
        Self::with_format(utf8, ClaimRows)
    }

    /// The next claim with the line it starts on, or one problem of a line.
    pub fn next_claim(&mut self) -> Option<Result<(u64, Claim), LineError>> {
        self.next_row()
    }
}

/// Reads a whole claim file (UTF-8 or Shift_JIS) into memory: for small files and tests.
/// Collects up to [`MAX_LINE_ERRORS`](super::MAX_LINE_ERRORS) problems.
pub fn read_claims(raw: impl Read + 'static) -> Result<Vec<Claim>, ImportError> {
    read_all(raw, ClaimRows)
}

fn read_claim(record: &StringRecord, line: u64) -> Result<Claim, Vec<LineError>> {
    let mut row = Row::new(record, line, &COLUMNS);
    let receipt_number = row.record_number(RECEIPT_NUMBER);
    let household = row.household(SYMBOL, NUMBER);
    let branch = row.branch(BRANCH);
    let month = read_month(&mut row);
    let kind = read_kind(&mut row);
    let provider = row.required(PROVIDER).map(str::to_owned);
    let days = read_days(&mut row);
    let total_cost = row.yen(TOTAL_COST);
    let self_pay = row.yen(SELF_PAY);
    let benefit = row.yen(BENEFIT);
    if let (Some(total_cost), Some(self_pay)) = (total_cost, self_pay)
        && self_pay > total_cost
    {
        row.error(
            SELF_PAY,
            format!("自己負担額（{self_pay}円）が医療費総額（{total_cost}円）を超えています"),
        );
    }
    match (receipt_number, household, branch, month, kind, provider) {
        (
            Some(receipt_number),
            Some(household),
            Some(branch),
            Some(month),
            Some(kind),
            Some(provider),
        ) => match (days, total_cost, self_pay, benefit) {
            (Some(days), Some(total_cost), Some(self_pay), Some(benefit)) if !row.has_errors() => {
                Ok(Claim {
                    receipt_number,
                    household,
                    branch,
                    month,
                    kind,
                    provider,
                    days,
                    total_cost,
                    self_pay,
                    benefit,
                })
            }
            _ => Err(row.into_errors()),
        },
        _ => Err(row.into_errors()),
    }
}

fn read_month(row: &mut Row<'_>) -> Option<YearMonth> {
    let text = row.required(MONTH)?;
    YearMonth::parse_yyyymm(text)
        .map_err(|error| row.error(MONTH, format!("診療年月{error}")))
        .ok()
}

fn read_kind(row: &mut Row<'_>) -> Option<ClaimKind> {
    let text = row.required(KIND)?;
    let kind = ClaimKind::from_label(text);
    if kind.is_none() {
        let labels: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.label()).collect();
        row.error(
            KIND,
            format!(
                "区分「{text}」は {} のいずれかで入力してください",
                labels.join("・")
            ),
        );
    }
    kind
}

fn read_days(row: &mut Row<'_>) -> Option<u32> {
    let days = row.whole_number(DAYS)?;
    let days = u32::try_from(days).ok();
    if days.is_none() {
        let text = row.text(DAYS);
        row.error(DAYS, format!("日数「{text}」は大きすぎます"));
    }
    days
}
