//! The demo data against the claims retention job.

use chrono::{Duration, TimeZone as _, Utc};

use super::synthetic_members;
use crate::claims::ClaimRecord;
use crate::claims::demo::generate;
use crate::claims::retention::purge_expired_claims;
use crate::domain::claim::YearMonth;
use crate::store::Store;

#[test]
fn the_retention_job_keeps_the_demo_data_until_its_oldest_month_expires() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("demo.redb")).expect("store");
    let people = synthetic_members(4);
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let total = generate(&store, &people, now).expect("claims");
    assert!(total > 0);
    assert_eq!(purge_expired_claims(&store, now, 50).expect("purge"), 0);
    let oldest = YearMonth::new(2021, 12).expect("month");
    let in_oldest = store
        .read_blocking(|r| r.scan::<ClaimRecord>(""))
        .expect("claims")
        .iter()
        .filter(|(_, c)| c.claim.month == oldest)
        .count() as u64;
    assert!(in_oldest > 0, "the demo starts at the window's first month");
    let next_month = now + Duration::days(30);
    assert_eq!(
        purge_expired_claims(&store, next_month, 50).expect("purge"),
        in_oldest
    );
}

/// Issue 15: one demo household listed 「山本　さくら」 as the insured person and again as a
/// dependant. Every household's names differ, share one family name, and given names come
/// from the list of the person's generation and sex.
#[test]
fn demo_households_have_distinct_names_that_fit_their_generation() {
    use std::collections::BTreeMap;

    use chrono::Datelike as _;

    use super::members::given_names;

    let people = synthetic_members(300);
    let mut households: BTreeMap<String, Vec<&crate::domain::member::Person>> = BTreeMap::new();
    for p in &people {
        households
            .entry(p.household.to_string())
            .or_default()
            .push(p);
    }
    for (key, members) in &households {
        let mut names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), members.len(), "{key}: a name twice: {names:?}");
        let family = |p: &crate::domain::member::Person| {
            p.name.split('\u{3000}').next().unwrap_or("").to_string()
        };
        assert!(
            members.iter().all(|p| family(p) == family(members[0])),
            "{key}: {names:?}"
        );
        for p in members {
            let given = p.name.split('\u{3000}').nth(1).unwrap_or("");
            let list = given_names(p.sex, p.birth_date.year());
            assert!(
                list.iter().any(|(name, _)| *name == given),
                "{key}: {} (born {}) has a name of another generation",
                p.name,
                p.birth_date.year()
            );
        }
    }
}
