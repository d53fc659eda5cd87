//! Every page's security headers, CSRF refusals, the session cookie's flags and error
//! pages under htmx.

use reqwest::StatusCode;

use crate::app::spawn_app;
use crate::registration::first_card;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn every_kind_of_page_carries_the_security_headers() {
    let app = spawn_app().await;
    let login = app.get("/").await;
    let forbidden = app
        .client
        .post(format!("{}/", app.url))
        .send()
        .await
        .expect("post");
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let forbidden_headers = forbidden.headers().clone();
    for (path, page) in [
        ("/", login),
        ("/terms", app.get("/terms").await),
        ("/staff/login", app.get("/staff/login").await),
        ("/menu (redirect)", app.get("/menu").await),
        ("/nowhere (404)", app.get("/nowhere").await),
        ("/healthz", app.get("/healthz").await),
        ("/assets/kenpo.css", app.get("/assets/kenpo.css").await),
    ] {
        let h = &page.headers;
        assert_eq!(
            h.get("content-security-policy")
                .and_then(|v| v.to_str().ok()),
            Some(CSP),
            "{path}"
        );
        assert_eq!(
            h.get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert!(h.get("x-request-id").is_some(), "{path}");
        if !path.starts_with("/assets") && path != "/healthz" {
            assert_eq!(
                h.get("cache-control").and_then(|v| v.to_str().ok()),
                Some("no-store"),
                "{path}"
            );
        }
    }
    assert_eq!(
        forbidden_headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some(CSP)
    );
    let missing = app.get("/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("お問い合わせ番号"),
        "error pages show the request id"
    );
}

#[tokio::test]
async fn a_post_without_a_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.get("/").await; // the browser has its CSRF cookie
    let resp = app
        .client
        .post(format!("{}/", app.url))
        .form(&[
            ("user_id", card.temp_id.as_str()),
            ("password", card.temp_password.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("kenpo_session"))
    );
    let menu = app.get("/register/identity").await;
    assert_eq!(
        menu.location.as_deref(),
        Some("/"),
        "no session was created"
    );
    let cross = app
        .client
        .post(format!("{}/", app.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", "whatever")])
        .send()
        .await
        .expect("post");
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    let login = app.login(&card.temp_id, &card.temp_password).await;
    let cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kenpo_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http on loopback");
}

#[tokio::test]
async fn error_pages_under_htmx_replace_the_body_not_the_main_area() {
    let app = spawn_app().await;
    let htmx = app
        .client
        .get(format!("{}/nowhere", app.url))
        .header("hx-request", "true")
        .send()
        .await
        .expect("get");
    assert_eq!(htmx.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        htmx.headers()
            .get("hx-retarget")
            .and_then(|v| v.to_str().ok()),
        Some("body")
    );
    assert!(
        htmx.headers().get("x-kenpo-whole-page").is_none(),
        "the internal marker never leaves"
    );
    let plain = app.get("/nowhere").await;
    assert!(plain.headers.get("hx-retarget").is_none());
    let form_error = app
        .client
        .post(format!("{}/", app.url))
        .header("hx-request", "true")
        .send()
        .await
        .expect("post");
    assert_eq!(form_error.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        form_error
            .headers()
            .get("hx-retarget")
            .and_then(|v| v.to_str().ok()),
        Some("body")
    );
}

/// A stylesheet is cached for a year only under the URL that names its content: after an
/// upgrade no browser keeps an old sheet under a new page (the phone cards' labels live in
/// `kenpo-tables.css`). Every sheet is linked from the page with its hash, none is pulled
/// in by `@import`, and an asset asked for without its hash is revalidated.
#[tokio::test]
async fn every_stylesheet_is_linked_with_its_content_hash_and_only_that_is_cached_for_good() {
    let app = spawn_app().await;
    let login = app.get("/").await;
    let links: Vec<String> = login
        .body
        .split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .collect();
    for sheet in ["kenpo.css", "kenpo-tables.css", "kenpo-console.css"] {
        assert!(
            links
                .iter()
                .any(|l| l.starts_with(&format!("/assets/{sheet}?v="))),
            "{sheet} is not linked with its hash: {links:?}"
        );
    }
    for href in &links {
        let sheet = app.get(href).await;
        assert_eq!(sheet.status, reqwest::StatusCode::OK, "{href}");
        assert!(
            !sheet.body.contains("@import"),
            "{href} imports another sheet"
        );
        let cache = sheet
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok());
        assert_eq!(cache, Some("public, max-age=31536000, immutable"), "{href}");
    }
    for unhashed in ["/assets/kenpo-tables.css", "/assets/kenpo.css?v=stale"] {
        let sheet = app.get(unhashed).await;
        let cache = sheet
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok());
        assert_eq!(cache, Some("no-cache"), "{unhashed}");
    }
}
