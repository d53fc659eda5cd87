//! Yen amounts have a ceiling (issue #10): the importer refuses a larger amount and names
//! its line and column; a value stored above the ceiling by an older release reads as the
//! ceiling; the chart and the tax notice add 10 people × 60 months at the ceiling exactly.

use std::fmt::Write as _;

use kenpo::claims::{Batch, ClaimRecord};
use kenpo::jobs::Job;
use kenpo::store::{Record, Store};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::app::{MEMBERS_UTF8, TestApp, remote, spawn_app};
use crate::claims::{csv, import, register_yamada};

/// The ceiling of one amount, as the claim file writes it and as the screens show it.
const CEILING: u64 = 99_999_999_999;
const CEILING_SHOWN: &str = "99,999,999,999円";

/// A stored claim as raw JSON: what releases before the compact form wrote.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct StoredClaim(serde_json::Value);

impl Record for StoredClaim {
    const TABLE: &'static str = "claims";
}

async fn stored_claims(store: &Store) -> Vec<(String, ClaimRecord)> {
    store
        .read(|r| r.scan::<ClaimRecord>(""))
        .await
        .expect("claims")
}

/// `kenpo import claims FILE --publish`, the real binary, against the running server.
async fn import_with_the_cli(app: &TestApp, file: Vec<u8>) -> std::process::Output {
    let path = app.dir.path().join("claims.csv");
    std::fs::write(&path, file).expect("write");
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
            .args(["import", "claims", "--publish"])
            .arg(&path)
            .env("KENPO_DATA", &data)
            .output()
            .expect("run kenpo")
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn an_amount_above_the_ceiling_is_refused_with_its_line_and_column_and_nothing_is_imported() {
    let app = spawn_app().await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()))
    })
    .await
    .expect("join");
    let file = csv(
        "2025030001,1201,105,00,202503,外来,本郷内科クリニック,2,8460,2538,0\n\
         2025030002,1201,105,00,202503,外来,本郷内科クリニック,1,18446744073709551615,2538,0\n\
         2025030003,1201,105,00,202503,調剤,本郷さくら薬局,1,100000000000,100000000000,0\n\
         2025030004,1201,105,00,202503,調剤,本郷さくら薬局,1,99999999999,99999999999,99999999999\n",
    );
    let out = import_with_the_cli(&app, file).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "refused: {stderr}");
    for (line, column) in [(3, "医療費総額"), (4, "医療費総額"), (4, "自己負担額")] {
        let named = format!("{line}行目 「{column}」");
        assert!(stderr.contains(&named), "{named} in {stderr}");
    }
    assert!(
        stderr.contains("99,999,999,999円"),
        "says the ceiling: {stderr}"
    );
    assert!(
        !stderr.contains("5行目"),
        "the ceiling itself is accepted: {stderr}"
    );
    let store = app.store();
    assert!(stored_claims(&store).await.is_empty(), "nothing imported");
    assert_eq!(store.read(|r| r.count::<Batch>()).await.expect("count"), 0);
}

#[tokio::test]
async fn amounts_stored_above_the_ceiling_by_an_older_release_read_as_the_ceiling() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(
        &app,
        csv(
            "2025030001,1201,105,00,202503,外来,本郷内科クリニック,2,8460,2538,0\n\
             2025030002,1201,105,00,202503,調剤,本郷さくら薬局,1,3210,963,0\n",
        ),
        true,
    )
    .await;
    // An older release let 18,446,744,073,709,551,615 yen in: write both records as it
    // did (JSON), then upgrade them as opening its file does.
    app.store()
        .write(|w| {
            for (key, claim) in w.scan::<ClaimRecord>("")? {
                let mut json = serde_json::to_value(&claim)?;
                for field in ["total_cost", "self_pay", "benefit"] {
                    json["claim"][field] = serde_json::json!(u64::MAX);
                }
                w.put(&key, &StoredClaim(json))?;
            }
            // A file of that release reaches today's kenpo through the upgrades to data
            // formats 3 (compact claims) and 4 (the claim sums, summed as they read).
            kenpo::claims::migrate::claims_to_compact(w)?;
            kenpo::claims::totals::rebuild(w)?;
            Ok::<_, anyhow::Error>(())
        })
        .await
        .expect("written");

    let notice = app.get("/menu/tax-notice?year=2025").await;
    assert_eq!(notice.status, StatusCode::OK, "{}", notice.body);
    assert!(notice.body.contains(CEILING_SHOWN), "{}", notice.body);
    assert!(
        notice.body.contains("199,999,999,998円"),
        "two rows at the ceiling add up exactly: {}",
        notice.body
    );
    let chart = app.get("/menu/expenses/chart?year=2025").await;
    assert_eq!(chart.status, StatusCode::OK, "{}", chart.body);
    assert!(
        chart.body.contains("合計は199,999,999,998円"),
        "{}",
        chart.body
    );
    let claims = stored_claims(&app.store()).await;
    assert_eq!(claims.len(), 2, "every record still reads");
    assert!(
        claims
            .iter()
            .all(|(_, r)| u64::from(r.claim.total_cost) == CEILING)
    );
}

/// Seven more dependants of 1201-105 (枝番 03–09): ten people in one household.
fn ten_people() -> Vec<u8> {
    let mut text = String::from_utf8(MEMBERS_UTF8.to_vec()).expect("utf-8");
    for branch in 3..=9 {
        writeln!(
            text,
            "1201,105,{branch:02},山田　子{branch},ヤマダ　コ,20100101,1,子,20100101,,,"
        )
        .expect("write");
    }
    text.into_bytes()
}

/// Two claims per person and month, every amount at the ceiling, December 2021 to
/// November 2026 (60 months).
fn claims_at_the_ceiling() -> Vec<u8> {
    let mut rows = String::new();
    let mut receipt = 0;
    for month in 0..60 {
        let (year, month) = (2021 + (11 + month) / 12, (11 + month) % 12 + 1);
        for branch in 0..10 {
            for _ in 0..2 {
                receipt += 1;
                writeln!(
                    rows,
                    "R{receipt:07},1201,105,{branch:02},{year}{month:02},外来,本郷内科クリニック,1,{CEILING},{CEILING},{CEILING}"
                )
                .expect("write");
            }
        }
    }
    csv(&rows)
}

#[tokio::test]
async fn the_chart_and_the_tax_notice_add_ten_people_by_sixty_months_at_the_ceiling_exactly() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || remote(&data, Job::ImportMembers, Some(ten_people())))
        .await
        .expect("join");
    let io = import(&app, claims_at_the_ceiling(), true).await;
    assert!(io.said[0].contains("新規 1200 件"), "{:?}", io.said);

    let chart = app
        .get("/menu/expenses/chart?year=range&from=2021-12&to=2026-11")
        .await;
    assert_eq!(chart.status, StatusCode::OK);
    // 1,200 claims × 99,999,999,999 yen; each month 20 claims; the axis rounds up to 2×10¹².
    assert!(
        chart.body.contains("合計は119,999,999,998,800円"),
        "{}",
        chart.body
    );
    assert!(
        chart.body.contains("1,999,999,999,980円"),
        "a month's total"
    );
    assert!(
        chart.body.contains("2,000,000,000,000円"),
        "the axis maximum"
    );

    let notice = app.get("/menu/tax-notice?year=2025").await;
    assert_eq!(notice.status, StatusCode::OK);
    // 10 people × 12 months × 2 claims = 240 claims in 2025.
    assert!(notice.body.contains("合計（240件）"), "{}", notice.body);
    assert!(
        notice.body.contains("23,999,999,999,760円"),
        "the year's totals: {}",
        notice.body
    );
    assert!(notice.body.contains(CEILING_SHOWN));
}
