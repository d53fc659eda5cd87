//! Roles: a 担当者 reaches no 管理者 page; a member session reaches no staff URL; a staff
//! session sees no member data but through staff pages.

use reqwest::StatusCode;

use super::{CLERK, admin, clerk, register_member};
use crate::app::{MEMBERS_UTF8, client, csrf_of, spawn_app};

const ADMIN_PAGES: &[&str] = &[
    "/staff/accounts",
    "/staff/accounts/admin",
    "/staff/accounts/admin/delete",
    "/staff/settings",
    "/staff/audit",
    "/staff/audit/export",
    "/staff/maintenance",
];

const STAFF_PAGES: &[&str] = &[
    "/staff",
    "/staff/households?q=1201",
    "/staff/households/1201-105",
    "/staff/import",
    "/staff/batches",
    "/staff/postcards",
    "/staff/notices",
    "/staff/outbox",
    "/staff/stats",
    "/staff/totp",
    "/staff/accounts",
    "/staff/settings",
    "/staff/audit",
];

#[tokio::test]
async fn a_clerk_cannot_reach_admin_pages() {
    let app = spawn_app().await;
    clerk(&app).await;
    for path in ADMIN_PAGES {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.body.contains("管理者のみ"), "{path}");
    }
    for (path, fields) in [
        (
            "/staff/accounts",
            vec![
                ("login", "mallory"),
                ("role", "admin"),
                ("password", "mallory-passphrase"),
            ],
        ),
        ("/staff/settings", vec![("union_name", "乗っ取り")]),
        ("/staff/settings/terms", vec![("text", "新しい規約")]),
        ("/staff/accounts/admin/disable", vec![]),
        ("/staff/accounts/admin/delete", vec![]),
    ] {
        let page = app.post_form("/staff", path, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let home = app.get("/staff").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains(CLERK) && home.body.contains("担当者"));
    assert!(!home.body.contains("/staff/accounts") && !home.body.contains("/staff/settings"));
    assert_eq!(
        app.get("/staff/households?q=1201").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_admin_reaches_every_staff_page_from_the_navigation_bar() {
    let app = spawn_app().await;
    app.import_and_issue(MEMBERS_UTF8).await;
    admin(&app).await;
    let home = app.get("/staff").await.body;
    for path in STAFF_PAGES {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(
            page.body.contains("管理メニュー"),
            "{path} has the navigation bar"
        );
        let bare = path.split('?').next().unwrap_or(path);
        if !bare.contains("1201") && bare != "/staff/accounts/admin" {
            assert!(
                home.contains(&format!("href=\"{bare}\"")),
                "the bar links {bare}"
            );
        }
    }
}

#[tokio::test]
async fn a_member_session_reaches_no_staff_url() {
    let app = spawn_app().await;
    register_member(&app).await;
    for path in STAFF_PAGES.iter().chain(ADMIN_PAGES) {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/staff/login"), "{path}");
    }
    // A member page's token is bound to the member session: no staff path takes it.
    let reveal = app
        .post_form("/menu", "/staff/households/1201-105/reveal", &[])
        .await;
    assert_eq!(reveal.status, StatusCode::FORBIDDEN);
    assert!(!reveal.body.contains("taro@example.jp"));
}

#[tokio::test]
async fn a_staff_session_sees_member_data_only_through_staff_pages() {
    let app = spawn_app().await;
    register_member(&app).await;
    super::add_admin(&app).await;
    // A browser with nothing but a staff session.
    let staff = client();
    let form = staff
        .get(format!("{}/staff/login", app.url))
        .send()
        .await
        .expect("get");
    let token = csrf_of(&form.text().await.expect("body"));
    let login = staff
        .post(format!("{}/staff/login", app.url))
        .form(&[
            ("login", super::ADMIN),
            ("password", super::ADMIN_PASSWORD),
            ("csrf", &token),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    for path in [
        "/menu",
        "/menu/notices",
        "/menu/expenses",
        "/menu/tax-notice",
        "/menu/benefits",
        "/menu/benefits/K-0001",
        "/register/identity",
    ] {
        let resp = staff
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        let body = resp.text().await.unwrap_or_default();
        assert!(!body.contains("山田"), "{path} shows no member data");
    }
    let household = staff
        .get(format!("{}/staff/households/1201-105", app.url))
        .send()
        .await
        .expect("get");
    assert_eq!(household.status(), StatusCode::OK);
    assert!(
        household
            .text()
            .await
            .unwrap_or_default()
            .contains("山田　太郎")
    );
}
