//! The staff login is throttled like the member login: nobody can lock a staff account by
//! posting wrong passwords at it, a locked account counts nothing more, and every refusal
//! does the same argon2 work.

use chrono::Duration;
use kenpo::audit::AuditEntry;
use kenpo::auth::model::StaffAccount;
use kenpo::clock::Clock as _;
use kenpo::store::Store;
use reqwest::StatusCode;

use super::{ADMIN, ADMIN_PASSWORD, add_admin, staff_login};
use crate::account::equal_work::{Seen, assert_equal_work, seen};
use crate::app::{Page, TestApp, spawn_app};

const WRONG: &str = "wrong-passphrase-1";

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
    assert_eq!(
        still.failed_logins, locked.failed_logins,
        "nothing counted while locked"
    );
    assert_eq!(
        still.locked_until, locked.locked_until,
        "the lock is not renewed"
    );
    app.clock.advance(Duration::minutes(30));
    assert_in(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
}

async fn edit_admin(app: &TestApp, change: impl FnOnce(&mut StaffAccount) + Send + 'static) {
    store(app)
        .write(move |w| {
            let mut a = w.get::<StaffAccount>(ADMIN)?.expect("admin");
            change(&mut a);
            w.put(ADMIN, &a)
        })
        .await
        .expect("edit admin");
}

async fn wrong(app: &TestApp, path: &'static str, login: &str) -> Seen {
    seen(app, path, login, staff_login(app, login, WRONG)).await
}

/// Every throttle window past and the account counting nothing, so the next path starts clean.
async fn fresh(app: &TestApp) {
    app.clock.advance(Duration::hours(2));
    edit_admin(app, |a| {
        a.failed_logins = 0;
        a.last_failed_login_at = None;
        a.locked_until = None;
        a.disabled = false;
    })
    .await;
}

#[tokio::test]
async fn every_staff_login_refusal_does_the_same_work() {
    let app = spawn_app().await;
    add_admin(&app).await;
    let mut all = vec![
        wrong(&app, "unknown", "nobody").await,
        wrong(&app, "known", ADMIN).await,
    ];
    for _ in 0..2 {
        staff_login(&app, ADMIN, WRONG).await;
    }
    all.push(wrong(&app, "known, account throttled", ADMIN).await);
    fresh(&app).await;
    for i in 0..10 {
        staff_login(&app, &format!("nobody{i}"), WRONG).await;
    }
    all.push(wrong(&app, "unknown, address throttled", "nobody").await);
    all.push(wrong(&app, "known, address throttled", ADMIN).await);
    fresh(&app).await;
    let until = app.clock.now() + Duration::minutes(30);
    edit_admin(&app, move |a| a.locked_until = Some(until)).await;
    all.push(wrong(&app, "known, locked", ADMIN).await);
    fresh(&app).await;
    edit_admin(&app, |a| {
        a.failed_logins = kenpo::auth::failures::MAX_FAILURES
    })
    .await;
    all.push(wrong(&app, "known, locked for good", ADMIN).await);
    fresh(&app).await;
    edit_admin(&app, |a| a.disabled = true).await;
    all.push(wrong(&app, "known, disabled", ADMIN).await);
    assert_equal_work(&all, 1);
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

async fn fail_spaced(app: &TestApp, n: usize) {
    for _ in 0..n {
        app.clock.advance(Duration::minutes(2));
        assert_refused(&staff_login(app, ADMIN, WRONG).await);
    }
}

#[tokio::test]
async fn staff_locks_escalate_and_the_hundredth_failure_locks_until_an_admin_acts() {
    let app = spawn_app().await;
    add_admin(&app).await;
    fail_spaced(&app, 10).await;
    let first = admin_account(&app).await;
    assert_eq!(
        first.failed_logins, 10,
        "a lock does not forget the failures"
    );
    app.clock.advance(Duration::minutes(30));
    fail_spaced(&app, 10).await;
    let second = admin_account(&app).await;
    assert_eq!(
        second.locked_until,
        Some(app.clock.now() + Duration::hours(1)),
        "the second lock lasts an hour"
    );
    app.clock.advance(Duration::hours(1));
    edit_admin(&app, |a| {
        a.failed_logins = kenpo::auth::failures::MAX_FAILURES - 1
    })
    .await;
    assert_refused(&staff_login(&app, ADMIN, WRONG).await);
    app.clock.advance(Duration::days(365));
    assert_refused(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
    let locks = audit(&app).await;
    let locks: Vec<&AuditEntry> = locks
        .iter()
        .filter(|e| e.action == "staff.locked")
        .collect();
    assert_eq!(locks.len(), 3, "{locks:?}");
    let now = app.clock.now();
    store(&app)
        .write(move |w| {
            kenpo::auth::staff_accounts::set_disabled(w, ADMIN, false, "staff:other", now)
                .map_err(anyhow::Error::from)
        })
        .await
        .expect("an admin enables the account again");
    assert_in(&staff_login(&app, ADMIN, ADMIN_PASSWORD).await);
}
