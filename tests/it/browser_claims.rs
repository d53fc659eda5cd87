//! A registered member looks at the household's medical expenses in real Chromium:
//! filters by year and person (htmx swaps the table, the URL follows), opens the chart
//! and the tax notice.

use std::time::Duration;

use fantoccini::Locator;

use crate::app::spawn_app;
use crate::claims::{CLAIMS_2024, CLAIMS_UTF8, csv, import, register_yamada};
use crate::harness::browser::Browser;

const WAIT: Duration = Duration::from_secs(10);

async fn select(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .find(Locator::Css(&format!("select#{id}")))
        .await
        .unwrap_or_else(|e| panic!("select #{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in #{id}: {e}"));
}

#[tokio::test]
async fn a_member_filters_expenses_and_opens_the_chart_and_the_tax_notice() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(CLAIMS_2024), true).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");

    let browser = Browser::start().await;
    browser.set_window_size(1280, 900).await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", "Yamada.Taro").await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("2025年6月診療分まで", WAIT).await;
    browser.click_link("医療費照会").await;
    browser
        .wait_for_text("2025年の医療費（世帯全員）", WAIT)
        .await;
    browser.wait_for_text("33,680円", WAIT).await;
    browser.screenshot(dir.join("10-expenses-1280.png")).await;

    select(&browser, "year", "2024").await;
    browser.click_button("表示").await;
    browser
        .wait_for_text("2024年の医療費（世帯全員）", WAIT)
        .await;
    browser.wait_for_text("10,000円", WAIT).await;
    assert!(
        browser.current_url().await.contains("year=2024"),
        "the URL reflects the filter"
    );

    select(&browser, "year", "2025").await;
    select(&browser, "person", "02").await;
    browser.click_button("表示").await;
    browser
        .wait_for_text("2025年の医療費（山田　健）", WAIT)
        .await;
    browser.wait_for_text("6,120円", WAIT).await;
    assert!(
        !browser.body_text().await.contains("33,680円"),
        "totals changed"
    );
    assert!(browser.current_url().await.contains("person=02"));
    browser.set_window_size(360, 900).await;
    browser
        .screenshot(dir.join("11-expenses-filtered-360.png"))
        .await;
    browser.set_window_size(1280, 900).await;

    browser.click_link("月別のグラフを見る").await;
    browser.wait_for_text("月別の医療費（グラフ）", WAIT).await;
    browser
        .client
        .find(Locator::Css("svg.month-chart rect"))
        .await
        .expect("bars drawn");
    browser.screenshot(dir.join("12-chart-1280.png")).await;

    browser.goto(&format!("{}/menu", app.url)).await;
    browser.click_link("医療費のお知らせ").await;
    browser
        .wait_for_text("被保険者等が支払った医療費の額", WAIT)
        .await;
    browser.wait_for_text("9,492円", WAIT).await;
    browser.screenshot(dir.join("13-tax-notice-1280.png")).await;
    browser.close().await;
}
