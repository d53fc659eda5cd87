//! Login and both recovery forms answer the same, in about the same time, whether or not
//! the account exists: same status, same body apart from the CSRF token (and the ID the
//! member typed, echoed back), and medians of 20 interleaved tries within 50 ms.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;

use super::{EMAIL, PASSWORD, USER, assert_logged_in, forgot_id, forgot_password, registered};
use crate::app::{Page, TestApp, client, csrf_of};
use crate::registration::BIRTH;

const TRIES: usize = 20;

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

fn median(mut v: Vec<StdDuration>) -> StdDuration {
    v.sort();
    v[v.len() / 2]
}

#[derive(Clone, Copy)]
enum Form {
    Login,
    ForgotId,
    ForgotPassword,
}

const UNKNOWN_ID: &str = "Nobody.Here1";

/// One try of `form`, for the registered account or for nobody.
async fn attempt(app: &TestApp, form: Form, known: bool) -> Page {
    let id = if known { USER } else { UNKNOWN_ID };
    match form {
        Form::Login => {
            let fields = [("user_id", id), ("password", "wrong-password-1")];
            app.post_form("/", "/", &fields).await
        }
        Form::ForgotId => {
            let email = if known { EMAIL } else { "nobody@example.jp" };
            forgot_id(app, email, BIRTH).await
        }
        Form::ForgotPassword => forgot_password(app, id, EMAIL, BIRTH).await,
    }
}

/// Runs known and unknown tries interleaved (the order alternating); checks the answers
/// are identical and the medians within 50 ms.
async fn compare(form: Form) {
    let mut app = registered().await;
    let mut times = (Vec::new(), Vec::new());
    for round in 0..TRIES {
        // Past every throttle window, so each try does the full work.
        app.clock.advance(Duration::hours(25));
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        let mut answers = Vec::new();
        for known in order {
            let started = Instant::now();
            let page = attempt(&app, form, known).await;
            let took = started.elapsed();
            let typed = if known { USER } else { UNKNOWN_ID };
            if known {
                times.0.push(took);
            } else {
                times.1.push(took);
            }
            answers.push(normalised(&page, typed));
        }
        assert_eq!(answers[0], answers[1], "round {round}");
        // A success resets the account's consecutive failures between rounds.
        app.client = client();
        assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
        app.client = client();
    }
    let (known, unknown) = (median(times.0), median(times.1));
    let gap = known.abs_diff(unknown);
    assert!(
        gap < StdDuration::from_millis(50),
        "medians {known:?} vs {unknown:?}"
    );
}

#[tokio::test]
async fn login_answers_the_same_for_known_and_unknown_ids() {
    compare(Form::Login).await;
}

#[tokio::test]
async fn forgot_id_answers_the_same_whether_or_not_anything_matches() {
    compare(Form::ForgotId).await;
}

#[tokio::test]
async fn forgot_password_answers_the_same_whether_or_not_anything_matches() {
    compare(Form::ForgotPassword).await;
}
