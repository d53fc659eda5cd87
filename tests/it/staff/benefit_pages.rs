//! Staff pages and benefit decisions: the household page lists them (published or not), the
//! export in the import layout round-trips unchanged (管理者 only, audited), 統計 counts
//! them per 決定月, and retention deletes them with the claims' rule.

use chrono::{TimeZone as _, Utc};
use kenpo::benefits::BenefitRecord;
use kenpo::benefits::retention::purge_expired_benefits;
use reqwest::StatusCode;

use super::{admin, clerk};
use crate::app::parse_csv;
use crate::benefits::{BENEFITS_UTF8, app_with_members, decisions, import_benefits};

#[tokio::test]
async fn the_household_page_lists_its_decisions_with_their_state() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), false).await;
    admin(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for shown in [
        "支給決定",
        "K-0001",
        "一部負担還元金",
        "2,000円",
        "未公開",
        "K-0008",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert!(
        !page.body.contains("K-0005"),
        "another household's decision"
    );
    // Newest 決定日 first: K-0008 (2026-03-10) before K-0002 (2025-07-10).
    let (newest, older) = (page.body.find("K-0008"), page.body.find("K-0002"));
    assert!(newest < older, "newest first");
}

#[tokio::test]
async fn the_export_round_trips_unchanged_for_an_admin_only() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    clerk(&app).await;
    let refused = app.get("/staff/export/benefits.csv").await;
    assert_ne!(refused.status, StatusCode::OK);
    super::staff_logout(&app).await;
    super::staff_login(&app, super::ADMIN, super::ADMIN_PASSWORD).await;
    let export = app.get("/staff/export/benefits.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.starts_with('\u{feff}'));
    let rows = parse_csv(export.body.as_bytes());
    let original = parse_csv(BENEFITS_UTF8);
    assert_eq!(rows.first(), original.first(), "the import layout's header");
    let sorted = |mut v: Vec<Vec<String>>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(rows.clone()),
        sorted(original),
        "every row as imported"
    );
    let before = decisions(&app.store()).await;
    let said = import_benefits(&app, export.body.clone().into_bytes(), false).await;
    assert!(said[0].contains("変更なし 8 件"), "{said:?}");
    assert_eq!(
        decisions(&app.store()).await,
        before,
        "the round trip changes nothing"
    );
    let audit = app.get("/staff/audit?action=benefits.exported").await;
    assert!(audit.body.contains("rows=8"), "{}", audit.body);
}

#[tokio::test]
async fn statistics_count_decisions_and_amounts_per_month() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), false).await;
    admin(&app).await;
    let stats = app.get("/staff/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert!(
        stats.body.contains("支給決定（決定月別・直近12か月）"),
        "{}",
        stats.body
    );
    // t0 is in 2026-11: of the file only K-0008 (2026-03, 9,000円) is in the last 12 months.
    assert!(stats.body.contains("2026-03"), "{}", stats.body);
    assert!(stats.body.contains("9,000円"), "{}", stats.body);
    assert!(
        !stats.body.contains("214,602円"),
        "2025-09 is older than 12 months"
    );
}

#[tokio::test]
async fn retention_deletes_the_decisions_that_left_the_claims_window() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    // At 2030-11 the 60-month window starts at 2025-12: the file's decisions for earlier
    // months go, K-0008 (対象 2025-12) stays.
    let now = Utc
        .with_ymd_and_hms(2030, 11, 2, 3, 0, 0)
        .single()
        .expect("now");
    let store = app.store();
    let deleted = tokio::task::spawn_blocking(move || purge_expired_benefits(&store, now, 1000))
        .await
        .expect("join")
        .expect("purge");
    assert_eq!(deleted, 7);
    let left: Vec<String> = decisions(&app.store())
        .await
        .into_iter()
        .map(|(_, BenefitRecord { decision, .. })| decision.number)
        .collect();
    assert_eq!(left, ["K-0008"]);
    admin(&app).await;
    let audit = app
        .get("/staff/audit?action=benefits.retention_purged")
        .await;
    assert!(
        audit
            .body
            .contains("deleted=7 before=202512 retention_months=60"),
        "{}",
        audit.body
    );
}
