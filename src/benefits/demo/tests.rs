//! The demo's decisions on a hand-made household: what the rules give, published, and
//! set against the claims on the tax page.

use chrono::{TimeZone as _, Utc};

use super::*;
use crate::benefits::tax::read_year;
use crate::benefits::testdata::{date, household, person, put_people, store};

#[test]
fn the_demo_decides_on_its_stay_its_costly_months_and_a_birth() {
    let (_dir, store) = store();
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 3, 0, 0)
        .single()
        .expect("time");
    let (first, second) = (household("1"), household("2"));
    let mut mother = person(&second, "01", false);
    mother.sex = Sex::Female;
    let mut child = person(&second, "02", false);
    child.relationship = Relationship::Child;
    child.birth_date = date(20240517);
    let mut father = person(&second, "00", false);
    father.sex = Sex::Male;
    let people = vec![person(&first, "00", false), father, mother, child];
    put_people(&store, &people);

    let count = generate(&store, &people, &[first.clone(), second.clone()], now).expect("demo");
    let decisions = store
        .read_blocking(|r| {
            let a = super::super::query::visible_decisions(r, &first, &people[..1])?;
            let b = super::super::query::visible_decisions(r, &second, &people[1..])?;
            anyhow::Ok([a, b].concat())
        })
        .expect("read");
    let seen: Vec<(&str, &str, u32, u64)> = decisions
        .iter()
        .map(|d| {
            (
                d.kind.as_str(),
                d.branch.as_str(),
                d.from.as_u32(),
                d.amount.get(),
            )
        })
        .collect();
    // Stay in 2025-09: 920,000 yen, self-pay 276,000, 高額療養費 276,000 − 86,630 = 189,370;
    // 還元金 276,000 − 25,000 − 189,370 = 61,630 → 61,600; 外来 38,400 → 13,400, 33,600 →
    // 8,600, 28,800 → 3,800.
    assert_eq!(
        seen,
        [
            ("一部負担還元金", "00", 202512, 3_800),
            ("一部負担還元金", "00", 202511, 8_600),
            ("一部負担還元金", "00", 202510, 13_400),
            ("一部負担還元金", "00", 202509, 61_600),
            ("高額療養費", "00", 202509, 189_370),
            ("家族出産育児一時金", "01", 202405, 500_000),
        ]
    );
    assert_eq!(count, 6);
    for d in &decisions {
        assert!(d.to.as_u32() <= d.decided_on.year() as u32 * 100 + d.decided_on.month());
        assert!(d.pay_on >= d.decided_on && d.number.starts_with("D-"));
    }
    let tax = store
        .read_blocking(|r| read_year(r, &first, 2025))
        .expect("tax year");
    let offsets: Vec<(u32, u64, u64)> = tax
        .claims
        .iter()
        .map(|c| {
            (
                c.claim.month.as_u32(),
                c.claim.self_pay.get(),
                c.offset.get(),
            )
        })
        .collect();
    assert_eq!(
        offsets,
        [
            (202509, 276_000, 250_970),
            (202510, 38_400, 13_400),
            (202511, 33_600, 8_600),
            (202512, 28_800, 3_800),
        ]
    );
}
