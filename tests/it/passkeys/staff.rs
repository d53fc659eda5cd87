//! A 管理者 under 「職員の二要素認証を必須にする」 registers a passkey instead of TOTP, which
//! meets the requirement; the passkey is then the second factor after the password, and,
//! once the 管理者 allows it in the settings, enough alone.

use kenpo::jobs::Job;
use kenpo::settings::{SETTINGS, UnionSettings};

use crate::app::{AppOptions, TestApp, remote, spawn_app_on_localhost};
use crate::harness::authenticator::Authenticator;
use crate::harness::browser::Browser;
use crate::staff::{ADMIN, ADMIN_PASSWORD};

use super::{WAIT, audit, fill_id, rows};

async fn add_admin_with_mfa_required(app: &TestApp) {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        let job = Job::StaffAdd {
            login: ADMIN.into(),
            password: ADMIN_PASSWORD.into(),
        };
        remote(&data, job, None)
    })
    .await
    .expect("join");
}

async fn password_step(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/staff/login")).await;
    browser.fill_by_label("ログインID", ADMIN).await;
    browser.fill_by_label("パスワード", ADMIN_PASSWORD).await;
    browser.click_button("ログイン").await;
}

async fn allow_passkey_only_login(app: &TestApp) {
    app.store()
        .write(|w| {
            let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            settings.staff_passkey_login = true;
            w.put(SETTINGS, &settings)
        })
        .await
        .expect("settings written");
}

#[tokio::test]
async fn a_staff_passkey_is_the_second_factor_and_alone_when_the_admin_allows_it() {
    let (app, base) = spawn_app_on_localhost(AppOptions { smtp_port: None }).await;
    add_admin_with_mfa_required(&app).await;
    let browser = Browser::start().await;
    Authenticator::add(&browser).await;

    // Required second factor, none yet: the enrolment page offers a passkey too.
    password_step(&browser, &base).await;
    browser.wait_for_text("パスキーを登録する", WAIT).await;
    fill_id(&browser, "passkey_name", "事務所のPC").await;
    fill_id(&browser, "passkey_password", ADMIN_PASSWORD).await;
    browser.click_button("パスキーを登録する").await;
    browser.wait_for_text("パスキーを登録しました", WAIT).await;
    browser.goto(&format!("{base}/staff")).await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;

    // The next login: password, then the passkey as the second factor.
    browser.click_button("ログアウト").await;
    password_step(&browser, &base).await;
    browser.wait_for_text("パスキーで確認", WAIT).await;
    assert!(
        !browser.body_text().await.contains("パスキーでログイン"),
        "passkey-only login is off by default"
    );
    browser.click_button("パスキーで確認").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;
    let all = audit(&app).await;
    let second = rows(&all, "staff.login_succeeded");
    assert!(
        second
            .iter()
            .any(|e| e.detail.as_deref() == Some("passkey as second factor")),
        "{:?}",
        second.iter().map(|e| e.detail.clone()).collect::<Vec<_>>()
    );

    // The 管理者 allows passkey-only staff logins: no login ID, no password.
    allow_passkey_only_login(&app).await;
    browser.click_button("ログアウト").await;
    browser.goto(&format!("{base}/staff/login")).await;
    browser.click_button("パスキーでログイン").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;
    let all = audit(&app).await;
    assert!(
        rows(&all, "staff.login_succeeded")
            .iter()
            .any(|e| e.detail.as_deref() == Some("passkey only"))
    );
    browser.close().await;
}
