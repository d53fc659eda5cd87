//! Served over HTTPS (an `https://` base URL), every cookie is `__Host-` prefixed with
//! `Path=/`, `Secure` and no `Domain`, unprefixed names are ignored, and every answer
//! carries HSTS. Over plain HTTP (a loopback trial), neither.

use reqwest::StatusCode;

use super::{PASSWORD, RawBrowser};
use crate::account::USER;
use crate::app::{TestApp, spawn_app, spawn_app_with_base_url};
use crate::registration::{BIRTH, first_card};
use crate::staff::{ADMIN, ADMIN_PASSWORD, add_admin};

const HSTS: &str = "max-age=63072000; includeSubDomains";

fn hsts(page: &crate::app::Page) -> Option<String> {
    page.headers
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn assert_host_cookie(set_cookies: &[String], name: &str) {
    let line = set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("__Host-{name}=")))
        .unwrap_or_else(|| panic!("no __Host-{name} in {set_cookies:?}"));
    let attrs: Vec<&str> = line.split(';').map(str::trim).collect();
    assert!(attrs.contains(&"Path=/"), "{line}");
    assert!(attrs.contains(&"Secure"), "{line}");
    assert!(attrs.contains(&"HttpOnly"), "{line}");
    assert!(
        !attrs
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "{line}"
    );
}

/// The wizard in a raw browser (reqwest's jar keeps no `Secure` cookie over plain HTTP).
async fn register_raw(app: &TestApp) {
    let card = first_card(app).await;
    let mut b = RawBrowser::new(app);
    let fields = [
        ("user_id", card.temp_id.as_str()),
        ("password", &card.temp_password),
    ];
    let login = b.post_form("/", "/", &fields).await;
    assert_eq!(login.location.as_deref(), Some("/register/identity"));
    let fields = [
        ("insurer_number", "06131114"),
        ("birth_date", BIRTH),
        ("agree", "yes"),
    ];
    let id = b
        .post_form("/register/identity", "/register/identity", &fields)
        .await;
    assert_eq!(
        id.location.as_deref(),
        Some("/register/profile"),
        "{}",
        id.body
    );
    let fields = [
        ("user_id", USER),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("email", "taro@example.jp"),
    ];
    let p = b
        .post_form("/register/profile", "/register/profile", &fields)
        .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        p.body
    );
    let done = b
        .post_form("/register/confirm", "/register/execute", &[])
        .await;
    assert_eq!(done.location.as_deref(), Some("/register/done"));
}

#[tokio::test]
async fn over_https_every_answer_carries_hsts() {
    let app = spawn_app_with_base_url("https://kenpo.example.jp").await;
    let mut browser = RawBrowser::new(&app);
    for path in ["/", "/menu", "/nowhere", "/assets/kenpo.css", "/healthz"] {
        assert_eq!(
            hsts(&browser.get(path).await).as_deref(),
            Some(HSTS),
            "{path}"
        );
    }
    let refused = browser.post_raw("/", "", &[], &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(hsts(&refused).as_deref(), Some(HSTS));
}

#[tokio::test]
async fn over_https_every_cookie_is_host_prefixed() {
    let app = spawn_app_with_base_url("https://kenpo.example.jp").await;
    register_raw(&app).await;
    add_admin(&app).await;
    let mut member = RawBrowser::new(&app);
    member.get("/").await;
    assert_host_cookie(&member.set_cookies, "kenpo_csrf");
    member.login(USER, PASSWORD).await;
    assert_host_cookie(&member.set_cookies, "kenpo_session");
    assert_eq!(member.get("/menu").await.status, StatusCode::OK);

    // The unprefixed name is not read: a cookie a sibling host planted cannot stand in.
    let session = member.cookie("kenpo_session");
    let csrf = member.cookie("kenpo_csrf");
    member.cookies.clear();
    member.cookies.insert("kenpo_session".into(), session);
    member.cookies.insert("kenpo_csrf".into(), csrf);
    assert_eq!(member.get("/menu").await.location.as_deref(), Some("/"));

    let mut staff = RawBrowser::new(&app);
    let fields = [("login", ADMIN), ("password", ADMIN_PASSWORD)];
    let ok = staff
        .post_form("/staff/login", "/staff/login", &fields)
        .await;
    assert_eq!(ok.location.as_deref(), Some("/staff"), "{}", ok.body);
    assert_host_cookie(&staff.set_cookies, "kenpo_staff");
    assert_eq!(staff.get("/staff").await.status, StatusCode::OK);
    assert_eq!(
        staff.get("/menu").await.location.as_deref(),
        Some("/"),
        "a staff session is still not a member session"
    );
    let out = staff.post_form("/staff", "/staff/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/staff/login"));
    let cleared = staff.set_cookies.last().expect("a cookie cleared");
    assert!(
        cleared.starts_with("__Host-kenpo_staff=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(
        staff.get("/staff").await.location.as_deref(),
        Some("/staff/login")
    );
}

#[tokio::test]
async fn over_plain_http_cookies_keep_their_names_and_no_hsts_is_sent() {
    let app = spawn_app().await;
    let mut browser = RawBrowser::new(&app);
    let page = browser.get("/").await;
    assert_eq!(hsts(&page), None);
    let line = browser.set_cookies.first().expect("a CSRF cookie");
    assert!(line.starts_with("kenpo_csrf="), "{line}");
    assert!(!line.contains("Secure"), "{line}");
}
