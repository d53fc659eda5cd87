//! A clerk's day in real headless Chromium: upload a members file with an error, fix it,
//! issue postcards, print them, find a household and unlock it, write a notice that a
//! member then sees unread and then read, upload a claims file (progress polled by htmx)
//! and publish it after the confirmation that counts households and mails; the member
//! then sees the claims.

use std::time::Duration;

use fantoccini::Locator;
use kenpo::jobs::Job;

use crate::app::{TestApp, parse_csv, remote, spawn_app};
use crate::harness::browser::Browser;
use crate::registration::{Card, execute, identity, up_to_confirm};
use crate::staff::{CLERK, CLERK_PASSWORD, clerk, staff_logout};

const WAIT: Duration = Duration::from_secs(10);

async fn upload_in_browser(browser: &Browser, path: &std::path::Path) {
    let input = browser
        .client
        .find(Locator::Css("input[type=file]"))
        .await
        .expect("file input");
    input
        .send_keys(&path.display().to_string())
        .await
        .expect("choose the file");
    browser.click_button("取り込む").await;
}

/// Re-issues 1201-105 over the control socket and locks its temporary ID with five misses.
async fn locked_card(app: &TestApp) -> Card {
    let data = app.data.clone();
    let io = tokio::task::spawn_blocking(move || {
        remote(
            &data,
            Job::IssueCredentials {
                households: vec!["1201-105".into()],
            },
            None,
        )
    })
    .await
    .expect("join");
    let rows = parse_csv(&io.output.expect("postcards"));
    let card = Card {
        temp_id: rows[1][5].clone(),
        temp_password: rows[1][6].clone(),
    };
    app.login(&card.temp_id, &card.temp_password).await;
    for _ in 0..5 {
        identity(app, "06131114", "19800101", Some("yes")).await;
    }
    card
}

#[tokio::test]
async fn a_clerks_day_from_upload_to_a_notice_the_member_reads() {
    let app = spawn_app().await;
    clerk(&app).await;
    staff_logout(&app).await;
    let dir = tempfile::tempdir().expect("temp");
    let bad = dir.path().join("members-bad.csv");
    std::fs::write(&bad, crate::staff::upload::members_with_a_bad_line()).expect("write");
    let good = dir.path().join("members.csv");
    std::fs::write(&good, crate::app::MEMBERS_UTF8).expect("write");

    let browser = Browser::start().await;
    browser.goto(&format!("{}/staff/login", app.url)).await;
    browser.fill_by_label("ログインID", CLERK).await;
    browser.fill_by_label("パスワード", CLERK_PASSWORD).await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;

    browser.click_link("データ取込").await;
    upload_in_browser(&browser, &bad).await;
    browser.wait_for_text("3行目", WAIT).await;
    assert!(browser.body_text().await.contains("生年月日"));
    shoot(&browser, "20-staff-import-error").await;
    browser.click_link("データ取込へ戻る").await;
    upload_in_browser(&browser, &good).await;
    browser.wait_for_text("追加 6 人", WAIT).await;

    browser.click_link("はがき発行へ").await;
    browser.click_button("全世帯分を発行する").await;
    browser.wait_for_text("元に戻せません", WAIT).await;
    browser.click_button("発行する").await;
    browser.wait_for_text("3 世帯分", WAIT).await;
    let print = browser
        .client
        .find(Locator::LinkText("はがき印刷画面を開く"))
        .await
        .expect("print link")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    browser.goto(&format!("{}{print}", app.url)).await;
    browser.wait_for_text("仮パスワード", WAIT).await;
    assert!(browser.body_text().await.contains("山田　太郎 様"));
    shoot(&browser, "21-staff-postcards-print").await;

    let card = locked_card(&app).await;
    browser.goto(&format!("{}/staff/households", app.url)).await;
    browser
        .fill_by_label("記号・番号、氏名またはカナ", "やまだ")
        .await;
    browser.click_button("検索").await;
    browser.click_link("1201-105").await;
    browser.wait_for_text("仮IDのロック", WAIT).await;
    shoot(&browser, "22-staff-household").await;
    browser.click_button("ロックを解除").await;
    browser.wait_for_text("ロックを解除しました", WAIT).await;

    browser.click_link("お知らせ").await;
    browser.click_link("新しいお知らせを書く").await;
    browser.fill_by_label("件名", "健診のご案内").await;
    browser
        .fill_by_label(
            "本文",
            "今年の健診の受付を始めました。\n\n- 申込は12月末まで",
        )
        .await;
    browser.click_button("保存").await;
    browser.wait_for_text("公開中", WAIT).await;

    up_to_confirm(&app, &card, "Yamada.Taro").await;
    assert_eq!(
        execute(&app).await.location.as_deref(),
        Some("/register/done")
    );
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", "Yamada.Taro").await;
    browser.fill_by_label("パスワード", "sakura2026go").await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    browser.click_link("お知らせ").await;
    browser.wait_for_text("未読", WAIT).await;
    browser.click_link("健診のご案内").await;
    browser.wait_for_text("申込は12月末まで", WAIT).await;
    browser.click_link("お知らせ一覧へ").await;
    browser.wait_for_text("健診のご案内", WAIT).await;
    assert!(!browser.body_text().await.contains("未読"), "read now");

    let claims = dir.path().join("claims.csv");
    std::fs::write(&claims, crate::claims::CLAIMS_UTF8).expect("write");
    browser.goto(&format!("{}/staff/import", app.url)).await;
    let input = browser
        .client
        .find(Locator::Css("#claims-file"))
        .await
        .expect("claims file input");
    input
        .send_keys(&claims.display().to_string())
        .await
        .expect("choose the file");
    browser.click_button("医療費を取り込む").await;
    browser
        .wait_for_text("取り込みました（取り込み番号 1）", WAIT)
        .await;
    browser.click_link("このデータを公開する").await;
    browser.wait_for_text("3 世帯", WAIT).await;
    assert!(browser.body_text().await.contains("1 通"));
    browser.click_button("公開する").await;
    browser
        .wait_for_text("対象 3 世帯 / お知らせメール 1 通", WAIT)
        .await;
    browser
        .goto(&format!("{}/menu/expenses?year=2025", app.url))
        .await;
    browser.wait_for_text("本郷内科クリニック", WAIT).await;
    browser.close().await;
}

/// Screenshots of the current staff screen at 1280 px and 360 px wide, to be looked at.
async fn shoot(browser: &Browser, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    for width in [1280u32, 360] {
        browser.set_window_size(width, 900).await;
        browser
            .screenshot(dir.join(format!("{name}-{width}.png")))
            .await;
    }
    browser.set_window_size(1280, 900).await;
}
