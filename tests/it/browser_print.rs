//! Issue 15, point 3: the tax notice's 印刷する button (a script from /assets, the CSP
//! allows no inline one) prints the page, and Chromium's A4 print of a full year fills a
//! known number of pages without cutting a row: every row's texts land on one page.

use fantoccini::Locator;
use serde_json::Value;

use crate::browser_reading::{WAIT, a_busy_household, log_in};
use crate::harness::browser::Browser;
use crate::harness::page::{assert_a4, assert_sound, pdf_pages, print_a4};

/// For each row of the notice's tables, the texts that must be printed on one page: each
/// one-line cell's words whole, and the first four and last two characters of each line of
/// a cell that may wrap (a provider's name, an explanation).
const ROW_TEXTS: &str = "
    const squash = (s) => s.replace(/\\s+/g, '');
    return [...document.querySelectorAll('.tax-notice table.data tr')]
      .filter(tr => tr.closest('tbody, tfoot'))
      .map(tr => [...tr.children].flatMap(cell => {
        const lines = cell.innerText.split('\\n').map(squash).filter(l => l !== '');
        if (cell.matches('.num, .nowrap, th')) return cell.innerText.split(/\\s+/).filter(w => w !== '');
        return lines.flatMap(l => l.length > 6 ? [l.slice(0, 4), l.slice(-2)] : [l]);
      }));";

async fn row_texts(browser: &Browser) -> Vec<Vec<String>> {
    let v = browser
        .client
        .execute(ROW_TEXTS, vec![])
        .await
        .expect("read the rows");
    let strings = |a: &Value| -> Vec<String> {
        a.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    v.as_array()
        .map(|rows| rows.iter().map(strings).collect())
        .unwrap_or_default()
}

async fn print_the_tax_notice(width: u32) {
    let app = a_busy_household().await;
    let browser = Browser::start().await;
    browser.set_window_size(width, 900).await;
    log_in(&browser, &app).await;
    browser
        .goto(&format!("{}/menu/tax-notice?year=2025", app.url))
        .await;
    browser
        .wait_for_text("医療費のお知らせ（医療費控除用）", WAIT)
        .await;
    assert_sound(&browser, &format!("tax notice at {width} px")).await;

    // The button shows (its script ran) and calls the browser's print.
    let button = browser
        .client
        .find(Locator::Css("button[data-print]"))
        .await
        .expect("a 印刷する button");
    assert!(button.is_displayed().await.expect("visibility"), "hidden");
    assert_eq!(button.text().await.expect("text"), "印刷する");
    browser
        .client
        .execute(
            "window.__printed = 0; window.print = () => { window.__printed += 1; }; return true;",
            vec![],
        )
        .await
        .expect("watch window.print");
    browser.click_button("印刷する").await;
    let printed = browser
        .client
        .execute("return window.__printed;", vec![])
        .await
        .expect("read");
    assert_eq!(printed.as_u64(), Some(1), "the button printed once");

    let rows = row_texts(&browser).await;
    assert!(rows.len() > 50, "{} rows", rows.len());
    let pdf = print_a4(&browser).await;
    assert_a4(&pdf);
    let pages = pdf_pages(&pdf);
    let squashed: Vec<String> = pages
        .iter()
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    assert_eq!(
        pages.len(),
        4,
        "the 2025 notice prints on 4 A4 pages:\n{}",
        pages.join("\n=== next page ===\n")
    );
    assert!(!pages[0].contains("印刷する") && !pages[0].contains("ログアウト"));
    let totals = pages.iter().filter(|p| p.contains("合計（53件）")).count();
    assert_eq!(totals, 1, "the total is printed once, after the last row");
    for row in &rows {
        let whole = squashed
            .iter()
            .any(|page| row.iter().all(|text| page.contains(text.as_str())));
        assert!(whole, "a row is cut or missing in the print: {row:?}");
    }
    browser.close().await;
}

#[tokio::test]
async fn the_tax_notice_prints_on_a4_without_cutting_a_row_at_1280_px() {
    print_the_tax_notice(1280).await;
}

#[tokio::test]
async fn the_tax_notice_prints_on_a4_without_cutting_a_row_at_360_px() {
    print_the_tax_notice(360).await;
}
