//! The explanations of the tax page's benefit table.

use super::*;
use crate::benefits::testdata::{decision, household, ym};

fn decided(amount: u64, this_year: u64, rest: u64) -> YearDecision {
    YearDecision {
        decision: decision(
            "K-1",
            (&household("105"), "00"),
            "高額療養費",
            (202512, 202512),
            amount,
            20260210,
        ),
        this_year: Yen::clamped(this_year),
        claims: Vec::new(),
        other_years: Yen::ZERO,
        rest: Yen::clamped(rest),
    }
}

#[test]
fn a_benefit_for_months_not_yet_published_is_not_called_nothing_to_subtract() {
    // Tax season: December's claims come in March, its 高額療養費 was decided in February.
    // The member adds December from the receipts and must still subtract the benefit.
    let lines = explanations(&decided(50_000, 0, 50_000), 2025, Some(ym(202511))).join("\n");
    assert!(!lines.contains("差し引く額はありません"), "{lines}");
    assert!(!lines.contains("対象の医療費を超える"), "{lines}");
    assert!(lines.contains("領収書"), "{lines}");
    assert!(lines.contains("50,000円"), "{lines}");
}

#[test]
fn once_the_months_are_published_the_excess_is_explained_as_before() {
    let lines = explanations(&decided(50_000, 0, 50_000), 2025, Some(ym(202512))).join("\n");
    assert!(lines.contains("差し引く額はありません"), "{lines}");
    assert!(lines.contains("50,000円は対象の医療費を超える"), "{lines}");
}
