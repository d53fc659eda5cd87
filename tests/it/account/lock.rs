//! The lock is a limit, not a speed bump (issue #10): failures count from the last
//! successful login across locks, each lock lasts twice as long as the one before, the
//! hundredth failure locks until a password recovery or staff, and every lock is mailed.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kenpo::auth::failures::MAX_FAILURES;
use kenpo::auth::model::Account;
use kenpo::clock::{Clock as _, format_jst};

use super::login::fail_spaced;
use super::{
    EMAIL, PASSWORD, USER, USER_KEY, account, assert_logged_in, assert_refused, register,
    registered, store, temporary_password,
};
use crate::app::{AppOptions, TestApp, client, spawn_app_with};
use crate::harness::smtp::SmtpServer;

const LOCK_SUBJECT: &str = "【けんぽWeb】アカウントをロックしました";

/// The account as if nine locks had come and gone: the next failure is the hundredth.
async fn ninety_nine_failures(app: &TestApp) {
    let long_ago: DateTime<Utc> = app.clock.now() - Duration::days(1);
    store(app)
        .write(move |w| {
            let mut a = w.get::<Account>(USER_KEY)?.expect("account");
            a.failed_logins = MAX_FAILURES - 1;
            a.last_failed_login_at = Some(long_ago);
            a.locked_until = Some(long_ago);
            w.put(USER_KEY, &a)
        })
        .await
        .expect("arrange");
}

#[tokio::test]
async fn failures_count_across_locks_and_each_lock_lasts_twice_as_long() {
    let app = registered().await;
    fail_spaced(&app, 10).await;
    let first = account(&app).await;
    assert_eq!(
        first.failed_logins, 10,
        "a lock does not forget the failures"
    );
    assert_eq!(
        first.locked_until,
        Some(app.clock.now() + Duration::minutes(30))
    );
    app.clock.advance(Duration::minutes(30));
    fail_spaced(&app, 10).await;
    let second = account(&app).await;
    assert_eq!(second.failed_logins, 20);
    assert_eq!(
        second.locked_until,
        Some(app.clock.now() + Duration::hours(1)),
        "the second lock lasts an hour"
    );
    app.clock.advance(Duration::minutes(59));
    assert_refused(&app.login(USER, PASSWORD).await);
    app.clock.advance(Duration::minutes(1));
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    assert_eq!(
        account(&app).await.failed_logins,
        0,
        "a success starts again"
    );
}

#[tokio::test]
async fn the_hundredth_failure_locks_until_a_password_recovery_completes() {
    let mut app = registered().await;
    ninety_nine_failures(&app).await;
    assert_refused(&app.login(USER, "wrong-password-1").await);
    app.clock.advance(Duration::days(365));
    assert_refused(&app.login(USER, PASSWORD).await);
    assert_eq!(account(&app).await.failed_logins, MAX_FAILURES);
    let temporary = temporary_password(&app).await;
    app.client = client();
    assert_logged_in(&app.login(USER, &temporary).await, "/menu/password");
    let after = account(&app).await;
    assert_eq!((after.failed_logins, after.locked_until), (0, None));
}

#[tokio::test]
async fn staff_unlock_ends_a_lock_for_good() {
    let app = registered().await;
    ninety_nine_failures(&app).await;
    assert_refused(&app.login(USER, "wrong-password-1").await);
    app.clock.advance(Duration::days(365));
    assert_refused(&app.login(USER, PASSWORD).await);
    let now = app.clock.now();
    store(&app)
        .write(move |w| kenpo::auth::lockout::unlock(w, USER_KEY, "staff:admin", now))
        .await
        .expect("unlock");
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
}

/// No secret, no birth date, nothing typed: only that the account locked and what to do.
fn assert_says_only_what_to_do(body: &str) {
    assert!(body.contains("ロック"), "{body}");
    assert!(body.contains("パスワードを忘れた方はこちら"), "{body}");
    for secret in [PASSWORD, "wrong-password-1", "1976", "昭和", USER] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
}

#[tokio::test]
async fn the_household_is_mailed_when_its_account_locks() {
    let smtp = SmtpServer::start();
    let mut app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register(&app).await;
    app.client = client();
    fail_spaced(&app, 10).await;
    let until = format_jst(app.clock.now() + Duration::minutes(30));
    let wait = StdDuration::from_secs(10);
    let mail = smtp
        .wait_for_mail(|m| m.subject == LOCK_SUBJECT, wait)
        .await;
    assert_eq!(mail.to, [EMAIL]);
    assert!(mail.body.contains(&until), "{until} in {}", mail.body);
    assert_says_only_what_to_do(&mail.body);

    ninety_nine_failures(&app).await;
    app.clock.advance(Duration::minutes(2));
    assert_refused(&app.login(USER, "wrong-password-1").await);
    let for_good = smtp
        .wait_for_mail(
            |m| m.subject == LOCK_SUBJECT && m.body.contains("自動では解除されません"),
            wait,
        )
        .await;
    assert_says_only_what_to_do(&for_good.body);
    assert!(for_good.body.contains("組合"), "{}", for_good.body);
}
