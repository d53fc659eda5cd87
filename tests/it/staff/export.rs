//! SPEC §6.5: exporting members and claims and importing the export changes nothing.

use kenpo::jobs::Job;
use reqwest::StatusCode;

use super::login::audit;
use super::{ADMIN, ADMIN_PASSWORD, admin, clerk, staff_login, staff_logout};
use crate::app::{MEMBERS_UTF8, TestApp, remote, spawn_app};
use crate::claims::{CLAIMS_UTF8, import};

/// A running app whose members file is imported.
async fn with_members() -> TestApp {
    let app = spawn_app().await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()))
    })
    .await
    .expect("join");
    app
}

#[tokio::test]
async fn exports_use_the_import_layouts_and_round_trip_unchanged() {
    let app = with_members().await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    assert_eq!(
        app.get("/staff/export/members.csv")
            .await
            .location
            .as_deref(),
        Some("/staff/login")
    );
    admin(&app).await;

    let members = app.get("/staff/export/members.csv").await;
    assert_eq!(members.status, StatusCode::OK);
    assert!(members.body.starts_with('\u{feff}'));
    let first_line = members
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    assert_eq!(
        first_line,
        "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所"
    );
    assert!(
        members
            .body
            .contains("\"大阪府大阪市中央区南船場3-1-1, 南船場ビル5F\""),
        "a comma stays quoted"
    );
    let claims = app.get("/staff/export/claims.csv").await;
    let claims_header = claims
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert_eq!(
        claims_header,
        "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
    );
    assert_eq!(
        claims.body.trim_start_matches('\u{feff}').lines().count(),
        7,
        "six claims and the header"
    );

    let data = app.data.clone();
    let member_bytes = members.body.clone().into_bytes();
    let again =
        tokio::task::spawn_blocking(move || remote(&data, Job::ImportMembers, Some(member_bytes)))
            .await
            .expect("join");
    assert!(
        again
            .said
            .iter()
            .any(|l| l.contains("追加 0 人 / 更新 0 人 / 変更なし 6 人")),
        "{:?}",
        again.said
    );
    let again = import(&app, claims.body.clone().into_bytes(), false).await;
    assert!(
        !again
            .said
            .iter()
            .any(|l| l.contains("追加 1") || l.contains("置換 1")),
        "{:?}",
        again.said
    );
    assert_eq!(
        app.get("/staff/export/members.csv").await.body,
        members.body,
        "a second export is identical"
    );
    assert_eq!(app.get("/staff/export/claims.csv").await.body, claims.body);
}

#[tokio::test]
async fn only_an_admin_exports_and_every_export_is_audited_with_its_row_count() {
    let app = with_members().await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    clerk(&app).await;
    for path in ["/staff/export/members.csv", "/staff/export/claims.csv"] {
        let refused = app.get(path).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: a 担当者 does not export"
        );
        assert!(!refused.body.contains("1201"), "{path}");
    }
    let import_page = app.get("/staff/import").await;
    assert!(
        !import_page.body.contains("/staff/export/"),
        "no export links for a 担当者"
    );
    staff_logout(&app).await;
    staff_login(&app, ADMIN, ADMIN_PASSWORD).await;
    assert!(
        app.get("/staff/import")
            .await
            .body
            .contains("/staff/export/members.csv")
    );
    assert_eq!(
        app.get("/staff/export/members.csv").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/staff/export/claims.csv").await.status,
        StatusCode::OK
    );
    let exports: Vec<(String, String, Option<String>)> = audit(&app)
        .await
        .into_iter()
        .filter(|e| e.action.ends_with(".exported"))
        .map(|e| (e.action, e.actor, e.detail))
        .collect();
    assert_eq!(
        exports,
        [
            (
                "members.exported".to_string(),
                "staff:admin".to_string(),
                Some("rows=6".to_string())
            ),
            (
                "claims.exported".to_string(),
                "staff:admin".to_string(),
                Some("rows=6".to_string())
            ),
        ]
    );
}

/// A link on another site, clicked by a logged-in admin, must not drop every member's data
/// into their Downloads folder nor write an audit row in their name (an export, a look at a
/// household): the browser is sent to the staff start page, which writes nothing.
#[tokio::test]
async fn a_link_from_another_site_exports_nothing_and_records_no_look() {
    let app = with_members().await;
    admin(&app).await;
    let rows = audit(&app).await.len();
    for path in [
        "/staff/export/members.csv",
        "/staff/export/claims.csv",
        "/staff/audit/export",
        "/staff/households/1201-105",
    ] {
        let resp = app
            .client
            .get(format!("{}{path}", app.url))
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-mode", "navigate")
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
        assert_eq!(location, Some("/staff"), "{path}");
        assert!(
            resp.headers().get("content-disposition").is_none(),
            "{path}"
        );
        let body = resp.text().await.expect("body");
        assert!(!body.contains("生年月日"), "{path} sent member data");
    }
    assert_eq!(audit(&app).await.len(), rows, "no export or look recorded");
    let members = app.get("/staff/export/members.csv").await;
    assert_eq!(
        members.status,
        StatusCode::OK,
        "followed inside kenpo, it works"
    );
}
