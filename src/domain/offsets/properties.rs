//! Properties of the apportionment on random households (two people, four months): no
//! claim gives more than its self-pay, shares add up, only Receipt decisions touch claims,
//! and the result does not depend on the order of the input.

use proptest::prelude::*;

use super::tests::{claim, decision};
use super::*;
use crate::fuzzing::{config, ensure, run};

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
