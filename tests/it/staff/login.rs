//! The staff login is throttled like the member login: nobody can lock a staff account by
//! posting wrong passwords at it, a locked account counts nothing more, and every answer
//! takes the same minimum time.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use kenpo::audit::AuditEntry;
use kenpo::auth::model::StaffAccount;
use kenpo::store::Store;
use reqwest::StatusCode;

use super::{ADMIN, ADMIN_PASSWORD, add_admin, staff_login};
use crate::app::{Page, TestApp, spawn_app};

/// `web::pacing::MIN_ANSWER`, the member login's minimum.
const MIN_ANSWER: StdDuration = StdDuration::from_millis(400);

fn store(app: &TestApp) -> Store {
    app.running.as_ref().expect("running").state.store.clone()
}

async fn admin_account(app: &TestApp) -> StaffAccount {
    store(app)
        .read(|r| r.get::<StaffAccount>(ADMIN))
        .await
        .expect("read")
        .expect("admin exists")
}

pub async fn audit(app: &TestApp) -> Vec<AuditEntry> {
    let rows = store(app)
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("read audit");
    rows.into_iter().map(|(_, e)| e).collect()
}

fn assert_refused(page: &Page) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("ユーザIDまたはパスワードが正しくありません"),
        "the one generic message: {}",
        page.body
    );
}

fn assert_in(page: &Page) {
    assert_eq!(page.location.as_deref(), Some("/staff"), "{}", page.body);
}

#[tokio::test]
async fn ten_quick_wrong_passwords_do_not_lock_a_staff_account() {
    let app = spawn_app().await;
    add_admin(&app).await;
    for _ in 0..10 {
        assert_refused(&staff_login(&app, ADMIN, "wrong-passphrase-1").await);
    }
    let account = admin_account(&app).await;
    assert_eq!(account.locked_until, None, "no lock from a burst");
    assert_eq!(account.failed_logins, 3, "throttled tries are not counted");
    // The fourth failure would come after a second: the right password is refused till then.
    assert_refused(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
    app.clock.advance(Duration::seconds(1));
    assert_in(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
    let details: Vec<Option<String>> = audit(&app)
        .await
        .into_iter()
        .filter(|e| e.action == "staff.login_failed")
        .map(|e| e.detail)
        .collect();
    assert!(details.contains(&Some("throttled".into())), "{details:?}");
}

#[tokio::test]
async fn failures_from_one_address_are_throttled_whatever_the_login() {
    let app = spawn_app().await;
    add_admin(&app).await;
    for i in 0..10 {
        assert_refused(&staff_login(&app, &format!("nobody{i}"), "wrong-passphrase-1").await);
    }
    assert_refused(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
    app.clock.advance(Duration::seconds(1));
    assert_in(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
}

#[tokio::test]
async fn tries_against_a_locked_staff_account_are_not_counted() {
    let app = spawn_app().await;
    add_admin(&app).await;
    for _ in 0..10 {
        app.clock.advance(Duration::minutes(2));
        assert_refused(&staff_login(&app, ADMIN, "wrong-passphrase-1").await);
    }
    let locked = admin_account(&app).await;
    assert!(locked.locked_until.is_some(), "ten spaced failures lock");
    assert!(audit(&app).await.iter().any(|e| e.action == "staff.locked"));
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(2));
        assert_refused(&staff_login(&app, ADMIN, "wrong-passphrase-1").await);
    }
    let still = admin_account(&app).await;
    assert_eq!(still.failed_logins, 0, "nothing counted while locked");
    assert_eq!(
        still.locked_until, locked.locked_until,
        "the lock is not renewed"
    );
    app.clock.advance(Duration::minutes(30));
    assert_in(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
}

#[tokio::test]
async fn every_staff_login_answer_takes_the_minimum_time() {
    let app = spawn_app().await;
    add_admin(&app).await;
    // An unknown login (a dummy hash check) and a throttled try (no check at all).
    let started = Instant::now();
    assert_refused(&staff_login(&app, "nobody", "wrong-passphrase-1").await);
    assert!(started.elapsed() >= MIN_ANSWER, "{:?}", started.elapsed());
    for _ in 0..3 {
        staff_login(&app, ADMIN, "wrong-passphrase-1").await;
    }
    let started = Instant::now();
    assert_refused(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
    assert!(started.elapsed() >= MIN_ANSWER, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_failed_login_with_an_unknown_id_does_not_record_what_was_typed() {
    let app = spawn_app().await;
    add_admin(&app).await;
    let typed = "MySecretPass99";
    assert_refused(&staff_login(&app, typed, "wrong-passphrase-1").await);
    let rows = audit(&app).await;
    let failed: Vec<&AuditEntry> = rows
        .iter()
        .filter(|e| e.action == "staff.login_failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].actor, "staff:unknown");
    let all = format!("{rows:?}").to_lowercase();
    assert!(!all.contains("mysecretpass99"), "{all}");
}
