//! Issue 15: every member page reads like a bank's statement in real Chromium, at 1280 px
//! and at 360 px: nothing scrolls sideways, axe-core finds no WCAG 2.2 AA violation, and
//! the tables keep dates, names, 区分 and amounts on one line, amounts right-aligned in
//! tabular figures. A household with a full year of claims and benefit decisions.

use std::time::Duration;

use crate::app::{TestApp, spawn_app};
use crate::benefits::{BENEFITS_UTF8, import_benefits};
use crate::benefits_screens::DECEMBER;
use crate::claims::{CLAIMS_UTF8, csv, import, register_yamada};
use crate::harness::browser::Browser;
use crate::harness::page::{assert_sound, assert_tables_read_well};

pub const WAIT: Duration = Duration::from_secs(10);

/// 区分 and providers for the generated claims: one name long enough to wrap.
const PROVIDERS: &[(&str, &str)] = &[
    ("外来", "本郷内科クリニック"),
    ("調剤", "本郷さくら薬局"),
    ("歯科", "ほんごう歯科医院"),
    (
        "外来",
        "医療法人社団さくら会　文京こどもクリニック附属小児科・アレルギー科",
    ),
    ("訪問看護", "青葉訪問看護ステーション"),
];

/// Four claims a month through 2025 for 山田 太郎's household (1201-105), each with its
/// own 自己負担額 so that a test can find every row by its amount.
pub fn a_year_of_claims() -> String {
    let mut rows = String::new();
    for month in 1..=12u32 {
        for i in 0..4u32 {
            let n = month * 10 + i;
            let (kind, provider) = PROVIDERS[(n as usize) % PROVIDERS.len()];
            let branch = ["00", "01", "02"][(i % 3) as usize];
            let self_pay = 1_000 + n * 37;
            rows.push_str(&format!(
                "2025{month:02}{n:04},1201,105,{branch},2025{month:02},{kind},{provider},{days},{total},{self_pay},0\n",
                days = i + 1,
                total = self_pay * 10 / 3,
            ));
        }
    }
    rows
}

/// 山田 太郎's household with the test claims, a year of generated ones, December's and
/// the benefit decisions, all published; the app's client is logged in as the member.
pub async fn a_busy_household() -> TestApp {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(&a_year_of_claims()), true).await;
    import(&app, csv(DECEMBER), true).await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    app
}

/// Logs the browser in as 山田 太郎 and waits for the menu.
pub async fn log_in(browser: &Browser, app: &TestApp) {
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", "Yamada.Taro").await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
}

/// Every screen a logged-in member reaches, with a text that shows it has loaded.
const MEMBER_PAGES: &[(&str, &str)] = &[
    ("/menu", "ご登録の世帯"),
    ("/menu/expenses?year=2025", "2025年の医療費（世帯全員）"),
    (
        "/menu/expenses?year=2025&person=01",
        "2025年の医療費（山田　花子）",
    ),
    ("/menu/expenses/chart?year=2025", "月別の医療費（グラフ）"),
    (
        "/menu/tax-notice?year=2025",
        "被保険者等が支払った医療費の額",
    ),
    ("/menu/benefits", "2025年に決定した給付金"),
    ("/menu/benefits/K-0003", "支給決定通知書"),
    ("/menu/notices", "健診のご案内"),
    ("/menu/profile", "個人情報管理"),
    ("/menu/password", "パスワード変更"),
    ("/terms", "注意事項・免責事項"),
];

/// The screens before login.
const PUBLIC_PAGES: &[(&str, &str)] = &[
    ("/", "ログイン画面"),
    ("/forgot-id", "IDを忘れた方"),
    ("/forgot-password", "パスワードを忘れた方"),
];

/// `target/screenshots`, made if missing.
pub fn shots() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn every_member_page(width: u32) {
    let app = a_busy_household().await;
    crate::staff::admin(&app).await;
    let notice = "今年の健診の受付を始めました。\n\n- 申込は12月末まで";
    crate::staff::notices::write(&app, "健診のご案内", notice, "2026-11-01T09:00", "").await;
    let browser = Browser::start().await;
    browser.set_window_size(width, 900).await;
    for (path, text) in PUBLIC_PAGES {
        browser.goto(&format!("{}{path}", app.url)).await;
        browser.wait_for_text(text, WAIT).await;
        assert_sound(&browser, &format!("{path} at {width} px")).await;
    }
    log_in(&browser, &app).await;
    let (mut cells, mut labels) = (0, 0);
    for (path, text) in MEMBER_PAGES {
        browser.goto(&format!("{}{path}", app.url)).await;
        browser.wait_for_text(text, WAIT).await;
        let what = format!("{path} at {width} px");
        assert_sound(&browser, &what).await;
        let (checked, labelled) = assert_tables_read_well(&browser, &what).await;
        (cells, labels) = (cells + checked, labels + labelled);
        let slug: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        browser
            .screenshot(shots().join(format!("15{slug}-{width}.png")))
            .await;
        let scrolled = browser
            .client
            .execute(
                "const t = document.querySelector('table.data, svg.month-chart'); if (t) t.scrollIntoView(); return !!t;",
                vec![],
            )
            .await
            .expect("scroll to the table");
        if scrolled.as_bool() == Some(true) {
            browser
                .screenshot(shots().join(format!("15{slug}-table-{width}.png")))
                .await;
        }
    }
    assert!(cells > 500, "only {cells} table cells were checked");
    // The phone layout (below 48 rem) shows every table as cards with labels.
    if width < 768 {
        assert!(labels > 500, "only {labels} card labels were checked");
    }
    browser.goto(&format!("{}/menu/notices", app.url)).await;
    browser.click_link("健診のご案内").await;
    browser.wait_for_text("申込は12月末まで", WAIT).await;
    assert_sound(&browser, &format!("a notice at {width} px")).await;
    browser.close().await;
}

#[tokio::test]
async fn every_member_page_reads_well_at_1280_px() {
    every_member_page(1280).await;
}

#[tokio::test]
async fn every_member_page_reads_well_at_360_px() {
    every_member_page(360).await;
}

/// A tablet, or a narrow window: just wider than the phone layout's cards.
#[tokio::test]
async fn every_member_page_reads_well_at_800_px() {
    every_member_page(800).await;
}
