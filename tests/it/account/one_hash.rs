//! A member login costs exactly one argon2 run on every path (issue #13): known or unknown
//! ID, right or wrong password, input in the recovery password's format or not, a recovery
//! password pending or not. Which stored hash the run checks follows from what was typed
//! and from nothing an attacker cannot see, so the count is the same everywhere. Proved by
//! counting the runs on the app's hasher; no time is measured.

use super::equal_work::{Seen, seen};
use kenpo::auth::model::Account;

use super::{PASSWORD, USER, USER_KEY, assert_logged_in, temporary_password};
use crate::app::{TestApp, client};

const UNKNOWN_ID: &str = "Nobody.Here1";
const WRONG: &str = "wrong-password-1";
/// Ten characters of the postcard alphabet with a letter and a digit: the recovery
/// password's format, and not the household's recovery password.
const RECOVERY_SHAPED: &str = "abcd3467xy";

async fn try_login(app: &mut TestApp, path: &'static str, id: &str, password: &str) -> Seen {
    app.client = client();
    seen(app, path, id, app.login(id, password)).await
}

fn assert_one_run_each(all: &[Seen]) {
    let table: Vec<(&str, u64)> = all.iter().map(|s| (s.path, s.runs)).collect();
    assert!(
        all.iter().all(|s| s.runs == 1),
        "argon2 runs per member login: {table:?}"
    );
}

#[tokio::test]
async fn a_member_login_runs_argon2_once_on_every_path() {
    let mut app = super::registered().await;
    let mut all = vec![
        try_login(&mut app, "unknown, wrong", UNKNOWN_ID, WRONG).await,
        try_login(
            &mut app,
            "unknown, recovery-shaped",
            UNKNOWN_ID,
            RECOVERY_SHAPED,
        )
        .await,
        try_login(&mut app, "known, wrong", USER, WRONG).await,
        try_login(&mut app, "known, recovery-shaped", USER, RECOVERY_SHAPED).await,
    ];
    for s in &all {
        assert_eq!(s.answer.0, 422, "{}", s.path);
    }
    let right = try_login(&mut app, "known, right", USER, PASSWORD).await;
    assert_eq!(right.answer.1.as_deref(), Some("/menu"), "known, right");
    all.push(right);
    app.client = client();
    let temporary = temporary_password(&app).await;
    all.push(try_login(&mut app, "pending, wrong", USER, WRONG).await);
    all.push(try_login(&mut app, "pending, recovery-shaped", USER, RECOVERY_SHAPED).await);
    let old = try_login(&mut app, "pending, old password", USER, PASSWORD).await;
    assert_eq!(
        old.answer.1.as_deref(),
        Some("/menu"),
        "pending, old password"
    );
    all.push(old);
    app.client = client();
    let before = super::equal_work::hasher_runs(&app);
    let used = app.login(USER, &temporary).await;
    all.push(Seen {
        path: "pending, the recovery password",
        runs: super::equal_work::hasher_runs(&app) - before,
        answer: (used.status.as_u16(), used.location.clone(), String::new()),
    });
    assert_one_run_each(&all);
    assert_logged_in(&used, "/menu/password");
}

/// A member's own password may have the recovery password's format: with no recovery
/// pending, the one run checks the password, and the login succeeds.
#[tokio::test]
async fn an_own_password_in_the_recovery_format_works() {
    let mut app = super::registered().await;
    let hash = kenpo::auth::hash::hash_blocking(RECOVERY_SHAPED).expect("hash");
    app.store()
        .write(move |w| {
            let mut a = w.get::<Account>(USER_KEY)?.expect("account");
            a.password_hash = hash;
            w.put(USER_KEY, &a)
        })
        .await
        .expect("edit account");
    let seen = try_login(
        &mut app,
        "own password, recovery-shaped",
        USER,
        RECOVERY_SHAPED,
    )
    .await;
    assert_eq!(seen.answer.1.as_deref(), Some("/menu"), "{:?}", seen.answer);
    assert_one_run_each(&[seen]);
}
