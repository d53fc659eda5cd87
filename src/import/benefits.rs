//! The benefits file (benefits.csv, SPEC §6.4): the union's benefit decisions, read as a
//! stream like the claim file. Whether the person of a decision exists, and whether a
//! 決定番号 came twice, are the caller's checks (they need the data file).

use std::io::Read;

use chrono::{Datelike as _, NaiveDate};
use csv::StringRecord;

use super::error::{ImportError, LineError};
use super::fields::Row;
use super::rows::{RowFormat, RowReader, read_all};
use crate::domain::benefit::{BenefitDecision, BenefitKind, BenefitKinds};
use crate::domain::claim::YearMonth;

/// The header of the benefits file, in order.
pub const COLUMNS: [&str; 10] = [
    "決定番号",
    "記号",
    "番号",
    "枝番",
    "給付種別",
    "対象開始年月",
    "対象終了年月",
    "決定日",
    "支給額",
    "支払予定日",
];

const NUMBER_COLUMN: usize = 0;
const SYMBOL: usize = 1;
const NUMBER: usize = 2;
const BRANCH: usize = 3;
const KIND: usize = 4;
const FROM: usize = 5;
const TO: usize = 6;
const DECIDED_ON: usize = 7;
const AMOUNT: usize = 8;
const PAY_ON: usize = 9;

/// The longest 対象期間 of one decision (合算 runs from August to July).
pub const MAX_SPAN_MONTHS: i64 = 12;

/// The message for a 決定番号 that an earlier line of the same file has.
pub const DUPLICATE_NUMBER: &str = "この決定番号は、このファイルのより前の行にもあります\
     （決定番号は1件ごとに別の番号にしてください）";

/// The rows of the benefits file, with the 給付種別 the union accepts (the built-in ones
/// and its own).
#[derive(Debug, Clone, Default)]
pub struct BenefitRows {
    pub kinds: BenefitKinds,
}

impl RowFormat for BenefitRows {
    type Item = BenefitDecision;

    fn columns(&self) -> &'static [&'static str] {
        &COLUMNS
    }

    fn read(&self, record: &StringRecord, line: u64) -> Result<BenefitDecision, Vec<LineError>> {
        read_decision(record, line, &self.kinds)
    }
}

/// Reads decisions one by one from a benefits file.
pub type BenefitReader = RowReader<BenefitRows>;

impl BenefitReader {
    /// Starts reading raw bytes in UTF-8 or Shift_JIS (detected); checks the header.
    pub fn open(raw: impl Read + 'static, kinds: BenefitKinds) -> Result<Self, ImportError> {
        Self::open_with(raw, BenefitRows { kinds })
    }

    /// Starts reading UTF-8 text (as returned by `open_reader`); checks the header.
    pub fn new(utf8: Box<dyn Read>, kinds: BenefitKinds) -> Result<Self, ImportError> {
        Self::with_format(utf8, BenefitRows { kinds })
    }

    /// The next decision with the line it starts on, or one problem of a line.
    pub fn next_decision(&mut self) -> Option<Result<(u64, BenefitDecision), LineError>> {
        self.next_row()
    }
}

/// Reads a whole benefits file (UTF-8 or Shift_JIS) into memory: for small files and
/// tests. Collects up to [`MAX_LINE_ERRORS`](super::MAX_LINE_ERRORS) problems.
pub fn read_benefits(
    raw: impl Read + 'static,
    kinds: &BenefitKinds,
) -> Result<Vec<BenefitDecision>, ImportError> {
    read_all(
        raw,
        BenefitRows {
            kinds: kinds.clone(),
        },
    )
}

fn read_decision(
    record: &StringRecord,
    line: u64,
    kinds: &BenefitKinds,
) -> Result<BenefitDecision, Vec<LineError>> {
    let mut row = Row::new(record, line, &COLUMNS);
    let number = row.record_number(NUMBER_COLUMN);
    let household = row.household(SYMBOL, NUMBER);
    let branch = row.branch(BRANCH);
    let kind = read_kind(&mut row, kinds);
    let from = read_month(&mut row, FROM);
    let to = read_month(&mut row, TO);
    let decided_on = row.date(DECIDED_ON);
    let amount = row.yen(AMOUNT);
    let pay_on = row.date(PAY_ON);
    if amount.is_some_and(|a| a.get() == 0) {
        row.error(AMOUNT, "支給額は1円以上で入力してください");
    }
    if let (Some(from), Some(to)) = (from, to) {
        check_period(&mut row, from, to, decided_on);
    }
    if let (Some(decided_on), Some(pay_on)) = (decided_on, pay_on)
        && pay_on < decided_on
    {
        row.error(
            PAY_ON,
            format!(
                "支払予定日（{}）が決定日（{}）より前です",
                yyyymmdd(pay_on),
                yyyymmdd(decided_on)
            ),
        );
    }
    match (number, household, branch, kind, from, to) {
        (Some(number), Some(household), Some(branch), Some(kind), Some(from), Some(to)) => {
            match (decided_on, amount, pay_on) {
                (Some(decided_on), Some(amount), Some(pay_on)) if !row.has_errors() => {
                    Ok(BenefitDecision {
                        number,
                        household,
                        branch,
                        kind: kind.name,
                        class: kind.class,
                        from,
                        to,
                        decided_on,
                        amount,
                        pay_on,
                    })
                }
                _ => Err(row.into_errors()),
            }
        }
        _ => Err(row.into_errors()),
    }
}

/// 対象開始 ≤ 対象終了, at most [`MAX_SPAN_MONTHS`] months, and no month after the
/// decision's own.
fn check_period(row: &mut Row<'_>, from: YearMonth, to: YearMonth, decided: Option<NaiveDate>) {
    if to < from {
        row.error(
            TO,
            format!(
                "対象終了年月（{}）が対象開始年月（{}）より前です",
                to.as_u32(),
                from.as_u32()
            ),
        );
    } else if months_between(from, to) >= MAX_SPAN_MONTHS {
        row.error(
            TO,
            format!(
                "対象期間が12か月を超えています（{}〜{}）",
                from.as_u32(),
                to.as_u32()
            ),
        );
    }
    if let Some(decided) = decided
        && let Some(decided_month) = YearMonth::new(decided.year(), decided.month())
        && to > decided_month
    {
        row.error(
            TO,
            format!(
                "決定日（{}）より後の月は対象にできません",
                yyyymmdd(decided)
            ),
        );
    }
}

/// Months from `from` to `to` (0 for the same month).
fn months_between(from: YearMonth, to: YearMonth) -> i64 {
    let index = |m: YearMonth| i64::from(m.year()) * 12 + i64::from(m.month());
    index(to) - index(from)
}

fn yyyymmdd(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn read_month(row: &mut Row<'_>, index: usize) -> Option<YearMonth> {
    let text = row.required(index)?;
    let column = row.column(index);
    YearMonth::parse_yyyymm(text)
        .map_err(|error| row.error(index, format!("{column}{error}")))
        .ok()
}

fn read_kind(row: &mut Row<'_>, kinds: &BenefitKinds) -> Option<BenefitKind> {
    let text = row.required(KIND)?;
    let kind = kinds.find(text);
    if kind.is_none() {
        row.error(
            KIND,
            format!(
                "給付種別「{text}」は次のいずれかで入力してください: {}",
                kinds.names().join("・")
            ),
        );
    }
    kind
}
