//! Issue 15, points 4 and 5 in real Chromium at 1280 and 360 px: the chart links only the
//! years that have data, draws its text at 12 px or more, and its table does not scroll
//! sideways; the staff console's header and content share one width.

use fantoccini::Locator;

use crate::browser_reading::{WAIT, a_busy_household, log_in};
use crate::claims::{CLAIMS_2024, csv, import};
use crate::harness::browser::Browser;
use crate::harness::page::assert_sound;
use crate::staff::{CLERK, CLERK_PASSWORD, clerk, staff_logout};

/// The smallest rendered size, in CSS px, of the chart's visible texts, and how many.
const CHART_TEXT: &str = "
    let smallest = 1000, seen = 0;
    for (const t of document.querySelectorAll('#main svg[role=img] text')) {
      if (getComputedStyle(t).display === 'none') continue;
      const scale = t.getScreenCTM().a;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
      seen++;
    }
    return [smallest, seen];";

async fn chart(width: u32) {
    let app = a_busy_household().await;
    import(&app, csv(CLAIMS_2024), true).await;
    let browser = Browser::start().await;
    browser.set_window_size(width, 900).await;
    log_in(&browser, &app).await;
    browser
        .goto(&format!("{}/menu/expenses/chart?year=2025", app.url))
        .await;
    browser.wait_for_text("月別の医療費（グラフ）", WAIT).await;
    let what = format!("chart at {width} px");
    assert_sound(&browser, &what).await;

    let v = browser
        .client
        .execute(CHART_TEXT, vec![])
        .await
        .expect("measure the chart");
    let smallest = v.get(0).and_then(|x| x.as_f64()).unwrap_or(0.0);
    let seen = v.get(1).and_then(|x| x.as_u64()).unwrap_or(0);
    assert!(seen >= 17, "{what}: {seen} labels (5 amounts, 12 months)");
    assert!(smallest >= 12.0, "{what}: a label is {smallest:.1} px high");

    let years = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#main a')].map(a => a.textContent.trim()).filter(t => /^\\d{4}年$/.test(t));",
            vec![],
        )
        .await
        .expect("the year links");
    assert_eq!(
        years,
        serde_json::json!(["2024年"]),
        "{what}: only 2024 has data besides 2025"
    );
    let nav = browser
        .client
        .find(Locator::Css("nav[aria-label='表示する年']"))
        .await
        .expect("the years")
        .text()
        .await
        .expect("their text");
    assert!(nav.contains("2024年") && nav.contains("2025年"), "{nav}");

    let table = browser
        .client
        .execute(
            "const s = document.querySelector('.chart-table .table-scroll'); return [s.scrollWidth, s.clientWidth];",
            vec![],
        )
        .await
        .expect("measure the table");
    let (scroll, client) = (
        table.get(0).and_then(|x| x.as_u64()).unwrap_or(u64::MAX),
        table.get(1).and_then(|x| x.as_u64()).unwrap_or(0),
    );
    assert!(
        scroll <= client,
        "{what}: the table scrolls ({scroll} in {client} px)"
    );

    browser.click_link("2024年").await;
    browser.wait_for_text("2024年の医療費総額", WAIT).await;
    browser.close().await;
}

#[tokio::test]
async fn the_chart_reads_well_at_1280_px() {
    chart(1280).await;
}

#[tokio::test]
async fn the_chart_reads_well_at_360_px() {
    chart(360).await;
}

/// `[left, width]` of the header's inner column and of `<main>`'s content box.
const COLUMNS: &str = "
    const box = (el) => {
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      const l = parseFloat(s.paddingLeft), rt = parseFloat(s.paddingRight);
      return [Math.round(r.left + l), Math.round(r.width - l - rt)];
    };
    return [box(document.querySelector('.site-header__inner')), box(document.querySelector('#main'))];";

#[tokio::test]
async fn the_staff_header_and_content_share_one_column() {
    let app = crate::app::spawn_app().await;
    clerk(&app).await;
    staff_logout(&app).await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/staff/login", app.url)).await;
    browser.fill_by_label("ログインID", CLERK).await;
    browser.fill_by_label("パスワード", CLERK_PASSWORD).await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;
    for path in ["/staff", "/staff/households", "/staff/audit"] {
        for width in [1280u32, 360] {
            browser.set_window_size(width, 900).await;
            browser.goto(&format!("{}{path}", app.url)).await;
            browser.wait_for_text("ログアウト", WAIT).await;
            let v = browser
                .client
                .execute(COLUMNS, vec![])
                .await
                .expect("measure");
            assert_eq!(
                v.get(0),
                v.get(1),
                "{path} at {width} px: header column [left, width] vs content"
            );
        }
    }
    browser.close().await;
}
