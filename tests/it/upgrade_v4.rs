//! Data format 5 (benefit decisions) against the last file of format 4
//! (`tests/fixtures/kenpo-schema4.redb`, cut before the change): today's kenpo backs it up
//! beside itself, adds the benefit tables, keeps every claim and sum, serves its member
//! the same totals, and then takes a benefits file.

use kenpo::benefits::BenefitRecord;
use kenpo::jobs::Job;
use kenpo::jobs::verify::verify_file;
use kenpo::store::SCHEMA_VERSION;

use crate::app::remote;
use crate::benefits::BENEFITS_UTF8;
use crate::restore::{log_in, serve_existing, totals};
use crate::upgrade::copy_of;

const FORMAT_4: &str = "tests/fixtures/kenpo-schema4.redb";

#[tokio::test]
async fn a_format_4_file_is_backed_up_migrated_to_5_and_takes_benefit_decisions() {
    // Format 6 (passkeys) came after: the file goes through both steps.
    assert_eq!(SCHEMA_VERSION, 6);
    let (dir, path) = copy_of(FORMAT_4);
    let before = verify_file(&path).expect("verify the format-4 file");
    assert_eq!(before.schema, Some(4));
    assert!(before.is_consistent(), "{:?}", before.problems);

    drop(kenpo::jobs::schema::open_store(&path).expect("today's kenpo upgrades it"));
    let backup = verify_file(&dir.path().join("kenpo.redb.v4.bak")).expect("the backup");
    assert_eq!(backup.schema, Some(4));
    assert!(backup.is_consistent(), "{:?}", backup.problems);
    let rows = |r: &kenpo::jobs::verify::VerifyReport| {
        r.tables
            .iter()
            .map(|t| (t.name.clone(), t.rows))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rows(&backup),
        rows(&before),
        "the backup holds what the file held"
    );

    let after = verify_file(&path).expect("verify the upgraded file");
    assert!(after.is_consistent(), "{:?}", after.problems);
    assert_eq!(after.schema, Some(SCHEMA_VERSION));
    for table in [
        "claims",
        "claim_index",
        "claim_months",
        "claim_totals",
        "batches",
    ] {
        assert_eq!(after.rows(table), before.rows(table), "{table} kept");
    }
    for table in [
        "benefits",
        "benefit_index",
        "benefit_months",
        "passkeys",
        "passkey_links",
        "passkey_ceremonies",
    ] {
        assert_eq!(after.rows(table), Some(0), "{table} exists, empty");
    }

    let app = serve_existing(path, dir).await;
    log_in(&app).await;
    assert_eq!(
        totals(&app, 2025).await,
        ["4件", "33,680円", "9,492円", "0円"]
    );
    let data = app.data.clone();
    let io = tokio::task::spawn_blocking(move || {
        remote(
            &data,
            Job::ImportBenefits { publish: true },
            Some(BENEFITS_UTF8.to_vec()),
        )
    })
    .await
    .expect("join");
    assert!(io.said[0].contains("新規 8 件"), "{:?}", io.said);
    let stored = app
        .store()
        .read(|r| r.count::<BenefitRecord>())
        .await
        .expect("count");
    assert_eq!(stored, 8);
}
