//! The compact binary form of the claim tables (format [`VERSION`]); see `store::bytes`.
//!
//! A value carries only what its key lacks:
//! - `claims` (`symbol␟number␟YYYYMM␟receipt`): version, batch number, 枝番, 区分,
//!   医療機関等名称, 日数, 医療費総額, 自己負担額, 給付金;
//! - `claim_index` (receipt): version, batch number, `symbol␟number␟YYYYMM` of the claim;
//! - `claim_totals` (`symbol␟number␟YYYYMM␟branch␟batch`): version, claims, days, then
//!   医療費総額, 自己負担額 and 給付金 each as two integers (low and high 64 bits).
//!
//! Batch ids (`00000000000000000003`) are stored as their number.

use anyhow::{Context as _, bail};

use super::model::{ClaimIndex, ClaimMonth, ClaimRecord, push_month};
use super::totals::ClaimTotals;
use crate::domain::claim::{Claim, ClaimKind, YearMonth};
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;
use crate::store::bytes::{ByteReader, ByteWriter};
use crate::store::{KEY_SEP, Record, tables};

/// The format version byte of every claim table's records.
pub const VERSION: u8 = 1;

impl Record for ClaimRecord {
    const TABLE: &'static str = tables::CLAIMS;

    fn encode(&self, key: &str) -> anyhow::Result<Vec<u8>> {
        encode_claim(key, self)
    }

    fn decode(key: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        decode_claim(key, bytes)
    }
}

impl Record for ClaimIndex {
    const TABLE: &'static str = tables::CLAIM_INDEX;

    fn encode(&self, key: &str) -> anyhow::Result<Vec<u8>> {
        encode_index(key, self)
    }

    fn decode(key: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        decode_index(key, bytes)
    }
}

/// A month mark is its key: the value is the version byte alone.
impl Record for ClaimMonth {
    const TABLE: &'static str = tables::CLAIM_MONTHS;

    fn encode(&self, _key: &str) -> anyhow::Result<Vec<u8>> {
        Ok(vec![VERSION])
    }

    fn decode(_key: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        ByteReader::new(bytes, VERSION)?.finish()?;
        Ok(ClaimMonth)
    }
}

/// Sums: about a dozen bytes where JSON took seventy (one row for most claims).
impl Record for ClaimTotals {
    const TABLE: &'static str = tables::CLAIM_TOTALS;

    fn encode(&self, _key: &str) -> anyhow::Result<Vec<u8>> {
        let mut w = ByteWriter::new(VERSION, 16);
        w.uint(self.claims).uint(self.days);
        for sum in [self.total_cost, self.self_pay, self.benefit] {
            // Split in two: a sum of many amounts may pass 64 bits.
            w.uint(sum as u64).uint((sum >> 64) as u64);
        }
        Ok(w.finish())
    }

    fn decode(_key: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        let mut r = ByteReader::new(bytes, VERSION)?;
        let (claims, days) = (r.uint()?, r.uint()?);
        let mut sum = || -> anyhow::Result<u128> {
            let low = u128::from(r.uint()?);
            Ok(low | (u128::from(r.uint()?) << 64))
        };
        let (total_cost, self_pay, benefit) = (sum()?, sum()?, sum()?);
        r.finish()?;
        Ok(ClaimTotals {
            claims,
            days,
            total_cost,
            self_pay,
            benefit,
        })
    }
}

fn batch_number(id: &str) -> anyhow::Result<u64> {
    if id.len() != 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        bail!("a batch id that is not 20 digits");
    }
    id.parse().ok().context("a batch id that is not a number")
}

/// Whether `key` is the claim's key (without building that key).
fn is_key_of(key: &str, c: &Claim) -> bool {
    let mut parts = key.split(KEY_SEP);
    let mut month = String::with_capacity(6);
    push_month(&mut month, c.month);
    parts.next() == Some(c.household.symbol.as_str())
        && parts.next() == Some(c.household.number.as_str())
        && parts.next() == Some(month.as_str())
        && parts.next() == Some(c.receipt_number.as_str())
        && parts.next().is_none()
}

/// `number` as the batch id it was (20 digits, zero-padded), as `format!("{number:020}")`
/// writes it, but digit by digit into one allocation: the formatter's padding path pushed
/// each padding `0` one character at a time, on every claim a page or an import decodes.
fn batch_id(number: u64) -> String {
    let mut digits = [b'0'; 20];
    let mut rest = number;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    std::str::from_utf8(&digits)
        .map(str::to_owned)
        .unwrap_or_default()
}

fn kind_code(kind: ClaimKind) -> u8 {
    ClaimKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

fn yen(r: &mut ByteReader<'_>) -> anyhow::Result<Yen> {
    Yen::new(r.uint()?).context("an amount out of range")
}

/// `YYYYMM` as written in keys.
fn parse_month(text: &str) -> anyhow::Result<YearMonth> {
    let n: u32 = (text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .context("a key whose month is not YYYYMM")?;
    YearMonth::new((n / 100) as i32, n % 100).context("a key whose month does not exist")
}

fn encode_claim(key: &str, record: &ClaimRecord) -> anyhow::Result<Vec<u8>> {
    let c = &record.claim;
    if !is_key_of(key, c) {
        bail!("the key does not match the claim");
    }
    let mut w = ByteWriter::new(VERSION, 24 + c.provider.len() + c.branch.len());
    w.uint(batch_number(&record.batch)?)
        .str(&c.branch)
        .u8(kind_code(c.kind))
        .str(&c.provider)
        .uint(u64::from(c.days))
        .uint(c.total_cost.get())
        .uint(c.self_pay.get())
        .uint(c.benefit.get());
    Ok(w.finish())
}

fn decode_claim(key: &str, bytes: &[u8]) -> anyhow::Result<ClaimRecord> {
    let mut parts = key.split(KEY_SEP);
    let (Some(symbol), Some(number), Some(month), Some(receipt), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        bail!("a key that is not symbol␟number␟month␟receipt");
    };
    let mut r = ByteReader::new(bytes, VERSION)?;
    let batch = batch_id(r.uint()?);
    let branch = r.str()?.to_string();
    let kind = *ClaimKind::ALL
        .get(usize::from(r.u8()?))
        .context("an unknown 区分")?;
    let provider = r.str()?.to_string();
    let claim = Claim {
        receipt_number: receipt.to_string(),
        household: HouseholdKey {
            symbol: symbol.to_string(),
            number: number.to_string(),
        },
        branch,
        month: parse_month(month)?,
        kind,
        provider,
        days: r.u32()?,
        total_cost: yen(&mut r)?,
        self_pay: yen(&mut r)?,
        benefit: yen(&mut r)?,
    };
    r.finish()?;
    Ok(ClaimRecord { batch, claim })
}

fn encode_index(receipt: &str, index: &ClaimIndex) -> anyhow::Result<Vec<u8>> {
    let place = index
        .key
        .strip_suffix(receipt)
        .and_then(|k| k.strip_suffix(KEY_SEP))
        .context("the index does not point at a claim of its receipt number")?;
    let mut w = ByteWriter::new(VERSION, 12 + place.len());
    w.uint(batch_number(&index.batch)?).str(place);
    Ok(w.finish())
}

fn decode_index(receipt: &str, bytes: &[u8]) -> anyhow::Result<ClaimIndex> {
    let mut r = ByteReader::new(bytes, VERSION)?;
    let batch = batch_id(r.uint()?);
    let place = r.str()?;
    r.finish()?;
    Ok(ClaimIndex {
        key: format!("{place}{KEY_SEP}{receipt}"),
        batch,
    })
}

#[cfg(test)]
use super::model::claim_key;

#[cfg(test)]
mod tests;
