//! Login: lock, unlock, the throttle ladder, and the forced change of an old password.

use chrono::Duration;
use kenpo::clock::Clock as _;
use reqwest::StatusCode;

use super::{
    PASSWORD, USER, USER_KEY, account, assert_logged_in, assert_refused, audit_actions,
    change_password, registered, store,
};
use crate::app::client;

/// Fails `n` times, each after a pause longer than any throttle delay.
pub(super) async fn fail_spaced(app: &crate::app::TestApp, n: usize) {
    for _ in 0..n {
        app.clock.advance(Duration::minutes(2));
        assert_refused(&app.login(USER, "wrong-password-1").await);
    }
}

#[tokio::test]
async fn ten_failed_logins_lock_the_account_for_thirty_minutes() {
    let app = registered().await;
    fail_spaced(&app, 9).await;
    assert_eq!(account(&app).await.failed_logins, 9, "failures persist");
    fail_spaced(&app, 1).await;
    assert!(account(&app).await.locked_until.is_some());
    app.clock.advance(Duration::minutes(29));
    assert_refused(&app.login(USER, PASSWORD).await);
    app.clock.advance(Duration::minutes(1));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"account.locked".to_string()));
    assert!(actions.iter().filter(|a| *a == "login.failed").count() >= 11);
    assert!(actions.contains(&"login.succeeded".to_string()));
}

#[tokio::test]
async fn staff_unlock_ends_the_lock_at_once() {
    let app = registered().await;
    fail_spaced(&app, 10).await;
    assert_refused(&app.login(USER, PASSWORD).await);
    let now = app.clock.now();
    let unlocked = store(&app)
        .write(move |w| kenpo::auth::lockout::unlock(w, USER_KEY, "staff:admin", now))
        .await
        .expect("unlock");
    assert!(unlocked);
    // The address waits a moment after its eleventh failure; the account waits no more.
    app.clock.advance(Duration::seconds(5));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    assert!(
        audit_actions(&app)
            .await
            .contains(&"account.unlocked".to_string())
    );
}

#[tokio::test]
async fn the_throttle_ladder_refuses_early_with_the_same_message() {
    let app = registered().await;
    // Three free failures, one second apart at most: no delay.
    for _ in 0..3 {
        assert_refused(&app.login(USER, "wrong-password-1").await);
    }
    // Now 1 s must pass: even the right password is refused, with the same answer.
    assert_refused(&app.login(USER, PASSWORD).await);
    app.clock.advance(Duration::seconds(1));
    assert_refused(&app.login(USER, "wrong-password-1").await);
    // Four failures: 2 s.
    app.clock.advance(Duration::seconds(1));
    assert_refused(&app.login(USER, PASSWORD).await);
    app.clock.advance(Duration::seconds(1));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    assert_eq!(
        account(&app).await.failed_logins,
        0,
        "a success resets the ladder"
    );
    // Throttled attempts of one minute share a row that counts them.
    let failed: u64 = store(&app)
        .read(|r| r.scan::<kenpo::audit::AuditEntry>(""))
        .await
        .expect("audit")
        .into_iter()
        .filter(|(_, e)| e.action == "login.failed")
        .map(|(_, e)| e.times())
        .sum();
    assert!(failed >= 6, "every refused attempt is on the record");
}

#[tokio::test]
async fn failures_from_one_address_are_throttled_whatever_the_id() {
    let app = registered().await;
    for i in 0..10 {
        assert_refused(&app.login(&format!("nobody.{i}x"), "wrong-password-1").await);
    }
    assert_refused(&app.login(USER, PASSWORD).await);
    app.clock.advance(Duration::seconds(1));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
}

#[tokio::test]
async fn the_user_id_matches_in_any_letter_case() {
    let app = registered().await;
    assert_logged_in(&app.login("YAMADA.taro", PASSWORD).await, "/menu");
}

#[tokio::test]
async fn a_password_older_than_five_years_must_be_changed_before_anything_else() {
    let mut app = registered().await;
    app.clock.advance(Duration::days(5 * 365 + 1));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu/password");
    for path in ["/menu", "/menu/profile", "/menu/expenses"] {
        let page = app.get(path).await;
        assert_eq!(page.location.as_deref(), Some("/menu/password"), "{path}");
    }
    let screen = app.get("/menu/password").await;
    assert!(screen.body.contains("パスワードの変更が必要です"));
    assert!(screen.body.contains(r#"action="/logout""#));
    let done = change_password(&app, PASSWORD, "momiji2031ok").await;
    assert_eq!(done.location.as_deref(), Some("/menu/password?done=1"));
    assert!(
        done.headers.get("set-cookie").is_some(),
        "the session id rotates"
    );
    assert_eq!(app.get("/menu").await.status, StatusCode::OK);
    app.client = client();
    assert_logged_in(&app.login(USER, "momiji2031ok").await, "/menu");
}

#[tokio::test]
async fn a_staff_lock_ends_the_households_sessions() {
    let app = registered().await;
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    let now = app.clock.now();
    let until = now + Duration::hours(1);
    store(&app)
        .write(move |w| kenpo::auth::lockout::lock(w, USER_KEY, "staff:admin", now, until))
        .await
        .expect("lock");
    assert_eq!(
        app.get("/menu").await.location.as_deref(),
        Some("/?expired=1")
    );
    assert_refused(&app.login(USER, PASSWORD).await);
}
