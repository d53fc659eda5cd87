//! Per-address throttling behind a trusted proxy, and the daily sweep of sessions and
//! throttle counts.

use chrono::Duration;

use crate::app::spawn_app;
use crate::registration::first_card;

#[tokio::test]
async fn behind_a_trusted_proxy_each_member_is_throttled_by_their_own_address() {
    let app = crate::app::spawn_app_behind_proxy().await;
    let card = first_card(&app).await;
    let login_from = |ip: &'static str, id: String, pw: String| {
        let app = &app;
        async move {
            let token = crate::app::csrf_of(&app.get("/").await.body);
            let fields = [
                ("user_id", id.as_str()),
                ("password", pw.as_str()),
                ("csrf", token.as_str()),
            ];
            let resp = app
                .client
                .post(format!("{}/", app.url))
                .header("x-forwarded-for", format!("198.51.100.9, {ip}"))
                .form(&fields)
                .send()
                .await
                .expect("post");
            resp.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        }
    };
    for n in 0..11 {
        login_from(
            "203.0.113.5",
            format!("nobody{n:04}x"),
            "wrong-pass1".into(),
        )
        .await;
    }
    let throttled = login_from(
        "203.0.113.5",
        card.temp_id.clone(),
        card.temp_password.clone(),
    )
    .await;
    assert_eq!(throttled, None, "the address that failed is throttled");
    let neighbour = login_from(
        "203.0.113.6",
        card.temp_id.clone(),
        card.temp_password.clone(),
    )
    .await;
    assert_eq!(
        neighbour.as_deref(),
        Some("/register/identity"),
        "another member behind the proxy is not"
    );
    let store = app.store();
    let clients: Vec<Option<String>> = store
        .read(|r| {
            Ok::<_, anyhow::Error>(
                r.scan::<kenpo::audit::AuditEntry>("")?
                    .into_iter()
                    .map(|(_, e)| e.client)
                    .collect(),
            )
        })
        .await
        .expect("audit");
    assert!(
        clients.iter().any(|c| c.as_deref() == Some("203.0.113.5")),
        "the audit log names the member's address"
    );
    assert!(
        !clients.iter().any(|c| c.as_deref() == Some("198.51.100.9")),
        "a spoofed left-most hop is ignored"
    );
}

#[tokio::test]
async fn the_daily_sweep_removes_expired_sessions_and_keeps_live_ones() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    let store = app.store();
    let count = |store: kenpo::store::Store| async move {
        store
            .read(|r| r.count::<kenpo::auth::model::Session>())
            .await
            .expect("count")
    };
    let now = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    let removed = tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, now))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(
        (removed, count(store.clone()).await),
        (0, 1),
        "a live session stays"
    );
    app.clock.advance(Duration::minutes(31));
    let later = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    let removed = tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, later))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(
        (removed, count(store).await),
        (1, 0),
        "an idle one is removed"
    );
}

#[tokio::test]
async fn the_daily_sweep_forgets_throttle_counts_after_a_quiet_day() {
    let app = spawn_app().await;
    app.login("nobody.here1", "wrong-pass1").await;
    let store = app.store();
    let rows = |store: kenpo::store::Store| async move {
        store
            .read(|r| r.count::<kenpo::auth::throttle::Attempts>())
            .await
            .expect("count")
    };
    assert_eq!(
        rows(store.clone()).await,
        1,
        "the address's failure is counted"
    );
    app.clock.advance(Duration::hours(26));
    let later = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, later))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(rows(store).await, 0);
}
