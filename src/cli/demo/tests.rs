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
