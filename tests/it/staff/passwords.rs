//! Staff passwords: each staff member changes their own after giving the current one; a
//! 管理者 resets others' (ending their sessions), never their own without it; and
//! `kenpo staff add` never silently replaces an existing account.

use kenpo::auth::model::{StaffAccount, StaffRole};
use kenpo::jobs::Job;
use reqwest::StatusCode;

use super::login::audit;
use super::{
    ADMIN, ADMIN_PASSWORD, CLERK, CLERK_PASSWORD, admin, clerk, staff_login, staff_logout,
};
use crate::app::{TestApp, client, csrf_of, spawn_app};

const NEW_PASSWORD: &str = "Renewed-staff-pass-2027";

/// Logs `login` in on a second browser; returns it.
async fn second_browser(app: &TestApp, login: &str, password: &str) -> reqwest::Client {
    let other = client();
    let form = other
        .get(format!("{}/staff/login", app.url))
        .send()
        .await
        .expect("GET");
    let token = csrf_of(&form.text().await.expect("body"));
    let done = other
        .post(format!("{}/staff/login", app.url))
        .form(&[("login", login), ("password", password), ("csrf", &token)])
        .send()
        .await
        .expect("login");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(app, &other, "/staff").await, StatusCode::OK);
    other
}

async fn status_of(app: &TestApp, browser: &reqwest::Client, path: &str) -> StatusCode {
    browser
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .expect("GET")
        .status()
}

async fn account(app: &TestApp, login: &str) -> StaffAccount {
    let key = login.to_string();
    app.running
        .as_ref()
        .expect("running")
        .state
        .store
        .read(move |r| r.get::<StaffAccount>(&key))
        .await
        .expect("read")
        .expect("account")
}

async fn change(app: &TestApp, current: &str, new: &str, confirmation: &str) -> crate::app::Page {
    app.post_form(
        "/staff/password",
        "/staff/password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("confirmation", confirmation),
        ],
    )
    .await
}

#[tokio::test]
async fn a_staff_member_changes_their_own_password_after_giving_the_current_one() {
    let app = spawn_app().await;
    admin(&app).await;
    let other = second_browser(&app, ADMIN, ADMIN_PASSWORD).await;
    let form = app.get("/staff/password").await;
    assert_eq!(form.status, StatusCode::OK, "a page of its own");
    assert!(
        form.body.contains("name=\"current_password\""),
        "{}",
        form.body
    );

    let wrong = change(&app, "not-the-password-1", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("現在のパスワードが正しくありません"),
        "{}",
        wrong.body
    );
    let mismatch = change(
        &app,
        ADMIN_PASSWORD,
        NEW_PASSWORD,
        "Renewed-staff-pass-2028",
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("一致しません"), "{}", mismatch.body);
    let no_digit = change(
        &app,
        ADMIN_PASSWORD,
        "only-letters-here",
        "only-letters-here",
    )
    .await;
    assert!(
        no_digit.body.contains("英字と数字"),
        "the domain rules: {}",
        no_digit.body
    );
    let short = change(&app, ADMIN_PASSWORD, "short-pw-1", "short-pw-1").await;
    assert!(
        short.body.contains("12文字以上"),
        "the staff minimum: {}",
        short.body
    );
    let before = account(&app, ADMIN).await.password_hash;
    assert_eq!(status_of(&app, &other, "/staff").await, StatusCode::OK);

    let done = change(&app, ADMIN_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("パスワードを変更しました"),
        "{}",
        done.body
    );
    assert_ne!(account(&app, ADMIN).await.password_hash, before);
    assert_eq!(
        app.get("/staff").await.status,
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        status_of(&app, &other, "/staff").await,
        StatusCode::SEE_OTHER,
        "the account's other sessions end"
    );
    let rows = audit(&app).await;
    assert!(
        rows.iter()
            .any(|e| e.action == "staff.password_changed" && e.actor == "staff:admin"),
        "audited"
    );
    staff_logout(&app).await;
    let old = staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = staff_login(&app, ADMIN, NEW_PASSWORD).await;
    assert_eq!(new.location.as_deref(), Some("/staff"));
}

#[tokio::test]
async fn an_admin_cannot_reset_their_own_password_without_the_current_one() {
    let app = spawn_app().await;
    admin(&app).await;
    let before = account(&app, ADMIN).await.password_hash;
    let page = app
        .post_form(
            "/staff/accounts/admin",
            "/staff/accounts/admin/password",
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(
        account(&app, ADMIN).await.password_hash,
        before,
        "not reset: {}",
        page.body
    );
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("/staff/password"), "{}", page.body);
}

#[tokio::test]
async fn an_admin_resetting_a_clerks_password_ends_the_clerks_sessions_and_is_audited() {
    let app = spawn_app().await;
    clerk(&app).await;
    staff_logout(&app).await;
    let clerk_browser = second_browser(&app, CLERK, CLERK_PASSWORD).await;
    staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    let reset = app
        .post_form(
            "/staff/accounts/tanaka",
            "/staff/accounts/tanaka/password",
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert!(
        reset.body.contains("パスワードを再設定しました"),
        "{}",
        reset.body
    );
    assert_eq!(
        status_of(&app, &clerk_browser, "/staff").await,
        StatusCode::SEE_OTHER
    );
    assert!(audit(&app).await.iter().any(|e| {
        e.action == "staff.password_reset"
            && e.actor == "staff:admin"
            && e.target.as_deref() == Some(CLERK)
    }));
}

#[tokio::test]
async fn staff_add_refuses_an_existing_login_and_a_reset_keeps_the_role_and_ends_sessions() {
    let app = spawn_app().await;
    clerk(&app).await;
    let data = app.data.clone();
    let again = tokio::task::spawn_blocking(move || {
        let mut io = crate::app::CapturedIo::default();
        kenpo::control::run_remote(
            &data,
            Job::StaffAdd {
                login: CLERK.into(),
                password: "another-long-passphrase".into(),
            },
            None,
            &mut io,
        )
        .map(|()| io.said)
    })
    .await
    .expect("join");
    let said = again.expect_err("staff add on an existing login is refused");
    assert!(said.to_string().contains("--reset"), "{said}");
    assert_eq!(account(&app, CLERK).await.role, StaffRole::Clerk);
    assert_eq!(
        app.get("/staff").await.status,
        StatusCode::OK,
        "nothing ended"
    );

    let out = crate::foundation::kenpo(
        &app,
        &["staff", "add", CLERK, "--reset"],
        &format!("{NEW_PASSWORD}\n"),
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reset = account(&app, CLERK).await;
    assert_eq!(reset.role, StaffRole::Clerk, "a reset keeps the role");
    assert_eq!(
        app.get("/staff").await.location.as_deref(),
        Some("/staff/login"),
        "the account's sessions end"
    );
    assert!(audit(&app).await.iter().any(|e| {
        e.action == "staff.password_reset" && e.actor == "cli" && e.target.as_deref() == Some(CLERK)
    }));
    let new = staff_login(&app, CLERK, NEW_PASSWORD).await;
    assert_eq!(new.location.as_deref(), Some("/staff"), "{}", new.body);
}
