//! SPEC §5.6 against the running app with an injected clock.

use chrono::{DateTime, TimeZone as _, Utc};
use kenpo::clock::JST;
use reqwest::StatusCode;

use crate::app::{TestApp, spawn_app};

fn jst(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    JST.with_ymd_and_hms(2026, 11, d, h, m, 0)
        .single()
        .expect("valid")
        .with_timezone(&Utc)
}

/// Logs the 管理者 in (created, without the staff MFA requirement, on the first call).
async fn staff_login(app: &TestApp) {
    let store = app.running.as_ref().expect("running").state.store.clone();
    let exists = store
        .read(|r| r.get::<kenpo::auth::model::StaffAccount>("admin"))
        .await
        .expect("read");
    if exists.is_none() {
        crate::staff::add_admin(app).await;
    }
    let fields = [("login", "admin"), ("password", "a-long-staff-passphrase")];
    let ok = app.post_form("/staff/login", "/staff/login", &fields).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"));
}

#[tokio::test]
async fn member_pages_answer_503_inside_the_window_and_staff_pages_keep_working() {
    let app = spawn_app().await;
    staff_login(&app).await;
    let login = app.get("/").await;
    assert!(
        login
            .body
            .contains("次回のメンテナンス：2026年11月25日(水) 21:00～24:00"),
        "{}",
        login.body
    );

    app.clock.set(jst(25, 21, 0));
    for path in ["/", "/menu", "/register/identity", "/terms", "/nowhere"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(
            page.headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("10800"),
            "{path}"
        );
        assert!(page.body.contains("メンテナンス"), "{path}");
        assert!(page.headers.get("content-security-policy").is_some());
    }
    staff_login(&app).await; // the staff session idled out while the clock jumped
    assert_eq!(
        app.get("/staff").await.status,
        StatusCode::OK,
        "staff pages keep working"
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/assets/kenpo.css").await.status, StatusCode::OK);

    app.clock.set(jst(26, 0, 0));
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "normal after the window"
    );
}

#[tokio::test]
async fn staff_add_and_cancel_a_one_off_window() {
    let app = spawn_app().await;
    staff_login(&app).await;
    let fields = [
        ("start", "2026-11-03T09:00"),
        ("end", "2026-11-03T10:30"),
        ("note", "upgrade"),
    ];
    let added = app
        .post_form("/staff/maintenance", "/staff/maintenance/windows", &fields)
        .await;
    assert_eq!(added.location.as_deref(), Some("/staff/maintenance"));
    let bad = [
        ("start", "2026-11-03T09:00"),
        ("end", "2026-11-03T08:00"),
        ("note", ""),
    ];
    let refused = app
        .post_form("/staff/maintenance", "/staff/maintenance/windows", &bad)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("終了日時は開始日時より後"));

    app.clock.set(jst(3, 9, 30));
    let during = app.get("/").await;
    assert_eq!(during.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        during
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("3600")
    );

    staff_login(&app).await;
    let list = app.get("/staff/maintenance").await.body;
    let id = list
        .split("/staff/maintenance/windows/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a cancel form");
    let cancelled = app
        .post_form(
            "/staff/maintenance",
            &format!("/staff/maintenance/windows/{id}/cancel"),
            &[],
        )
        .await;
    assert_eq!(cancelled.location.as_deref(), Some("/staff/maintenance"));
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "cancelled window no longer applies"
    );
}

#[tokio::test]
async fn staff_can_switch_the_rule_off_and_move_it() {
    let app = spawn_app().await;
    staff_login(&app).await;
    let moved = [
        ("enabled", "on"),
        ("day", "10"),
        ("start_hour", "22"),
        ("end_hour", "26"),
    ];
    app.post_form("/staff/maintenance", "/staff/maintenance/rule", &moved)
        .await;
    assert!(
        app.get("/")
            .await
            .body
            .contains("2026年11月10日(火) 22:00～翌02:00")
    );
    let off = [("day", "10"), ("start_hour", "22"), ("end_hour", "26")];
    app.post_form("/staff/maintenance", "/staff/maintenance/rule", &off)
        .await;
    app.clock.set(jst(25, 22, 0));
    assert_eq!(app.get("/").await.status, StatusCode::OK, "the rule is off");
    staff_login(&app).await;
    let bad = [
        ("enabled", "on"),
        ("day", "40"),
        ("start_hour", "22"),
        ("end_hour", "26"),
    ];
    let refused = app
        .post_form("/staff/maintenance", "/staff/maintenance/rule", &bad)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_menu_warns_during_the_day_before_a_window() {
    let app = spawn_app().await;
    let card = crate::registration::first_card(&app).await;
    crate::registration::up_to_confirm(&app, &card, "Yamada.Taro").await;
    crate::registration::execute(&app).await;
    app.get("/register/done").await;
    assert!(
        !app.get("/menu")
            .await
            .body
            .contains("メンテナンスのお知らせ")
    );
    app.clock.set(jst(24, 21, 30));
    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    fresh.login("Yamada.Taro", "sakura2026go").await;
    assert!(
        fresh
            .get("/menu")
            .await
            .body
            .contains("メンテナンスのお知らせ：2026年11月25日(水) 21:00～24:00")
    );
}

#[tokio::test]
async fn a_wizard_interrupted_by_maintenance_keeps_its_postcard() {
    let app = spawn_app().await;
    let card = crate::registration::first_card(&app).await;
    app.clock.set(jst(25, 20, 50));
    app.login(&card.temp_id, &card.temp_password).await;
    app.clock.set(jst(25, 21, 5));
    assert_eq!(
        app.get("/register/identity").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.clock.set(jst(26, 0, 5));
    let again = app.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        again.location.as_deref(),
        Some("/register/identity"),
        "the postcard still works"
    );
}
