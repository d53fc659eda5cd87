//! Test code only (`#[cfg(test)]` in `claims/totals/changes.rs`): an `expect` here fails the test.

use super::*;

#[test]
fn numbers_read_back_as_written_at_both_ends_of_their_range() {
    for n in [
        0,
        1,
        -1,
        63,
        -64,
        i128::from(u64::MAX),
        -i128::from(u64::MAX),
        i128::MAX,
        i128::MIN,
    ] {
        let mut out = Vec::new();
        push_uint(&mut out, zigzag(n));
        assert_eq!(unzigzag(read_uint(&out, 0).0), n, "{n}");
    }
}

#[test]
fn a_key_is_written_as_totals_key_writes_it() {
    use crate::domain::claim::{ClaimKind, YearMonth};
    use crate::domain::member::HouseholdKey;
    use crate::domain::yen::Yen;
    let record = ClaimRecord {
        batch: "00000000000000000042".into(),
        claim: Claim {
            receipt_number: "R1".into(),
            household: HouseholdKey::new("1201", "12").expect("household"),
            branch: "01".into(),
            month: YearMonth::new(2025, 3).expect("month"),
            kind: ClaimKind::Outpatient,
            provider: "試験クリニック".into(),
            days: 2,
            total_cost: Yen::clamped(1_000),
            self_pay: Yen::clamped(300),
            benefit: Yen::ZERO,
        },
    };
    let mut changes = Changes::default();
    changes.added(&record);
    let key = key_at(&changes.bytes, changes.slots[0]);
    assert_eq!(
        key,
        super::super::totals_key(&record.batch, &record.claim).as_bytes()
    );
}
