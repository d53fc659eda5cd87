//! The tax year read from a real data file: the plan's figures (§8) for household 1201-105.

use super::*;
use crate::benefits::testdata::*;

fn set_up() -> (tempfile::TempDir, Store) {
    let (dir, store) = store();
    let h = household("105");
    let other = household("106");
    put_people(
        &store,
        &[
            person(&h, "00", false),
            person(&h, "01", false),
            person(&h, "02", false),
            person(&h, "03", true),
            person(&other, "00", false),
        ],
    );
    put_claims(
        &store,
        &[
            claim("A", (&h, "00"), 202503, 2_538, 0),
            claim("B", (&h, "00"), 202503, 963, 100),
            claim("C", (&h, "02"), 202504, 1_224, 0),
            claim("D", (&h, "01"), 202505, 30_000, 0),
            claim("E", (&h, "00"), 202512, 90_000, 0),
            claim("F", (&h, "03"), 202506, 40_000, 0),
            claim("G", (&h, "00"), 202412, 10_000, 0),
            claim("H", (&h, "00"), 202506, 5_000, 700),
            claim("Z", (&other, "00"), 202503, 300_000, 0),
        ],
    );
    put_decisions(
        &store,
        "00000000000000000901",
        true,
        &[
            decision(
                "K-0001",
                (&h, "00"),
                "一部負担還元金",
                (202503, 202503),
                2_000,
                20250610,
            ),
            decision(
                "K-0002",
                (&h, "02"),
                "家族療養費付加金",
                (202504, 202504),
                2_000,
                20250710,
            ),
            decision(
                "K-0003",
                (&h, "01"),
                "家族出産育児一時金",
                (202505, 202505),
                500_000,
                20250620,
            ),
            decision(
                "K-0004",
                (&h, "00"),
                "傷病手当金",
                (202503, 202503),
                120_000,
                20250420,
            ),
            decision(
                "K-0007",
                (&h, "03"),
                "高額療養費",
                (202506, 202506),
                30_000,
                20250910,
            ),
            decision(
                "K-0008",
                (&h, "00"),
                "高額療養費",
                (202512, 202512),
                9_000,
                20260310,
            ),
            decision(
                "K-0009",
                (&h, "00"),
                "高額介護合算療養費",
                (202408, 202507),
                6_000,
                20251120,
            ),
            decision(
                "K-0010",
                (&other, "00"),
                "高額療養費",
                (202503, 202503),
                200_000,
                20250610,
            ),
        ],
    );
    put_decisions(
        &store,
        "00000000000000000902",
        false,
        &[decision(
            "K-0011",
            (&h, "00"),
            "高額療養費",
            (202503, 202503),
            500,
            20250610,
        )],
    );
    (dir, store)
}

fn offsets(t: &TaxYear) -> Vec<(&str, u64)> {
    t.claims
        .iter()
        .map(|c| (c.claim.receipt_number.as_str(), c.offset.get()))
        .collect()
}

#[test]
fn the_year_gets_its_claims_offsets_by_the_plans_figures() {
    let (_dir, store) = set_up();
    let t = store
        .read_blocking(|r| read_year(r, &household("105"), 2025))
        .expect("read");
    // K-0009 (高額介護合算療養費, 2024-08..2025-07, 6,000) goes last (決定日 2025-11-20)
    // over what K-0001 left: A 1,088, B 413, H 5,000 and 2024's G 10,000.
    // Shares of 6,000 over 16,501: A 395.7→396, B 150.2→150, H 1,818.1→1,818, G 3,636.1→3,636.
    assert_eq!(
        offsets(&t),
        [
            ("A", 1_450 + 396),
            ("B", 550 + 150),
            ("C", 1_224),
            ("D", 0),
            ("H", 1_818),
            ("E", 9_000),
        ]
    );
    let numbers: Vec<&str> = t
        .decisions
        .iter()
        .map(|d| d.decision.number.as_str())
        .collect();
    assert_eq!(
        numbers,
        ["K-0004", "K-0001", "K-0003", "K-0002", "K-0009", "K-0008"]
    );
    let k2 = &t.decisions[3];
    assert_eq!((k2.this_year.get(), k2.rest.get()), (1_224, 776));
    let k9 = &t.decisions[4];
    assert_eq!((k9.this_year.get(), k9.other_years.get()), (2_364, 3_636));
}

#[test]
fn the_year_before_shows_its_share_of_the_yearly_decision() {
    let (_dir, store) = set_up();
    let t = store
        .read_blocking(|r| read_year(r, &household("105"), 2024))
        .expect("read");
    assert_eq!(offsets(&t), [("G", 3_636)]);
    let numbers: Vec<&str> = t
        .decisions
        .iter()
        .map(|d| d.decision.number.as_str())
        .collect();
    assert_eq!(numbers, ["K-0009"]);
}
