//! The member's medical-expense screens on hand-checked data: totals and filters, the
//! chart, the tax notice and its CSV, the audit of every view, and that no URL reaches
//! another household or a person hidden from the household.

use kenpo::audit::AuditEntry;
use reqwest::StatusCode;

use crate::app::{TestApp, parse_csv, spawn_app, t0};
use crate::claims::{CLAIMS_2024, CLAIMS_UTF8, csv, import, register_yamada};

/// 1201-105 logged in, with 2025 (4 claims of the household) and 2024 (1 claim) published.
async fn member_with_claims() -> TestApp {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(CLAIMS_2024), true).await;
    app
}

/// The totals list of the expenses page: (件数, 医療費総額, 自己負担額, 給付金).
fn totals(body: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("#totals dd").expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[tokio::test]
async fn totals_and_filters_are_right_on_hand_checked_data() {
    let app = member_with_claims().await;
    let year = app.get("/menu/expenses?year=2025").await.body;
    assert_eq!(totals(&year), ["4件", "33,680円", "9,492円", "0円"]);
    let (may, march) = (
        year.find("2025年5月").expect("May"),
        year.find("2025年3月").expect("March"),
    );
    assert!(may < march, "newest month first");
    for column in [
        "診療年月",
        "受診者",
        "区分",
        "医療機関等の名称",
        "日数",
        "医療費総額",
        "自己負担額",
        "給付金",
    ] {
        assert!(year.contains(column), "{column}");
    }
    assert!(year.contains("およそ3か月後"));

    let taro = app.get("/menu/expenses?year=2025&person=00").await.body;
    assert_eq!(totals(&taro), ["2件", "11,670円", "3,501円", "0円"]);
    let range = app
        .get("/menu/expenses?year=range&from=2025-04&to=2025-05")
        .await
        .body;
    assert_eq!(totals(&range), ["2件", "22,010円", "5,991円", "0円"]);
    let last_year = app.get("/menu/expenses?year=2024").await.body;
    assert_eq!(totals(&last_year), ["1件", "10,000円", "3,000円", "0円"]);
    let default = app.get("/menu/expenses").await.body;
    assert_eq!(
        totals(&default),
        totals(&year),
        "the newest year by default"
    );

    let fragment = app
        .client
        .get(format!("{}/menu/expenses?year=2024", app.url))
        .header("HX-Request", "true")
        .header("HX-Target", "expenses-results")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!fragment.contains("<form") && !fragment.contains("<html"));
    assert_eq!(totals(&fragment), ["1件", "10,000円", "3,000円", "0円"]);
}

#[tokio::test]
async fn the_chart_draws_monthly_totals_by_person_with_text_alternatives() {
    let app = member_with_claims().await;
    let page = app.get("/menu/expenses/chart?year=2025").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(body.contains("<svg") && body.contains("<title") && body.contains("<desc"));
    assert!(
        body.contains("2025年3月 山田　太郎 11,670円"),
        "stacked segment per person"
    );
    assert!(body.contains("合計は33,680円"));
    assert!(
        body.contains("<caption>月別・受診者別の医療費総額</caption>"),
        "table fallback"
    );
    assert!(!body.contains("style="), "no inline styles under the CSP");
}

#[tokio::test]
async fn no_member_url_reaches_another_household() {
    let app = member_with_claims().await;
    for path in [
        "/menu/expenses?household=1201-106",
        "/menu/expenses?year=2025&household=1201-106",
        "/menu/expenses/chart?year=2025&household=1201-106",
        "/menu/tax-notice?year=2025&household=1201-106",
        "/menu/tax-notice.csv?year=2025&household=1201-106",
        "/menu/expenses?household=1202-7",
        "/menu/expenses?person=99",
        "/menu/expenses/chart?person=99",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("大阪中央総合病院"), "{path}");
    }
    for path in [
        "/menu",
        "/menu/expenses",
        "/menu/expenses?year=2025",
        "/menu/expenses/chart?year=2025",
        "/menu/tax-notice?year=2025",
        "/menu/tax-notice.csv?year=2025",
        "/menu/expenses?household=1201-105",
    ] {
        let body = app.get(path).await.body;
        assert!(
            !body.contains("大阪中央総合病院") && !body.contains("青葉訪問看護"),
            "{path}"
        );
    }
    let anonymous = crate::app::client();
    let resp = anonymous
        .get(format!("{}/menu/expenses?year=2025", app.url))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_person_hidden_from_the_household_appears_nowhere() {
    let app = member_with_claims().await;
    app.store()
        .write(|w| {
            // What the staff console's 非表示にする does.
            let household = kenpo::domain::member::HouseholdKey::parse_display("1201-105")?;
            kenpo::console::households::set_hidden(w, &household, "01", true, "staff:test", t0())
        })
        .await
        .expect("flag set");
    for path in [
        "/menu",
        "/menu/expenses?year=2025",
        "/menu/expenses/chart?year=2025",
        "/menu/tax-notice?year=2025",
    ] {
        let body = app.get(path).await.body;
        assert!(
            !body.contains("山田　花子") && !body.contains("ほんごう歯科医院"),
            "{path}"
        );
    }
    let year = app.get("/menu/expenses?year=2025").await.body;
    assert_eq!(
        totals(&year),
        ["3件", "17,790円", "4,725円", "0円"],
        "totals without her"
    );
    assert_eq!(
        app.get("/menu/expenses?person=01").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_view_of_medical_data_is_audited() {
    let app = member_with_claims().await;
    let count = || async {
        app.store()
            .read(|r| r.scan::<AuditEntry>(""))
            .await
            .expect("audit")
            .into_iter()
            .map(|(_, e)| e)
            .filter(|e| e.action == "claims.viewed")
            .collect::<Vec<_>>()
    };
    let before = count().await.len();
    for path in [
        "/menu/expenses?year=2025",
        "/menu/expenses/chart",
        "/menu/tax-notice?year=2025",
        "/menu/tax-notice.csv?year=2025",
    ] {
        app.get(path).await;
    }
    let entries = count().await;
    assert_eq!(entries.len(), before + 4);
    let last = entries.last().expect("entry");
    assert_eq!(last.actor, "member:yamada.taro");
    assert_eq!(last.target.as_deref(), Some("1201-105"));
    assert_eq!(last.client.as_deref(), Some("127.0.0.1"));
    assert!(
        last.detail
            .as_deref()
            .is_some_and(|d| d.contains("tax-notice-csv 2025年"))
    );
}

mod tax;
