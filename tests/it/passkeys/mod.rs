//! Passkeys (#16) in real headless Chromium with chromedriver's virtual authenticators: a
//! household registers one on two devices and logs in with each, deletes one, and staff
//! use one as their second factor; ceremonies replayed, answered late or from another
//! origin are refused.

mod ceremony;
mod flows;
mod member;
mod staff;

use std::time::Duration;

use fantoccini::Locator;
use kenpo::audit::AuditEntry;

use crate::account::{PASSWORD, USER, register};
use crate::app::{AppOptions, TestApp, client, spawn_app_on_localhost};
use crate::harness::authenticator::Authenticator;
use crate::harness::browser::Browser;

pub const WAIT: Duration = Duration::from_secs(15);

/// Types into the control with this id (the profile page has two 「現在のパスワード」).
pub async fn fill_id(browser: &Browser, id: &str, value: &str) {
    let input = browser
        .client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("find #{id}: {e}"));
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

/// Logs the household in with its password, on the login screen at `base`.
pub async fn password_login(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/")).await;
    browser.fill_by_label("ユーザID", USER).await;
    browser.fill_by_label("パスワード", PASSWORD).await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("個人情報管理", WAIT).await;
}

/// Registers a passkey named `name` from 個人情報管理.
pub async fn register_passkey(browser: &Browser, base: &str, name: &str) {
    browser.goto(&format!("{base}/menu/profile")).await;
    browser.wait_for_text("パスキーを登録する", WAIT).await;
    fill_id(browser, "passkey_name", name).await;
    fill_id(browser, "passkey_password", PASSWORD).await;
    browser.click_button("パスキーを登録する").await;
    browser.wait_for_text("パスキーを登録しました", WAIT).await;
}

pub async fn logout(browser: &Browser) {
    browser.click_button("ログアウト").await;
    browser.wait_for_text("ログアウトしました", WAIT).await;
}

/// 「パスキーでログイン」 on the member login screen.
pub async fn passkey_login(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/")).await;
    browser.click_button("パスキーでログイン").await;
}

pub async fn audit(app: &TestApp) -> Vec<AuditEntry> {
    let rows = app
        .store()
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("read audit");
    rows.into_iter().map(|(_, e)| e).collect()
}

pub fn rows<'a>(all: &'a [AuditEntry], action: &str) -> Vec<&'a AuditEntry> {
    all.iter().filter(|e| e.action == action).collect()
}

/// A household with one passkey on the browser's authenticator, logged out.
pub async fn household_with_a_passkey() -> (TestApp, String, Browser) {
    let (mut app, base) = spawn_app_on_localhost(AppOptions { smtp_port: None }).await;
    register(&app).await;
    app.client = client();
    let browser = Browser::start().await;
    Authenticator::add(&browser).await;
    password_login(&browser, &base).await;
    register_passkey(&browser, &base, "わたしのスマホ").await;
    logout(&browser).await;
    (app, base, browser)
}
