//! A member login costs the same argon2 work for the same kind of input on every path
//! (issue #13): known or unknown ID, right or wrong password, a recovery password pending
//! or not. Input in the recovery password's (public) format costs two runs, anything else
//! one: the work follows from what was typed and from nothing an attacker cannot see.
//! Proved by counting the runs on the app's hasher; no time is measured.

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

/// Two runs for input in the recovery format, one for any other.
fn expected_runs(typed: &str) -> u64 {
    if kenpo::auth::tokens::has_temporary_password_format(typed) {
        2
    } else {
        1
    }
}

fn assert_runs_by_input(all: &[(Seen, String)]) {
    let table: Vec<(&str, u64, u64)> = all
        .iter()
        .map(|(s, typed)| (s.path, s.runs, expected_runs(typed)))
        .collect();
    assert!(
        table.iter().all(|(_, runs, expected)| runs == expected),
        "argon2 runs per member login (path, runs, expected): {table:?}"
    );
}

#[tokio::test]
async fn a_member_login_runs_the_same_argon2_work_for_the_same_kind_of_input() {
    let mut app = super::registered().await;
    let mut all = Vec::new();
    for (path, id, typed) in [
        ("unknown, wrong", UNKNOWN_ID, WRONG),
        ("unknown, recovery-shaped", UNKNOWN_ID, RECOVERY_SHAPED),
        ("known, wrong", USER, WRONG),
        ("known, recovery-shaped", USER, RECOVERY_SHAPED),
    ] {
        let seen = try_login(&mut app, path, id, typed).await;
        assert_eq!(seen.answer.0, 422, "{path}");
        all.push((seen, typed.to_string()));
    }
    let right = try_login(&mut app, "known, right", USER, PASSWORD).await;
    assert_eq!(right.answer.1.as_deref(), Some("/menu"), "known, right");
    all.push((right, PASSWORD.to_string()));
    app.client = client();
    let temporary = temporary_password(&app).await;
    for (path, typed) in [
        ("pending, wrong", WRONG),
        ("pending, recovery-shaped", RECOVERY_SHAPED),
    ] {
        let seen = try_login(&mut app, path, USER, typed).await;
        all.push((seen, typed.to_string()));
    }
    let old = try_login(&mut app, "pending, old password", USER, PASSWORD).await;
    assert_eq!(
        old.answer.1.as_deref(),
        Some("/menu"),
        "pending, old password"
    );
    all.push((old, PASSWORD.to_string()));
    app.client = client();
    let before = super::equal_work::hasher_runs(&app);
    let used = app.login(USER, &temporary).await;
    all.push((
        Seen {
            path: "pending, the recovery password",
            runs: super::equal_work::hasher_runs(&app) - before,
            answer: (used.status.as_u16(), used.location.clone(), String::new()),
        },
        temporary.clone(),
    ));
    assert_runs_by_input(&all);
    assert_logged_in(&used, "/menu/password");
}

/// A member's own password may have the recovery password's format, and it keeps working
/// while a recovery password is pending (SPEC §4: "The old password keeps working until the
/// temporary one is used").
#[tokio::test]
async fn an_own_password_in_the_recovery_format_works_with_a_recovery_pending() {
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
    let none_pending = try_login(&mut app, "own, none pending", USER, RECOVERY_SHAPED).await;
    assert_eq!(
        none_pending.answer.1.as_deref(),
        Some("/menu"),
        "{:?}",
        none_pending.answer
    );
    app.client = client();
    let _temporary = temporary_password(&app).await;
    let pending = try_login(&mut app, "own, pending", USER, RECOVERY_SHAPED).await;
    assert_eq!(pending.runs, 2, "recovery-shaped input: two runs");
    assert_eq!(
        pending.answer.1.as_deref(),
        Some("/menu"),
        "the own password failed while a recovery was pending: {:?}",
        pending.answer
    );
}
