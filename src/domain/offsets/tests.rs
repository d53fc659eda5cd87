//! The apportionment against the National Tax Agency's own 医療費控除 guidance (明細書の
//! 記載要領, タックスアンサー No.1120, 質疑応答事例), and its properties on random input.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::fuzzing::{config, ensure, run};

fn month(yyyymm: u32) -> YearMonth {
    YearMonth::new((yyyymm / 100) as i32, yyyymm % 100).unwrap_or(YearMonth::MIN)
}

fn day(yyyymmdd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        (yyyymmdd / 10000) as i32,
        yyyymmdd / 100 % 100,
        yyyymmdd % 100,
    )
    .unwrap_or_default()
}

fn yen(amount: u64) -> Yen {
    Yen::clamped(amount)
}

fn claim(person: &str, yyyymm: u32, receipt: &str, self_pay: u64, benefit: u64) -> ClaimShare {
    ClaimShare {
        person: person.into(),
        month: month(yyyymm),
        receipt: receipt.into(),
        self_pay: yen(self_pay),
        claim_benefit: yen(benefit),
    }
}

fn decision(
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

// Properties on random households: two people, four months.

fn claims_strategy() -> impl Strategy<Value = Vec<ClaimShare>> {
    proptest::collection::vec((0..2u8, 0..4u32, 0..200_000u64, 0..200_000u64), 0..8).prop_map(
        |rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (p, m, pay, benefit))| {
                    claim(&format!("0{p}"), 202501 + m, &format!("R{i}"), pay, benefit)
                })
                .collect()
        },
    )
}

fn decisions_strategy() -> impl Strategy<Value = Vec<DecisionShare>> {
    proptest::collection::vec(
        (0..2u8, 0..4u32, 0..4u32, 0..3usize, 0..400_000u64, 1..4u32),
        0..6,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (p, a, b, class, amount, d))| {
                let (from, to) = (202501 + a.min(b), 202501 + a.max(b));
                let class = OffsetClass::ALL[class];
                decision(
                    &format!("K{i}"),
                    &format!("0{p}"),
                    (from, to),
                    class,
                    amount,
                    20250600 + d,
                )
            })
            .collect()
    })
}

fn check(claims: &[ClaimShare], decisions: &[DecisionShare]) -> Result<(), TestCaseError> {
    let o = apportion(claims, decisions);
    ensure(o == apportion(claims, decisions), || {
        "not deterministic".into()
    })?;
    for (c, off) in claims.iter().zip(&o.claims) {
        ensure(*off <= c.self_pay, || format!("{off:?} above {c:?}"))?;
    }
    for (i, (d, r)) in decisions.iter().zip(&o.decisions).enumerate() {
        let shared: u64 = r.shares.iter().map(|(_, y)| y.get()).sum();
        ensure(shared == r.matched.get(), || {
            format!("shares of {i} ≠ matched")
        })?;
        if d.class != OffsetClass::Receipt {
            ensure(*r == DecisionOffset::default(), || {
                format!("{i} touched claims")
            })?;
            continue;
        }
        ensure(r.matched.get() + r.rest.get() == d.amount.get(), || {
            format!("{i}: matched + rest ≠ amount")
        })?;
        if r.rest > Yen::ZERO {
            // The rest is unmatched only because every claim it covers is paid back fully.
            for (c, off) in claims.iter().zip(&o.claims) {
                if d.covers(&c.person, c.month) {
                    ensure(*off == c.self_pay, || format!("{i} left rest beside {c:?}"))?;
                }
            }
        }
    }
    for (ci, c) in claims.iter().enumerate() {
        let decided = decisions
            .iter()
            .any(|d| d.class == OffsetClass::Receipt && d.covers(&c.person, c.month));
        let from_decisions: u64 = o
            .decisions
            .iter()
            .flat_map(|r| r.shares.iter())
            .filter(|(i, _)| *i == ci)
            .map(|(_, y)| y.get())
            .sum();
        let expected = if decided {
            from_decisions
        } else {
            c.claim_benefit.min(c.self_pay).get()
        };
        ensure(o.claims[ci].get() == expected, || format!("claim {ci}"))?;
    }
    Ok(())
}

/// The same claims and decisions in reverse order give the same figures, reordered.
fn order_free(claims: &[ClaimShare], decisions: &[DecisionShare]) -> Result<(), TestCaseError> {
    let o = apportion(claims, decisions);
    let rc: Vec<_> = claims.iter().rev().cloned().collect();
    let rd: Vec<_> = decisions.iter().rev().cloned().collect();
    let r = apportion(&rc, &rd);
    let n = claims.len();
    let back: Vec<Yen> = r.claims.iter().rev().copied().collect();
    ensure(back == o.claims, || {
        "claims depend on the input order".into()
    })?;
    for (a, b) in o.decisions.iter().zip(r.decisions.iter().rev()) {
        let mut mapped: Vec<(usize, Yen)> = b.shares.iter().map(|&(i, y)| (n - 1 - i, y)).collect();
        let mut own = a.shares.clone();
        mapped.sort();
        own.sort();
        ensure(
            (a.matched, a.rest) == (b.matched, b.rest) && own == mapped,
            || "decisions depend on the input order".into(),
        )?;
    }
    Ok(())
}

#[test]
fn fuzz_apportion_properties() {
    run(
        "offsets_apportion",
        config(file!(), 1.0),
        (claims_strategy(), decisions_strategy()),
        |(claims, decisions)| {
            check(&claims, &decisions)?;
            order_free(&claims, &decisions)
        },
    );
}
