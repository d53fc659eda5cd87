//! Session lifetimes on the injected clock: idle 30 minutes, absolute 12 hours.

use chrono::Duration;
use kenpo::auth::model::{Session, SessionKind};
use reqwest::StatusCode;

use super::{PASSWORD, USER, assert_logged_in, registered};

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = registered().await;
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get("/menu").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get("/menu").await.status,
        StatusCode::OK,
        "use keeps it alive"
    );
    app.clock.advance(Duration::minutes(30));
    let ended = app.get("/menu").await;
    assert_eq!(ended.location.as_deref(), Some("/?expired=1"));
    assert!(
        app.get("/?expired=1")
            .await
            .body
            .contains("一定時間操作がなかったため")
    );
}

#[tokio::test]
async fn a_session_ends_after_twelve_hours_however_busy() {
    let app = registered().await;
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(app.get("/menu").await.status, StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        app.get("/menu").await.location.as_deref(),
        Some("/?expired=1")
    );
}

#[tokio::test]
async fn login_rotates_the_session_id() {
    let app = registered().await;
    let first = app.login(USER, PASSWORD).await;
    // Logging in again over a live session (any page's form carries the CSRF token).
    let fields = [("user_id", USER), ("password", PASSWORD)];
    let second = app.post_form("/menu", "/", &fields).await;
    let cookie = |p: &crate::app::Page| {
        p.headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .expect("a session cookie")
    };
    assert_ne!(cookie(&first), cookie(&second));
    let sessions = app
        .store()
        .read(|r| r.scan::<Session>(""))
        .await
        .expect("scan");
    let members = sessions
        .iter()
        .filter(|(_, s)| matches!(s.kind, SessionKind::Member { .. }))
        .count();
    assert_eq!(members, 1, "the old session ended");
}
