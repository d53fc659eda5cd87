//! Login and both recovery forms do the same argon2 work, and give the same answer, whatever
//! the ID and its state (SPEC §4): an answer that costs less for a throttled or locked
//! account than for an unknown ID tells, under load, that the account exists. Proved by
//! counting the argon2 runs of each answer on the app's hasher; no time is measured.

use chrono::Duration;
use kenpo::auth::model::{Account, TemporaryCredential};
use kenpo::clock::Clock as _;

use super::{EMAIL, USER, USER_KEY, forgot_id, forgot_password, registered, store};
use crate::app::{Page, TestApp, client, csrf_of};
use crate::registration::BIRTH;

const UNKNOWN_ID: &str = "Nobody.Here1";
const WRONG: &str = "wrong-password-1";

/// One answer: which path, how many argon2 runs it cost, and what it said.
#[derive(Debug)]
pub struct Seen {
    pub path: &'static str,
    pub runs: u64,
    pub answer: (u16, Option<String>, String),
}

pub fn hasher_runs(app: &TestApp) -> u64 {
    app.running.as_ref().expect("running").state.hasher.runs()
}

/// Status, redirect and body, with the CSRF token and the ID typed (echoed back) masked.
fn normalised(page: &Page, typed: &str) -> (u16, Option<String>, String) {
    let body = match page.body.contains(r#"name="csrf""#) {
        true => page.body.replace(&csrf_of(&page.body), "CSRF"),
        false => page.body.clone(),
    };
    (
        page.status.as_u16(),
        page.location.clone(),
        body.replace(typed, "TYPED"),
    )
}

/// Runs `answer` (lazy: nothing happens before it is awaited) and counts its argon2 runs.
pub async fn seen(
    app: &TestApp,
    path: &'static str,
    typed: &str,
    answer: impl Future<Output = Page>,
) -> Seen {
    let before = hasher_runs(app);
    let page = answer.await;
    Seen {
        path,
        runs: hasher_runs(app) - before,
        answer: normalised(&page, typed),
    }
}

/// Every path cost as many argon2 runs as the first, and answered the same.
pub fn assert_equal_work(all: &[Seen], at_least: u64) {
    let table: Vec<(&str, u64)> = all.iter().map(|s| (s.path, s.runs)).collect();
    assert!(all[0].runs >= at_least, "argon2 runs per path: {table:?}");
    for s in all {
        assert_eq!(s.runs, all[0].runs, "argon2 runs per path: {table:?}");
        assert_eq!(s.answer, all[0].answer, "{} vs {}", s.path, all[0].path);
    }
}

/// Every throttle window past, the account neither locked nor counting, a new browser.
async fn fresh(app: &mut TestApp) {
    app.clock.advance(Duration::hours(25));
    let now = app.clock.now();
    store(app)
        .write(move |w| kenpo::auth::lockout::unlock(w, USER_KEY, "staff:test", now))
        .await
        .expect("unlock");
    app.client = client();
}

async fn edit_account(app: &TestApp, change: impl FnOnce(&mut Account) + Send + 'static) {
    store(app)
        .write(move |w| {
            let mut a = w.get::<Account>(USER_KEY)?.expect("account");
            change(&mut a);
            w.put(USER_KEY, &a)
        })
        .await
        .expect("edit account");
}

async fn wrong_login(app: &TestApp, path: &'static str, id: &str) -> Seen {
    seen(app, path, id, app.login(id, WRONG)).await
}

/// Ten failures from this address, whatever the IDs: the next try from it is throttled.
async fn throttle_the_address(app: &TestApp) {
    for i in 0..10 {
        app.login(&format!("nobody.{i}x"), WRONG).await;
    }
}

#[tokio::test]
async fn login_does_the_same_work_whatever_the_id_and_its_state() {
    let mut app = registered().await;
    let mut all = vec![
        wrong_login(&app, "unknown", UNKNOWN_ID).await,
        wrong_login(&app, "known", USER).await,
    ];
    fresh(&mut app).await;
    for _ in 0..3 {
        app.login(USER, WRONG).await;
    }
    all.push(wrong_login(&app, "known, account throttled", USER).await);
    fresh(&mut app).await;
    throttle_the_address(&app).await;
    all.push(wrong_login(&app, "unknown, address throttled", UNKNOWN_ID).await);
    all.push(wrong_login(&app, "known, address throttled", USER).await);
    fresh(&mut app).await;
    let until = app.clock.now() + Duration::minutes(30);
    edit_account(&app, move |a| a.locked_until = Some(until)).await;
    all.push(wrong_login(&app, "known, locked", USER).await);
    fresh(&mut app).await;
    edit_account(&app, |a| {
        a.failed_logins = kenpo::auth::failures::MAX_FAILURES;
    })
    .await;
    all.push(wrong_login(&app, "known, locked for good", USER).await);
    fresh(&mut app).await;
    forgot_password(&app, USER, EMAIL, BIRTH).await;
    all.push(wrong_login(&app, "known, recovery password pending", USER).await);
    assert_equal_work(&all, 1);
}

#[tokio::test]
async fn a_temporary_id_login_does_the_same_work_whatever_the_id() {
    let mut app = registered().await;
    let cards = store(&app)
        .read(|r| r.scan::<TemporaryCredential>(""))
        .await
        .expect("read cards");
    let (known, _) = cards.first().expect("an unregistered household's card");
    let known = known.clone();
    let unknown = "0000000001";
    let mut all = vec![
        wrong_login(&app, "unknown", unknown).await,
        wrong_login(&app, "known", &known).await,
    ];
    fresh(&mut app).await;
    throttle_the_address(&app).await;
    all.push(wrong_login(&app, "unknown, address throttled", unknown).await);
    all.push(wrong_login(&app, "known, address throttled", &known).await);
    assert_equal_work(&all, 1);
}

async fn id_request(app: &TestApp, path: &'static str, email: &str) -> Seen {
    seen(app, path, email, forgot_id(app, email, BIRTH)).await
}

#[tokio::test]
async fn forgot_id_does_the_same_work_whether_or_not_anything_matches() {
    let mut app = registered().await;
    let mut all = vec![
        id_request(&app, "matched", EMAIL).await,
        id_request(&app, "no match", "nobody@example.jp").await,
    ];
    fresh(&mut app).await;
    for _ in 0..3 {
        forgot_id(&app, EMAIL, BIRTH).await;
    }
    all.push(id_request(&app, "matched, account throttled", EMAIL).await);
    fresh(&mut app).await;
    for i in 0..10 {
        forgot_id(&app, &format!("n{i}@example.jp"), BIRTH).await;
    }
    all.push(id_request(&app, "matched, address throttled", EMAIL).await);
    all.push(id_request(&app, "no match, address throttled", "nobody@example.jp").await);
    fresh(&mut app).await;
    let until = app.clock.now() + Duration::minutes(30);
    edit_account(&app, move |a| a.locked_until = Some(until)).await;
    all.push(id_request(&app, "matched, account locked", EMAIL).await);
    assert_equal_work(&all, 0);
}

async fn password_request(app: &TestApp, path: &'static str, id: &str, birth: &str) -> Seen {
    seen(app, path, id, forgot_password(app, id, EMAIL, birth)).await
}

#[tokio::test]
async fn forgot_password_does_the_same_work_whether_or_not_anything_matches() {
    let mut app = registered().await;
    let mut all = vec![
        password_request(&app, "matched", USER, BIRTH).await,
        password_request(&app, "unknown ID", UNKNOWN_ID, BIRTH).await,
        password_request(&app, "wrong birth date", USER, "19760419").await,
    ];
    fresh(&mut app).await;
    for _ in 0..3 {
        forgot_password(&app, USER, EMAIL, BIRTH).await;
    }
    all.push(password_request(&app, "matched, account throttled", USER, BIRTH).await);
    fresh(&mut app).await;
    for i in 0..10 {
        forgot_password(&app, &format!("nobody.{i}x"), EMAIL, BIRTH).await;
    }
    all.push(password_request(&app, "matched, address throttled", USER, BIRTH).await);
    all.push(password_request(&app, "unknown, address throttled", UNKNOWN_ID, BIRTH).await);
    fresh(&mut app).await;
    edit_account(&app, |a| {
        a.failed_logins = kenpo::auth::failures::MAX_FAILURES;
    })
    .await;
    all.push(password_request(&app, "matched, locked for good", USER, BIRTH).await);
    assert_equal_work(&all, 1);
}
