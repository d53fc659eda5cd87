//! TOTP: enrolment with a code computed from the secret under the injected clock, then
//! a login that asks for the code; recovery codes work once.

use chrono::Duration;
use kenpo::auth::model::StaffAccount;
use kenpo::auth::totp::code_at;
use kenpo::clock::Clock as _;
use reqwest::StatusCode;

use super::login::audit;
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

/// 「設定を始める」: the secret is made by a POST, then the page shows it.
async fn start_enrolment(app: &TestApp) -> crate::app::Page {
    let started = app.post_form("/staff/totp", "/staff/totp/start", &[]).await;
    assert_eq!(started.location.as_deref(), Some("/staff/totp"));
    app.get("/staff/totp").await
}

/// Enrols the logged-in admin; returns the secret.
async fn enrol(app: &TestApp) -> String {
    let page = start_enrolment(app).await;
    let secret = between(&page.body, "<code class=\"secret\">", "<").to_string();
    let code = code_at(&secret, app.clock.now()).expect("code");
    let done = app
        .post_form("/staff/totp", "/staff/totp", &[("code", &code)])
        .await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    secret
}

async fn admin_account(app: &TestApp) -> StaffAccount {
    app.running
        .as_ref()
        .expect("running")
        .state
        .store
        .read(|r| r.get::<StaffAccount>(ADMIN))
        .await
        .expect("read")
        .expect("admin")
}

async fn disable(app: &TestApp, proof: &str) -> crate::app::Page {
    app.post_form(
        "/staff/totp/disable",
        "/staff/totp/disable",
        &[("proof", proof)],
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
    let enrol = start_enrolment(&app).await;
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

#[tokio::test]
async fn showing_the_totp_page_writes_nothing() {
    let app = spawn_app().await;
    admin(&app).await;
    let page = app.get("/staff/totp").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/staff/totp/start"), "{}", page.body);
    assert!(!page.body.contains("<svg"), "no secret before the POST");
    assert!(admin_account(&app).await.totp_pending.is_none());
    let shown = start_enrolment(&app).await;
    assert!(shown.body.contains("<code class=\"secret\">"));
    let pending = admin_account(&app).await.totp_pending;
    assert!(pending.is_some());
    app.get("/staff/totp").await;
    assert_eq!(
        admin_account(&app).await.totp_pending,
        pending,
        "the same secret"
    );
}

#[tokio::test]
async fn turning_totp_off_asks_for_the_password_or_a_current_code() {
    let app = spawn_app().await;
    admin(&app).await;
    enrol(&app).await;
    let form = app.get("/staff/totp/disable").await;
    assert!(form.body.contains("name=\"proof\""), "{}", form.body);

    for proof in ["", "wrong-passphrase-1", "000000"] {
        let refused = disable(&app, proof).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{proof:?}"
        );
        assert!(admin_account(&app).await.totp.is_some(), "still on");
    }
    let rows = audit(&app).await;
    assert!(
        rows.iter()
            .any(|e| e.action == "staff.totp_disable_refused")
    );
    assert!(!rows.iter().any(|e| e.action == "staff.totp_disabled"));

    app.clock.advance(Duration::minutes(5));
    let off = disable(&app, ADMIN_PASSWORD).await;
    assert_eq!(off.location.as_deref(), Some("/staff/totp"), "{}", off.body);
    assert!(admin_account(&app).await.totp.is_none());

    app.clock.advance(Duration::minutes(1));
    let secret = enrol(&app).await;
    app.clock.advance(Duration::seconds(30));
    let code = code_at(&secret, app.clock.now()).expect("code");
    let off = disable(&app, &code).await;
    assert_eq!(off.location.as_deref(), Some("/staff/totp"), "{}", off.body);
    assert!(admin_account(&app).await.totp.is_none());
    let details: Vec<String> = audit(&app)
        .await
        .into_iter()
        .filter(|e| e.action == "staff.totp_disabled")
        .filter_map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        ["re-authenticated by password", "re-authenticated by code"]
    );
}

#[tokio::test]
async fn an_admin_cannot_reset_their_own_totp_without_re_authenticating() {
    let app = spawn_app().await;
    admin(&app).await;
    enrol(&app).await;
    let page = app
        .post_form(
            "/staff/accounts/admin",
            "/staff/accounts/admin/totp-reset",
            &[],
        )
        .await;
    assert!(page.body.contains("本人確認"), "{}", page.body);
    assert!(admin_account(&app).await.totp.is_some());
}

/// Issue #10 item 5: a copy of the data file must not carry the second factor along.
#[tokio::test]
async fn the_totp_secret_is_not_in_the_data_file_while_pending_or_enrolled() {
    let app = spawn_app().await;
    admin(&app).await;
    let page = start_enrolment(&app).await;
    let pending = between(&page.body, "<code class=\"secret\">", "<").to_string();
    let raw = std::fs::read(&app.data).expect("read the data file");
    assert!(
        !raw.windows(pending.len()).any(|w| w == pending.as_bytes()),
        "the pending TOTP secret is in the data file"
    );
    let code = code_at(&pending, app.clock.now()).expect("code");
    let done = app
        .post_form("/staff/totp", "/staff/totp", &[("code", &code)])
        .await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    let raw = std::fs::read(&app.data).expect("read the data file");
    assert!(
        !raw.windows(pending.len()).any(|w| w == pending.as_bytes()),
        "the TOTP secret is in the data file"
    );
    // Still a working second factor.
    staff_logout(&app).await;
    let challenge = password_step(&app).await;
    app.clock.advance(Duration::seconds(30));
    let fresh = code_at(&pending, app.clock.now()).expect("code");
    let ok = code_step(&app, &challenge, &fresh).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"), "{}", ok.body);
}
