//! Passkeys beside the seed's flow: without JavaScript the buttons are absent (and on an IP
//! address, where browsers refuse passkeys, not even rendered); password recovery leaves the
//! passkeys alone, and a login by passkey still meets a forced password change first.

use kenpo::auth::passkey::StoredPasskey;

use crate::account::{USER, temporary_password};
use crate::app::{AppOptions, spawn_app, spawn_app_on_localhost};

use super::{WAIT, household_with_a_passkey, passkey_login};

#[tokio::test]
async fn without_javascript_the_passkey_buttons_are_absent() {
    let (app, _) = spawn_app_on_localhost(AppOptions { smtp_port: None }).await;
    let login = app.get("/").await.body;
    let boxes = login.matches("data-passkey-box").count();
    assert_eq!(boxes, 1, "{login}");
    assert!(
        login.contains("data-passkey-box hidden"),
        "shown only by the script: {login}"
    );
    assert!(
        login.contains(r#"<script src="/assets/passkey.js?v="#),
        "{login}"
    );
    assert_eq!(
        login.matches("<script").count(),
        login.matches("<script src=").count(),
        "no inline script"
    );
    let script = app.get("/assets/passkey.js").await;
    assert!(script.body.contains("navigator.credentials.get"));

    // At an IP address (the default --base-url) a browser refuses passkeys: no button.
    let plain = spawn_app().await;
    assert!(!plain.get("/").await.body.contains("data-passkey"));
}

#[tokio::test]
async fn recovery_keeps_the_passkeys_and_a_passkey_login_still_meets_the_forced_change() {
    let (app, base, browser) = household_with_a_passkey().await;
    let temporary = temporary_password(&app).await;
    let used = app.login(USER, &temporary).await;
    assert_eq!(used.location.as_deref(), Some("/menu/password"));
    let kept = app
        .store()
        .read(|r| r.scan::<StoredPasskey>(""))
        .await
        .expect("read");
    assert_eq!(kept.len(), 1, "recovery deletes no passkey");

    // The recovery password is in use and must be changed: a passkey login goes there too.
    passkey_login(&browser, &base).await;
    browser
        .wait_for_text("パスワードの変更が必要です", WAIT)
        .await;
    assert!(browser.current_url().await.ends_with("/menu/password"));
    browser.close().await;
}
