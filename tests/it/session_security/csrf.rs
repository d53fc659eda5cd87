//! A CSRF token is bound to the session it was minted for, as well as to the browser's
//! CSRF cookie: copied together with that cookie into another session, it is refused.

use chrono::Duration;
use reqwest::StatusCode;

use super::{OTHER_KEY, OTHER_USER, PASSWORD, RawBrowser, account_of, register_second_household};
use crate::account::{USER, register};
use crate::app::{csrf_of, spawn_app};

const NOTIFY: &str = "/menu/profile/notify";

#[tokio::test]
async fn a_token_and_csrf_cookie_copied_from_one_household_are_refused_in_another_session() {
    let mut app = spawn_app().await;
    register(&app).await;
    register_second_household(&mut app).await;
    let mut a = RawBrowser::new(&app);
    a.login(USER, PASSWORD).await;
    let token_a = csrf_of(&a.get("/menu/profile").await.body);
    let csrf_cookie_a = a.cookie("kenpo_csrf");
    let mut b = RawBrowser::new(&app);
    b.login(OTHER_USER, PASSWORD).await;
    let session_b = b.cookie("kenpo_session");
    assert!(account_of(&app, OTHER_KEY).await.notify);

    // A's page token and CSRF cookie, replayed with B's session: notify off for B.
    let cookie = format!("kenpo_csrf={csrf_cookie_a}; kenpo_session={session_b}");
    let replay = b
        .post_raw(NOTIFY, &cookie, &[("csrf", &token_a)], &[])
        .await;
    assert_eq!(
        replay.status,
        StatusCode::FORBIDDEN,
        "{:?}",
        replay.location
    );
    let header = b
        .post_raw(NOTIFY, &cookie, &[], &[("x-csrf-token", &token_a)])
        .await;
    assert_eq!(
        header.status,
        StatusCode::FORBIDDEN,
        "{:?}",
        header.location
    );
    assert!(
        account_of(&app, OTHER_KEY).await.notify,
        "nothing changed for B"
    );

    // The same request with B's own token passes (the refusal was the binding).
    let token_b = csrf_of(&b.get("/menu/profile").await.body);
    let csrf_cookie_b = b.cookie("kenpo_csrf");
    let own = format!("kenpo_csrf={csrf_cookie_b}; kenpo_session={session_b}");
    let ok = b.post_raw(NOTIFY, &own, &[("csrf", &token_b)], &[]).await;
    assert_eq!(ok.location.as_deref(), Some("/menu/profile?done=notify"));
}

#[tokio::test]
async fn a_token_minted_before_login_does_not_survive_into_the_session() {
    let mut app = spawn_app().await;
    register(&app).await;
    app.client = crate::app::client();
    let mut browser = RawBrowser::new(&app);
    let before = csrf_of(&browser.get("/").await.body);
    let cookie = browser.cookie_header();
    let login = browser
        .post_raw(
            "/",
            &cookie,
            &[("user_id", USER), ("password", PASSWORD), ("csrf", &before)],
            &[],
        )
        .await;
    assert_eq!(login.location.as_deref(), Some("/menu"), "{}", login.body);
    let cookie = browser.cookie_header();
    let stale = browser
        .post_raw(NOTIFY, &cookie, &[("csrf", &before)], &[])
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{:?}", stale.location);
    assert!(account_of(&app, "yamada.taro").await.notify);
}

/// htmx swaps only `<main>`: the token in `hx-headers` on `<body>` would stay the one of the
/// session before. A request that starts or ends a session answers htmx with a whole-page
/// navigation, so the next page is rendered, `<body>` and all, for the new session.
#[tokio::test]
async fn htmx_navigates_the_whole_page_when_the_session_changes() {
    let mut app = spawn_app().await;
    register(&app).await;
    app.client = crate::app::client();
    let mut browser = RawBrowser::new(&app);
    let token = csrf_of(&browser.get("/").await.body);
    let cookie = browser.cookie_header();
    let fields = [("user_id", USER), ("password", PASSWORD)];
    let htmx = [("hx-request", "true"), ("x-csrf-token", token.as_str())];
    let login = browser.post_raw("/", &cookie, &fields, &htmx).await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.location);
    assert_eq!(
        login
            .headers
            .get("hx-redirect")
            .and_then(|v| v.to_str().ok()),
        Some("/menu")
    );
    let menu = browser.get("/menu").await;
    let token = csrf_of(&menu.body);
    assert_eq!(
        header_token_of(&menu.body),
        token,
        "the body's header carries the new session's token"
    );
    let cookie = browser.cookie_header();
    let htmx = [("hx-request", "true"), ("x-csrf-token", token.as_str())];
    let logout = browser.post_raw("/logout", &cookie, &[], &htmx).await;
    assert_eq!(
        logout
            .headers
            .get("hx-redirect")
            .and_then(|v| v.to_str().ok()),
        Some("/?logged_out=1")
    );
}

#[tokio::test]
async fn the_page_that_starts_the_member_session_after_registration_carries_its_token() {
    let app = spawn_app().await;
    register(&app).await;
    let done = app.get("/register/done").await;
    assert!(done.body.contains("これで初期登録は終了です"));
    let token = header_token_of(&done.body);
    let resp = app
        .client
        .post(format!("{}{NOTIFY}", app.url))
        .header("x-csrf-token", token)
        .form(&[("notify", "on")])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

/// A page left open past the idle timeout: its token was bound to the session that ended.
/// The post changes nothing and leads to the login page with the timeout notice.
#[tokio::test]
async fn a_post_from_a_page_whose_session_expired_leads_to_the_login_page() {
    let mut app = spawn_app().await;
    register(&app).await;
    app.client = crate::app::client();
    let mut browser = RawBrowser::new(&app);
    browser.login(USER, PASSWORD).await;
    let token = csrf_of(&browser.get("/menu/profile").await.body);
    app.clock.advance(Duration::minutes(31));
    let cookie = browser.cookie_header();
    let late = browser
        .post_raw(NOTIFY, &cookie, &[("csrf", &token)], &[])
        .await;
    assert_eq!(
        late.location.as_deref(),
        Some("/?expired=1"),
        "{}",
        late.status
    );
    let htmx = [("hx-request", "true")];
    let late = browser
        .post_raw(NOTIFY, &cookie, &[("csrf", &token)], &htmx)
        .await;
    assert_eq!(
        late.headers
            .get("hx-redirect")
            .and_then(|v| v.to_str().ok()),
        Some("/?expired=1")
    );
    assert!(account_of(&app, "yamada.taro").await.notify);
}

/// The token htmx sends: `hx-headers` on `<body>`.
fn header_token_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("body[hx-headers]").expect("selector");
    let raw = doc
        .select(&sel)
        .next()
        .and_then(|e| e.value().attr("hx-headers"))
        .expect("hx-headers on body");
    let value: serde_json::Value = serde_json::from_str(raw).expect("json");
    value["X-CSRF-Token"].as_str().expect("token").to_string()
}
