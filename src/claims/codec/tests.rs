use proptest::prelude::*;

use super::*;
use crate::claims::model::ClaimMonth;

fn claim_strategy() -> impl Strategy<Value = ClaimRecord> {
    (
        (
            "[A-Za-z0-9-]{1,40}",
            "[0-9０-９]{1,8}",
            "[^\u{1f}]{0,8}",
            "[0-9]{2}",
        ),
        (
            1i32..=9999,
            1u32..=12,
            0usize..ClaimKind::ALL.len(),
            "\\PC{0,40}",
        ),
        (
            any::<u32>(),
            0..=Yen::MAX.get(),
            0..=Yen::MAX.get(),
            0..=Yen::MAX.get(),
        ),
        1u64..u64::MAX / 2,
    )
        .prop_map(
            |(
                (receipt, symbol, number, branch),
                (y, m, kind, provider),
                (days, a, b, c),
                batch,
            )| {
                ClaimRecord {
                    batch: batch_id(batch),
                    claim: Claim {
                        receipt_number: receipt,
                        household: HouseholdKey { symbol, number },
                        branch,
                        month: YearMonth::new(y, m).expect("month"),
                        kind: ClaimKind::ALL[kind],
                        provider,
                        days,
                        total_cost: Yen::clamped(a),
                        self_pay: Yen::clamped(b),
                        benefit: Yen::clamped(c),
                    },
                }
            },
        )
}

fn sample() -> ClaimRecord {
    ClaimRecord {
        batch: batch_id(3),
        claim: Claim {
            receipt_number: "R0001".into(),
            household: HouseholdKey {
                symbol: "1000".into(),
                number: "12".into(),
            },
            branch: "01".into(),
            month: YearMonth::new(2025, 3).expect("month"),
            kind: ClaimKind::Pharmacy,
            provider: "さくら調剤薬局".into(),
            days: 2,
            total_cost: Yen::clamped(12_340),
            self_pay: Yen::clamped(3_700),
            benefit: Yen::ZERO,
        },
    }
}

proptest! {
    #[test]
    fn every_claim_and_its_index_round_trip(record in claim_strategy()) {
        let key = claim_key(&record.claim);
        let bytes = record.encode(&key).expect("encode");
        prop_assert_eq!(bytes[0], VERSION);
        prop_assert_eq!(&ClaimRecord::decode(&key, &bytes).expect("decode"), &record);
        let receipt = &record.claim.receipt_number;
        let index = ClaimIndex { key: key.clone(), batch: record.batch.clone() };
        let bytes = index.encode(receipt).expect("encode index");
        prop_assert_eq!(ClaimIndex::decode(receipt, &bytes).expect("decode index"), index);
    }

    #[test]
    fn sums_round_trip_and_any_cut_is_an_error(
        claims in any::<u64>(), days in any::<u64>(),
        sums in any::<[u128; 3]>(), cut in 0usize..64,
    ) {
        let totals = ClaimTotals {
            claims, days, total_cost: sums[0], self_pay: sums[1], benefit: sums[2],
        };
        let bytes = totals.encode("k").expect("encode");
        prop_assert_eq!(bytes[0], VERSION);
        prop_assert_eq!(&ClaimTotals::decode("k", &bytes).expect("decode"), &totals);
        prop_assert!(ClaimTotals::decode("k", &bytes[..cut.min(bytes.len() - 1)]).is_err());
    }

    #[test]
    fn any_cut_of_a_record_is_an_error_not_a_panic(record in claim_strategy(), cut in 0usize..80) {
        let key = claim_key(&record.claim);
        let bytes = record.encode(&key).expect("encode");
        let cut = cut.min(bytes.len() - 1);
        prop_assert!(ClaimRecord::decode(&key, &bytes[..cut]).is_err());
    }
}

#[test]
fn a_claim_is_small() {
    let record = sample();
    let bytes = record.encode(&claim_key(&record.claim)).expect("encode");
    // version, batch, branch, kind, provider (21 bytes of UTF-8), days, three amounts.
    assert!(bytes.len() <= 36, "{} bytes", bytes.len());
}

#[test]
fn the_sums_of_one_claim_are_small() {
    let totals = ClaimTotals {
        claims: 1,
        days: 3,
        total_cost: 123_450,
        self_pay: 37_040,
        benefit: 86_410,
    };
    let bytes = totals.encode("k").expect("encode");
    assert!(bytes.len() <= 16, "{} bytes", bytes.len());
}

#[test]
fn an_unknown_format_version_is_refused() {
    let record = sample();
    let key = claim_key(&record.claim);
    let mut bytes = record.encode(&key).expect("encode");
    bytes[0] = VERSION + 1;
    let e = ClaimRecord::decode(&key, &bytes).expect_err("refused");
    assert!(e.to_string().contains("format version 2"), "{e}");
    // The JSON of an older kenpo (before the migration) is refused the same way.
    let json = serde_json::to_vec(&record).expect("json");
    assert!(ClaimRecord::decode(&key, &json).is_err());
    assert!(ClaimIndex::decode("R0001", &[9, 1, 0]).is_err());
    assert!(ClaimMonth::decode("202503\u{1f}1000\u{1f}12", &[0]).is_err());
}

#[test]
fn a_record_under_another_key_is_not_written() {
    let record = sample();
    assert!(
        record
            .encode("1000\u{1f}12\u{1f}202504\u{1f}R0001")
            .is_err()
    );
    let index = ClaimIndex {
        key: claim_key(&record.claim),
        batch: record.batch.clone(),
    };
    assert!(index.encode("R0002").is_err());
    let odd_batch = ClaimRecord {
        batch: "3".into(),
        ..record.clone()
    };
    assert!(odd_batch.encode(&claim_key(&record.claim)).is_err());
}

#[test]
fn a_corrupt_record_is_named_by_its_table_and_not_by_its_household() {
    let dir = tempfile::tempdir().expect("dir");
    let store = crate::store::Store::open(&dir.path().join("k.redb")).expect("open");
    let record = sample();
    let key = claim_key(&record.claim);
    store
        .write_blocking(|w| w.put_raw(ClaimRecord::TABLE, &key, &[VERSION, 3]))
        .expect("write");
    let e = store
        .read_blocking(|r| r.get::<ClaimRecord>(&key))
        .expect_err("refused");
    let text = format!("{e:#}");
    assert!(text.contains("corrupt record claims/…"), "{text}");
    assert!(text.contains("ends early"), "{text}");
    // The error reaches the log: the key (a household's 記号・番号) is not in it.
    assert!(!text.contains(&key), "{text}");
    assert!(!text.contains("1000"), "{text}");
}

proptest! {
    /// The batch id is the number as `format!("{:020}")` writes it, for every u64.
    #[test]
    fn batch_ids_are_the_numbers_zero_padded_to_twenty_digits(n in any::<u64>()) {
        prop_assert_eq!(batch_id(n), format!("{n:020}"));
        prop_assert_eq!(batch_number(&batch_id(n)).ok(), Some(n));
    }
}

#[test]
fn batch_ids_at_the_ends_of_the_range() {
    for n in [0, 1, 9, 10, 99_999, u64::MAX] {
        assert_eq!(batch_id(n), format!("{n:020}"));
    }
}
