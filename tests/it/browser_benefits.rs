//! A member reads the union's benefit decisions in real Chromium, at 1280 and 360 px:
//! menu → 給付金のお知らせ → filter (htmx swaps the table) → 支給決定通知書, printed as one
//! A4 page; then 医療費のお知らせ shows the 補填. The decisions come in through
//! `kenpo import benefits --publish`.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::wd::PrintConfiguration;

use crate::app::{INSURER, UNION, spawn_app};
use crate::benefits::{BENEFITS_UTF8, import_benefits};
use crate::benefits_screens::DECEMBER;
use crate::claims::{CLAIMS_UTF8, csv, import, register_yamada};
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

/// `(document width, window width)`: the page must not scroll sideways.
async fn widths(browser: &Browser) -> (u64, u64) {
    let v = browser
        .client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("widths");
    let n = |i: usize| v.get(i).and_then(|x| x.as_u64()).expect("a width");
    (n(0), n(1))
}

/// Pages of a PDF as Chromium writes it (`/Type /Page` objects, not `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

async fn journey(width: u32) {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(DECEMBER), true).await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");

    let browser = Browser::start().await;
    browser.set_window_size(width, 900).await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", "Yamada.Taro").await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    browser.click_link("給付金のお知らせ (支給決定通知)").await;
    browser.wait_for_text("2026年の合計（1件）", WAIT).await;
    browser.wait_for_text("2025年の合計（4件）", WAIT).await;
    browser
        .screenshot(dir.join(format!("2x-benefits-{width}.png")))
        .await;

    select(&browser, "year", "2025").await;
    select(&browser, "person", "01").await;
    browser.click_button("表示").await;
    browser.wait_for_text("2025年の合計（1件）", WAIT).await;
    assert!(!browser.body_text().await.contains("2026年の合計"));
    let url = browser.current_url().await;
    assert!(
        url.contains("year=2025") && url.contains("person=01"),
        "{url}"
    );

    browser.click_link("通知書").await;
    browser
        .wait_for_text("下記のとおり支給を決定しました", WAIT)
        .await;
    let text = browser.body_text().await;
    assert!(text.contains("支給決定通知書") && text.contains(UNION));
    assert!(text.contains("山田　太郎 様") && text.contains("500,000円"));
    assert!(
        !text.contains("1201") && !text.contains(INSURER),
        "no 記号・番号, no 保険者番号"
    );
    let (document, window) = widths(&browser).await;
    assert!(
        document <= window,
        "{document} px wide in a {window} px window"
    );
    browser
        .screenshot(dir.join(format!("2x-benefit-notice-{width}.png")))
        .await;
    let pdf = browser
        .client
        .print(PrintConfiguration::default())
        .await
        .expect("print");
    assert_eq!(pdf_pages(&pdf), 1, "the notice prints on one page");
    let text = String::from_utf8_lossy(&pdf);
    let media = text
        .split_once("/MediaBox")
        .map(|(_, box_)| box_.chars().take(30).collect::<String>())
        .unwrap_or_default();
    // A4 is 595.28 × 841.89 pt; Chromium rounds to its own grid.
    assert!(
        media.contains("[0 0 595.") && media.contains(" 841."),
        "not an A4 MediaBox: {media}"
    );

    browser.goto(&format!("{}/menu", app.url)).await;
    browser.click_link("医療費のお知らせ").await;
    browser.wait_for_text("左のうち補填される金額", WAIT).await;
    browser.wait_for_text("1,450円", WAIT).await;
    let (document, window) = widths(&browser).await;
    assert!(document <= window, "tax page: {document} px in {window} px");
    browser
        .screenshot(dir.join(format!("2x-tax-notice-{width}.png")))
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_member_reads_a_benefit_notice_at_1280_px() {
    journey(1280).await;
}

#[tokio::test]
async fn a_member_reads_a_benefit_notice_at_360_px() {
    journey(360).await;
}
