//! Member journeys in real headless Chromium.

use std::time::Duration;

use crate::app::{AppOptions, spawn_app_with};
use crate::harness::browser::Browser;
use crate::harness::page::assert_sound;
use crate::harness::smtp::SmtpServer;
use crate::registration::first_card;

const WAIT: Duration = Duration::from_secs(10);

/// Screenshots of the current screen at 1280 px and 360 px wide (looked at by a person),
/// each width checked: nothing scrolls sideways, axe-core finds no WCAG 2.2 AA violation.
async fn shoot(browser: &Browser, name: &str) {
    let dir = shots();
    for width in [1280u32, 360] {
        browser.set_window_size(width, 900).await;
        browser
            .screenshot(dir.join(format!("{name}-{width}.png")))
            .await;
        assert_sound(browser, &format!("{name} at {width} px")).await;
    }
    browser.set_window_size(1280, 900).await;
}

fn shots() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

#[tokio::test]
async fn the_login_page_loads_with_its_title_and_csp() {
    let app = spawn_app_with(AppOptions { smtp_port: None }).await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", app.url)).await;
    assert_eq!(browser.title().await, "ログイン | けんぽWeb");
    let resp = app.get("/").await;
    let csp = resp
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe"));
    browser.close().await;
}

#[tokio::test]
async fn a_member_registers_from_the_postcard_to_the_menu() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let card = first_card(&app).await;
    let browser = Browser::start().await;
    let dir = shots();
    for (width, suffix) in [(1280u32, "1280"), (360, "360")] {
        browser.set_window_size(width, 900).await;
        browser.goto(&format!("{}/", app.url)).await;
        browser
            .screenshot(dir.join(format!("01-login-{suffix}.png")))
            .await;
    }
    browser.set_window_size(1280, 900).await;
    browser.fill_by_label("ユーザID", &card.temp_id).await;
    browser
        .fill_by_label("パスワード", &card.temp_password)
        .await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("本人確認画面", WAIT).await;
    shoot(&browser, "02-identity").await;
    browser.fill_by_label("保険者番号", "06131114").await;
    browser
        .fill_by_label("生年月日", crate::registration::BIRTH)
        .await;
    browser.choose_radio("同意する").await;
    browser.click_button("確認").await;
    browser.wait_for_text("個人情報入力画面", WAIT).await;
    browser.fill_by_label("ユーザID", "Yamada.Taro").await;
    browser
        .wait_for_text("このユーザIDは使用できます", WAIT)
        .await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser
        .fill_by_label("パスワード確認用", "sakura2026go")
        .await;
    browser
        .fill_by_label("メールアドレス", "taro@example.jp")
        .await;
    shoot(&browser, "03-profile").await;
    browser.click_button("入力内容確認").await;
    browser.wait_for_text("入力確認画面", WAIT).await;
    shoot(&browser, "04-confirm").await;
    browser.click_button("実行").await;
    browser
        .wait_for_text("これで初期登録は終了です", WAIT)
        .await;
    shoot(&browser, "05-done").await;
    browser.click_link("メニューへ").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    shoot(&browser, "06-menu").await;

    let mail = smtp
        .wait_for_mail(|m| m.subject == "けんぽWebへようこそ", WAIT)
        .await;
    assert!(mail.body.contains("Yamada.Taro"));

    browser.click_button("ログアウト").await;
    browser.wait_for_text("ログアウトしました", WAIT).await;
    browser.fill_by_label("ユーザID", &card.temp_id).await;
    browser
        .fill_by_label("パスワード", &card.temp_password)
        .await;
    browser.click_button("ログイン").await;
    browser
        .wait_for_text("ユーザIDまたはパスワードが正しくありません", WAIT)
        .await;
    browser.fill_by_label("ユーザID", "yamada.taro").await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    browser.close().await;
}
