//! Issue 15, point 2: htmx requests made inside a form that pushes its URL (the live
//! user-ID check on 個人情報入力画面) leave the address bar and the history alone.

use crate::app::spawn_app;
use crate::browser_reading::WAIT;
use crate::harness::browser::Browser;
use crate::harness::page::assert_sound;
use crate::registration::{BIRTH, first_card};

/// `(location.pathname + location.search, history.length)`.
async fn address(browser: &Browser) -> (String, u64) {
    let v = browser
        .client
        .execute(
            "return [location.pathname + location.search, history.length];",
            vec![],
        )
        .await
        .expect("read the address");
    let path = v.get(0).and_then(|p| p.as_str()).unwrap_or("").to_string();
    (path, v.get(1).and_then(|n| n.as_u64()).unwrap_or(0))
}

#[tokio::test]
async fn typing_a_user_id_leaves_the_address_bar_on_the_screen() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", &card.temp_id).await;
    browser
        .fill_by_label("パスワード", &card.temp_password)
        .await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("本人確認画面", WAIT).await;
    browser.fill_by_label("保険者番号", "06131114").await;
    browser.fill_by_label("生年月日", BIRTH).await;
    browser.choose_radio("同意する").await;
    browser.click_button("確認").await;
    browser.wait_for_text("個人情報入力画面", WAIT).await;

    for (width, id, answer) in [
        (1280u32, "Yamada.Taro", "このユーザIDは使用できます"),
        (360, "ab", "8文字以上"),
    ] {
        browser.set_window_size(width, 900).await;
        let before = address(&browser).await;
        assert_eq!(before.0, "/register/profile", "at {width} px");
        browser.fill_by_label("ユーザID", id).await;
        browser.wait_for_text(answer, WAIT).await;
        let after = address(&browser).await;
        assert_eq!(
            after, before,
            "at {width} px the check of {id:?} moved the address bar or the history"
        );
        assert_sound(&browser, &format!("個人情報入力画面 at {width} px")).await;
    }
    browser.close().await;
}
