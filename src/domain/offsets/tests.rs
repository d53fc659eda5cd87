//! The apportionment against the National Tax Agency's own 医療費控除 guidance (明細書の
//! 記載要領, タックスアンサー No.1120, 質疑応答事例). Its properties on random input are in
//! `properties.rs`.

use chrono::NaiveDate;

use super::*;

pub(super) fn month(yyyymm: u32) -> YearMonth {
    YearMonth::new((yyyymm / 100) as i32, yyyymm % 100).unwrap_or(YearMonth::MIN)
}

pub(super) fn day(yyyymmdd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        (yyyymmdd / 10000) as i32,
        yyyymmdd / 100 % 100,
        yyyymmdd % 100,
    )
    .unwrap_or_default()
}

pub(super) fn yen(amount: u64) -> Yen {
    Yen::clamped(amount)
}

pub(super) fn claim(
    person: &str,
    yyyymm: u32,
    receipt: &str,
    self_pay: u64,
    benefit: u64,
) -> ClaimShare {
    ClaimShare {
        person: person.into(),
        month: month(yyyymm),
        receipt: receipt.into(),
        self_pay: yen(self_pay),
        claim_benefit: yen(benefit),
    }
}

pub(super) fn decision(
    number: &str,
    person: &str,
    (from, to): (u32, u32),
    class: OffsetClass,
    amount: u64,
    decided_on: u32,
) -> DecisionShare {
    DecisionShare {
        person: person.into(),
        from: month(from),
        to: month(to),
        class,
        amount: yen(amount),
        decided_on: day(decided_on),
        number: number.into(),
    }
}

fn claims_of(o: &Offsets) -> Vec<u64> {
    o.claims.iter().map(|y| y.get()).collect()
}

fn matched_rest(o: &Offsets) -> Vec<(u64, u64)> {
    o.decisions
        .iter()
        .map(|d| (d.matched.get(), d.rest.get()))
        .collect()
}

use OffsetClass::{None as NotOffset, Outside, Receipt};

#[test]
fn nta_hospital_excess_is_not_taken_from_other_costs() {
    // 明細書の記載要領: 入院費 300,000 円に保険金など 400,000 円が支払われても、補填額は
    // 300,000 円まで。超えた 100,000 円は家族の歯科の医療費から差し引かない。
    let claims = [
        claim("00", 202506, "R1", 300_000, 0),
        claim("01", 202506, "R2", 150_000, 0),
    ];
    let decisions = [
        decision("K1", "00", (202506, 202506), Receipt, 200_000, 20250910),
        decision("K2", "00", (202506, 202506), Receipt, 200_000, 20250910),
    ];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [300_000, 0]);
    assert_eq!(matched_rest(&o), [(200_000, 0), (100_000, 100_000)]);
}

#[test]
fn nta_excess_refund_for_a_stay_leaves_the_dental_bill_alone() {
    // 質疑応答事例「支払った医療費を超える補填金」: the excess over the stay it pays back is
    // not subtracted from the same person's other costs either.
    let claims = [
        claim("00", 202506, "R1", 100_000, 0),
        claim("00", 202507, "R2", 50_000, 0),
    ];
    let decisions = [decision(
        "K1",
        "00",
        (202506, 202506),
        Receipt,
        150_000,
        20250910,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [100_000, 0]);
    assert_eq!(matched_rest(&o), [(100_000, 50_000)]);
    assert_eq!(o.decisions[0].shares, [(0, yen(100_000))]);
}

#[test]
fn nta_childbirth_lump_sum_is_outside_the_claims() {
    // No.1120: 出産育児一時金 is subtracted from the 出産費用 (450,000 here, in no claim), not
    // from the same month's dental bill.
    let claims = [claim("01", 202505, "R1", 30_000, 0)];
    let decisions = [decision(
        "K3",
        "01",
        (202505, 202505),
        Outside,
        500_000,
        20250620,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [0]);
    assert_eq!(o.decisions[0], DecisionOffset::default());
}

#[test]
fn nta_injury_and_maternity_allowances_are_not_offsets() {
    // No.1120: 傷病手当金 and 出産手当金 are not 補填; the claim's own 給付金 still counts.
    let claims = [claim("00", 202503, "R1", 40_000, 5_000)];
    let decisions = [
        decision("K4", "00", (202503, 202503), NotOffset, 120_000, 20250420),
        decision("K9", "00", (202503, 202503), NotOffset, 300_000, 20250420),
    ];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [5_000]);
    assert_eq!(matched_rest(&o), [(0, 0), (0, 0)]);
}

#[test]
fn nta_refund_decided_next_year_counts_for_the_year_of_treatment() {
    // No.1120: a refund decided after the year ends is subtracted in the year of the cost.
    let claims = [claim("00", 202512, "2025120009", 90_000, 0)];
    let decisions = [decision(
        "K-0008",
        "00",
        (202512, 202512),
        Receipt,
        9_000,
        20260310,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [9_000]);
    assert_eq!(o.decisions[0].shares, [(0, yen(9_000))]);
}

#[test]
fn pro_rata_in_whole_yen_by_largest_remainder() {
    // 2,000 × 2,538 / 3,501 = 1,449.87…, 2,000 × 963 / 3,501 = 550.13…: the leftover yen goes
    // to the larger remainder.
    let claims = [
        claim("00", 202503, "B", 963, 0),
        claim("00", 202503, "A", 2_538, 0),
    ];
    let decisions = [decision(
        "K-0001",
        "00",
        (202503, 202503),
        Receipt,
        2_000,
        20250610,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [550, 1_450]);
    assert_eq!(o.decisions[0].shares, [(1, yen(1_450)), (0, yen(550))]);
}

#[test]
fn equal_remainders_go_to_the_earlier_month_then_receipt() {
    let claims = [
        claim("00", 202504, "A", 100, 0),
        claim("00", 202503, "C", 100, 0),
        claim("00", 202503, "B", 100, 0),
    ];
    let decisions = [decision("K", "00", (202503, 202504), Receipt, 2, 20250610)];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [0, 1, 1]);
}

#[test]
fn a_decision_replaces_the_claims_own_benefit() {
    // The stay's claim already carries 高額療養費 in 給付金; the decisions of that month
    // replace it: 269,702, not 484,304.
    let claims = [
        claim("00", 202506, "R1", 300_000, 214_602),
        claim("00", 202507, "R2", 20_000, 3_000),
    ];
    let decisions = [
        decision("K-0005", "00", (202506, 202506), Receipt, 214_602, 20250910),
        decision("K-0006", "00", (202506, 202506), Receipt, 55_100, 20250910),
    ];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [269_702, 3_000]);
}

#[test]
fn a_decision_takes_only_from_its_own_person() {
    let claims = [
        claim("00", 202504, "R1", 1_224, 0),
        claim("02", 202504, "R2", 1_224, 0),
    ];
    let decisions = [decision(
        "K-0002",
        "02",
        (202504, 202504),
        Receipt,
        2_000,
        20250710,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [0, 1_224]);
    assert_eq!(matched_rest(&o), [(1_224, 776)]);
}

#[test]
fn a_yearly_decision_splits_across_years_and_adds_up() {
    // 合算 over August to July: the claims of both years share it by 自己負担額.
    let claims = [
        claim("00", 202409, "R1", 10_000, 0),
        claim("00", 202503, "R2", 30_000, 0),
        claim("00", 202508, "R3", 50_000, 0),
    ];
    let decisions = [decision(
        "K",
        "00",
        (202408, 202507),
        Receipt,
        20_000,
        20251020,
    )];
    let o = apportion(&claims, &decisions);
    assert_eq!(claims_of(&o), [5_000, 15_000, 0]);
    let shared: u64 = o.decisions[0].shares.iter().map(|(_, y)| y.get()).sum();
    assert_eq!(shared, 20_000);
}
