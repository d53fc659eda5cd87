//! はがき発行: issue from the browser, postcards.csv and the print view once each.

use reqwest::StatusCode;

use super::clerk;
use crate::app::{MEMBERS_UTF8, parse_csv, spawn_app};

fn link(body: &str, prefix: &str) -> String {
    let rest = body
        .split(&format!("href=\"{prefix}"))
        .nth(1)
        .expect("link");
    format!("{prefix}{}", rest.split('"').next().unwrap_or_default())
}

#[tokio::test]
async fn a_clerk_issues_postcards_downloads_the_file_once_and_prints_once() {
    let app = spawn_app().await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        crate::app::remote(
            &data,
            kenpo::jobs::Job::ImportMembers,
            Some(MEMBERS_UTF8.to_vec()),
        )
    })
    .await
    .expect("join");
    clerk(&app).await;
    let page = app.get("/staff/postcards").await;
    assert!(page.body.contains("3 世帯"), "{}", page.body);
    let ask = app.get("/staff/postcards/confirm?scope=all").await;
    assert!(ask.body.contains("元に戻せません"));
    let issued = app
        .post_form(
            "/staff/postcards/confirm?scope=all",
            "/staff/postcards/issue",
            &[("scope", "all"), ("households", "")],
        )
        .await;
    assert!(issued.body.contains("3 世帯分"), "{}", issued.body);

    let csv_path = link(&issued.body, "/staff/postcards/download/");
    let csv = app
        .client
        .get(format!("{}{csv_path}", app.url))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains("postcards.csv")
    );
    let rows = parse_csv(&csv.bytes().await.expect("bytes"));
    assert_eq!(rows.len(), 4, "header and three households");
    assert_eq!(rows[0][5], "仮ユーザID");
    assert_eq!(
        app.get(&csv_path).await.status,
        StatusCode::GONE,
        "only once"
    );

    let print_path = link(&issued.body, "/staff/postcards/print/");
    let print = app.get(&print_path).await;
    assert_eq!(print.status, StatusCode::OK);
    assert_eq!(print.body.matches("class=\"postcard\"").count(), 3);
    // The default layout (圧着はがき, issue #17) prints the ID and password in groups of five.
    let grouped = |s: &str| format!("{}</span><span class=\"group\">{}", &s[..5], &s[5..]);
    assert!(
        print.body.contains(&grouped(&rows[1][5])) && print.body.contains(&grouped(&rows[1][6]))
    );
    assert!(print.body.contains("postcards-pressure.css") && !print.body.contains("style="));
    assert_eq!(app.get(&print_path).await.status, StatusCode::GONE);

    let css = app.get("/assets/postcards.css").await.body;
    assert!(css.contains("@page { size: 100mm 148mm"));
    let list = app.get("/staff/postcards").await.body;
    assert!(
        list.contains("staff:tanaka") && list.contains("未登録の全世帯"),
        "the issue is listed"
    );

    let login = app.login(&rows[1][5], &rows[1][6]).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/register/identity"),
        "the pair works"
    );
}

#[tokio::test]
async fn reissuing_for_one_household_from_its_page() {
    let app = spawn_app().await;
    app.import_and_issue(MEMBERS_UTF8).await;
    clerk(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert!(
        page.body
            .contains("/staff/postcards/confirm?households=1201-105")
    );
    let issued = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/postcards/issue",
            &[("households", "1201-105")],
        )
        .await;
    assert!(issued.body.contains("1 世帯分"), "{}", issued.body);
    let unknown = app
        .post_form(
            "/staff/postcards",
            "/staff/postcards/issue",
            &[("households", "9999-1")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("9999-1"));
}

/// Issue #17: the layout is read before anything happens — an unknown one issues nothing
/// and does not use up the one print — and the screen says when no sender is set.
#[tokio::test]
async fn the_print_layout_is_checked_before_anything_is_issued_or_printed() {
    let app = spawn_app().await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        crate::app::remote(
            &data,
            kenpo::jobs::Job::ImportMembers,
            Some(MEMBERS_UTF8.to_vec()),
        )
    })
    .await
    .expect("join");
    clerk(&app).await;
    let page = app.get("/staff/postcards").await.body;
    assert!(
        page.contains("差出人の住所（郵便番号・住所・電話番号）が設定されていません"),
        "{page}"
    );
    let plain = app
        .get("/staff/postcards/confirm?scope=households&households=1201-105&layout=plain")
        .await;
    assert!(
        plain.body.contains("仮パスワードが見えます"),
        "{}",
        plain.body
    );

    let fields = [("households", "1201-105"), ("layout", "open")];
    let refused = app
        .post_form("/staff/postcards", "/staff/postcards/issue", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("印刷の形式を"), "{}", refused.body);
    assert!(
        app.get("/staff/postcards")
            .await
            .body
            .contains("まだ発行していません")
    );

    let fields = [("households", "1201-105"), ("layout", "letter")];
    let issued = app
        .post_form("/staff/postcards", "/staff/postcards/issue", &fields)
        .await;
    assert!(
        issued.body.contains("窓付き封筒（長3・A4三つ折り）"),
        "{}",
        issued.body
    );
    let print_path = link(&issued.body, "/staff/postcards/print/");
    assert!(print_path.ends_with("?layout=letter"), "{print_path}");
    let token_path = print_path.trim_end_matches("?layout=letter");
    let wrong = app.get(&format!("{token_path}?layout=open")).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let print = app.get(&print_path).await;
    assert_eq!(
        print.status,
        StatusCode::OK,
        "the wrong layout used nothing up"
    );
    assert!(print.body.contains("postcards-letter.css") && print.body.contains("組合名だけ"));
}
