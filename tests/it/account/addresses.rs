//! The per-address throttle groups IPv6 addresses by /64: one subscriber gets a whole /64
//! (or more), so rotating through it must not give a fresh allowance per address.

use super::{PASSWORD, USER, assert_logged_in, assert_refused, register};
use crate::app::{Page, TestApp, client, csrf_of, page_of, spawn_app_behind_proxy};

/// A login as the proxy forwards it for `address`.
async fn login_from(app: &TestApp, address: &str, user_id: &str, password: &str) -> Page {
    let token = csrf_of(&app.get("/").await.body);
    let fields = [
        ("user_id", user_id),
        ("password", password),
        ("csrf", token.as_str()),
    ];
    let resp = app
        .client
        .post(format!("{}/", app.url))
        .header("x-forwarded-for", address)
        .form(&fields)
        .send()
        .await
        .expect("post");
    page_of(resp).await
}

#[tokio::test]
async fn addresses_of_one_ipv6_slash_64_share_one_throttle() {
    let mut app = spawn_app_behind_proxy().await;
    register(&app).await;
    app.client = client();
    for n in 1..=10 {
        let address = format!("2001:db8:1:2::{n:x}");
        let refused = login_from(&app, &address, &format!("nobody.{n}x"), "wrong-pass1").await;
        assert_refused(&refused);
    }
    let same_64 = login_from(&app, "2001:db8:1:2:ffff::9", USER, PASSWORD).await;
    assert_refused(&same_64);
    let next_64 = login_from(&app, "2001:db8:1:3::1", USER, PASSWORD).await;
    assert_logged_in(&next_64, "/menu");
}
