//! 「職員の二要素認証を必須にする」: on by default; a staff member without TOTP goes from the
//! password straight to enrolment and reaches nothing else until it is done.

use kenpo::auth::totp::code_at;
use kenpo::clock::Clock as _;
use kenpo::jobs::Job;
use reqwest::StatusCode;

use super::login::audit;
use super::{ADMIN, ADMIN_PASSWORD, admin, staff_login};
use crate::app::{TestApp, remote, spawn_app};

/// Every staff page but enrolment and logout (GET).
const ELSEWHERE: &[&str] = &[
    "/staff",
    "/staff/households?q=1201",
    "/staff/households/1201-105",
    "/staff/import",
    "/staff/export/members.csv",
    "/staff/postcards",
    "/staff/notices",
    "/staff/outbox",
    "/staff/stats",
    "/staff/audit",
    "/staff/accounts",
    "/staff/settings",
    "/staff/maintenance",
    "/staff/password",
];

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    body.split(start)
        .nth(1)
        .and_then(|s| s.split(end).next())
        .expect("marker")
}

/// `kenpo staff add admin` with the data file's settings as they are; what it said.
async fn add_admin_as_installed(app: &TestApp) -> Vec<String> {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(
            &data,
            Job::StaffAdd {
                login: ADMIN.into(),
                password: ADMIN_PASSWORD.into(),
            },
            None,
        )
    })
    .await
    .expect("join")
    .said
}

#[tokio::test]
async fn by_default_a_staff_member_without_totp_goes_from_the_password_to_enrolment_only() {
    let app = spawn_app().await;
    let said = add_admin_as_installed(&app).await;
    let login = staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/staff/totp"),
        "right after the password: {}",
        login.body
    );
    for path in ELSEWHERE {
        let page = app.get(path).await;
        assert_eq!(page.location.as_deref(), Some("/staff/totp"), "{path}");
        assert!(!page.body.contains("1201"), "{path}");
    }
    let post = app
        .post_form(
            "/staff/totp",
            "/staff/accounts",
            &[
                ("login", "intruder"),
                ("role", "admin"),
                ("password", "a-long-staff-passphrase"),
            ],
        )
        .await;
    assert_eq!(post.location.as_deref(), Some("/staff/totp"));
    let enrol = app.get("/staff/totp").await;
    assert_eq!(enrol.status, StatusCode::OK);
    assert!(enrol.body.contains("/staff/totp/start"), "{}", enrol.body);
    assert!(
        !enrol.body.contains("href=\"/staff/households\""),
        "no menu before enrolment: {}",
        enrol.body
    );

    let started = app.post_form("/staff/totp", "/staff/totp/start", &[]).await;
    assert_eq!(started.location.as_deref(), Some("/staff/totp"));
    let shown = app.get("/staff/totp").await;
    let secret = between(&shown.body, "<code class=\"secret\">", "<").to_string();
    let code = code_at(&secret, app.clock.now()).expect("code");
    let done = app
        .post_form("/staff/totp", "/staff/totp", &[("code", &code)])
        .await;
    assert!(done.body.contains("回復コード"), "{}", done.body);
    assert_eq!(app.get("/staff").await.status, StatusCode::OK);
    assert!(
        said.iter().any(|l| l.contains("二要素認証")),
        "staff add says that the first login asks for enrolment: {said:?}"
    );
    let accounts = audit(&app).await;
    assert!(
        !accounts
            .iter()
            .any(|e| e.target.as_deref() == Some("intruder"))
    );
}

#[tokio::test]
async fn a_staff_member_without_totp_may_log_out_from_enrolment() {
    let app = spawn_app().await;
    add_admin_as_installed(&app).await;
    staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    let out = app.post_form("/staff/totp", "/staff/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/staff/login"));
    assert_eq!(
        app.get("/staff/totp").await.location.as_deref(),
        Some("/staff/login")
    );
}

#[tokio::test]
async fn an_admin_switches_the_setting_and_it_applies_to_open_sessions() {
    let app = spawn_app().await;
    admin(&app).await;
    let form = app.get("/staff/settings").await;
    assert!(
        form.body.contains("職員の二要素認証を必須にする"),
        "{}",
        form.body
    );
    let checkbox = between(&form.body, "name=\"staff_totp_required\"", ">");
    assert!(!checkbox.contains("checked"), "off in this test's setup");
    let mut fields = vec![
        ("union_name", "テスト健康保険組合"),
        ("insurer_number", "06131114"),
        ("service_name", "けんぽWeb"),
        ("credential_validity_days", "90"),
        ("temp_id_max_failures", "5"),
        ("temp_id_lock_minutes", "30"),
        ("session_idle_minutes", "30"),
        ("session_absolute_hours", "12"),
        ("password_max_age_days", "1825"),
        ("retention_months", "60"),
        ("staff_totp_field", "1"),
    ];
    fields.push(("staff_totp_required", "on"));
    let saved = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert!(saved.body.contains("設定を保存しました"), "{}", saved.body);
    let changed = audit(&app)
        .await
        .into_iter()
        .filter(|e| e.action == "settings.changed")
        .filter_map(|e| e.detail)
        .collect::<Vec<_>>();
    assert!(
        changed.iter().any(|d| d.contains("staff_totp_required")),
        "{changed:?}"
    );
    assert_eq!(
        app.get("/staff/settings").await.location.as_deref(),
        Some("/staff/totp"),
        "the open session of an admin without TOTP now reaches enrolment only"
    );
}

#[tokio::test]
async fn while_it_is_required_a_staff_member_cannot_turn_their_totp_off() {
    let app = spawn_app().await;
    add_admin_as_installed(&app).await;
    staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    app.post_form("/staff/totp", "/staff/totp/start", &[]).await;
    let shown = app.get("/staff/totp").await;
    let secret = between(&shown.body, "<code class=\"secret\">", "<").to_string();
    let code = code_at(&secret, app.clock.now()).expect("code");
    app.post_form("/staff/totp", "/staff/totp", &[("code", &code)])
        .await;
    let page = app.get("/staff/totp").await;
    assert!(!page.body.contains("/staff/totp/disable"), "{}", page.body);
    let refused = app
        .post_form(
            "/staff/totp",
            "/staff/totp/disable",
            &[("proof", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("必須"), "{}", refused.body);
    assert!(
        !audit(&app)
            .await
            .iter()
            .any(|e| e.action == "staff.totp_disabled"),
        "still on"
    );
}
