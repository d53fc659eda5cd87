//! Schema 2 → 3: claims written as JSON read the same after the upgrade
//! (`claims::migrate`). `#[cfg(test)]` code: an `expect` here fails the test's own set-up.

use std::path::Path;

use chrono::{TimeZone as _, Utc};

use super::open_store;
use crate::claims::model::claim_month_key;
use crate::claims::{ClaimIndex, ClaimMonth, ClaimRecord};
use crate::jobs::quiet::Quiet;
use crate::jobs::{self, Job, verify::verify_file};
use crate::store::migrate::{SCHEMA_KEY, SchemaVersion};
use crate::store::{Record as _, Store};

type Claims = Vec<(String, ClaimRecord)>;

/// A data file with members and a published claim file, then written back the way schema
/// 2 stored claims: JSON records, no `claim_months`. Returns the claims as they were.
fn schema_two_file(path: &Path) -> (Claims, Vec<(String, ClaimIndex)>) {
    let store = Store::open(path).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let jobs = [
        (
            Job::Init {
                union_name: "テスト健康保険組合".into(),
                insurer_number: "06131114".into(),
                service_name: None,
            },
            Vec::new(),
        ),
        (
            Job::ImportMembers,
            include_bytes!("../../../tests/data/members.utf8.csv").to_vec(),
        ),
        (
            Job::ImportClaims { publish: true },
            include_bytes!("../../../tests/data/claims.utf8.csv").to_vec(),
        ),
    ];
    for (job, input) in jobs {
        jobs::run(job, &store, now, &mut Quiet(input)).expect("job");
    }
    store
        .write_blocking(|w| {
            let claims = w.scan::<ClaimRecord>("")?;
            let index = w.scan::<ClaimIndex>("")?;
            for (k, c) in &claims {
                w.put_raw(ClaimRecord::TABLE, k, &serde_json::to_vec(c)?)?;
            }
            for (k, i) in &index {
                w.put_raw(ClaimIndex::TABLE, k, &serde_json::to_vec(i)?)?;
            }
            w.delete_prefix::<ClaimMonth>("")?;
            w.put(SCHEMA_KEY, &SchemaVersion(2))?;
            Ok::<_, anyhow::Error>((claims, index))
        })
        .expect("old layout")
}

#[test]
fn claims_of_a_schema_two_file_read_the_same_after_the_upgrade() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kenpo.redb");
    let (claims, index) = schema_two_file(&path);
    assert_eq!(claims.len(), 6);
    // Today's code cannot read the JSON records as they are.
    let old = Store::open_with(
        &path,
        &crate::store::Schema {
            version: 2,
            migrations: &[],
        },
    )
    .expect("open as schema 2");
    let refused = old.read_blocking(|r| r.scan::<ClaimRecord>(""));
    assert!(refused.is_err(), "JSON claims were read as binary");
    drop(old);

    let store = open_store(&path).expect("upgrade");
    let (after, index_after, marks) = store
        .read_blocking(|r| {
            Ok::<_, anyhow::Error>((
                r.scan::<ClaimRecord>("")?,
                r.scan::<ClaimIndex>("")?,
                r.scan::<ClaimMonth>("")?,
            ))
        })
        .expect("read");
    assert_eq!(after, claims);
    assert_eq!(index_after, index);
    for (_, record) in &claims {
        let mark = claim_month_key(&record.claim);
        assert!(marks.iter().any(|(k, _)| *k == mark), "no mark {mark}");
    }
    drop(store);
    let report = verify_file(&path).expect("verify");
    assert!(report.is_consistent(), "{:?}", report.problems);
    assert!(dir.path().join("kenpo.redb.v2.bak").exists());
}
