//! TOTP: enrolment with a code computed from the secret under the injected clock, then
//! a login that asks for the code; recovery codes work once.

use chrono::Duration;
use kenpo::auth::totp::code_at;
use kenpo::clock::Clock as _;
use reqwest::StatusCode;

use super::{ADMIN, ADMIN_PASSWORD, admin, staff_login, staff_logout};
use crate::app::{TestApp, spawn_app};

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    body.split(start)
        .nth(1)
        .and_then(|s| s.split(end).next())
        .expect("marker")
}

async fn code_step(app: &TestApp, challenge: &str, code: &str) -> crate::app::Page {
    app.post_form(
        "/staff/login",
        "/staff/login/code",
        &[("challenge", challenge), ("code", code)],
    )
    .await
}

async fn password_step(app: &TestApp) -> String {
    let step = staff_login(app, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    assert!(step.body.contains("確認コード"));
    between(&step.body, "name=\"challenge\" value=\"", "\"").to_string()
}

#[tokio::test]
async fn totp_enrolment_and_login_with_a_code_under_an_injected_clock() {
    let app = spawn_app().await;
    admin(&app).await;
    let enrol = app.get("/staff/totp").await;
    assert!(
        enrol.body.contains("<svg") && enrol.body.contains("<path"),
        "QR code inline"
    );
    let secret = between(&enrol.body, "<code class=\"secret\">", "<").to_string();

    let wrong = app
        .post_form("/staff/totp", "/staff/totp", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = code_at(&secret, app.clock.now()).expect("code");
    let done = app
        .post_form("/staff/totp", "/staff/totp", &[("code", &code)])
        .await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    let recovery: Vec<String> = done
        .body
        .split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split('<').next().map(str::to_string))
        .collect();
    assert_eq!(recovery.len(), 10);
    staff_logout(&app).await;

    let challenge = password_step(&app).await;
    assert_eq!(
        app.get("/staff").await.location.as_deref(),
        Some("/staff/login"),
        "no session yet"
    );
    let reused = code_step(&app, &challenge, &code).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code works only once"
    );
    app.clock.advance(Duration::seconds(30));
    let fresh = code_at(&secret, app.clock.now()).expect("code");
    let ok = code_step(&app, &challenge, &fresh).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"), "{}", ok.body);
    assert_eq!(app.get("/staff").await.status, StatusCode::OK);
    staff_logout(&app).await;

    let challenge = password_step(&app).await;
    let ok = code_step(&app, &challenge, &recovery[0]).await;
    assert_eq!(
        ok.location.as_deref(),
        Some("/staff"),
        "a recovery code instead"
    );
    staff_logout(&app).await;
    let challenge = password_step(&app).await;
    let again = code_step(&app, &challenge, &recovery[0]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "each recovery code once"
    );

    app.clock.advance(Duration::minutes(6));
    let late = code_at(&secret, app.clock.now()).expect("code");
    let expired = code_step(&app, &challenge, &late).await;
    assert!(
        expired.body.contains("もう一度ログイン"),
        "the code step lasts five minutes"
    );
}
