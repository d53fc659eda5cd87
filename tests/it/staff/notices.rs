//! お知らせ: staff write and schedule; members see them newest first, unread marked.

use reqwest::StatusCode;

use super::{admin, register_member};
use crate::app::spawn_app;

pub async fn write(app: &crate::app::TestApp, title: &str, body: &str, from: &str, until: &str) {
    let saved = app
        .post_form(
            "/staff/notices/new",
            "/staff/notices",
            &[
                ("title", title),
                ("body", body),
                ("publish_from", from),
                ("publish_until", until),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/staff/notices"),
        "{}",
        saved.body
    );
}

#[tokio::test]
async fn a_member_sees_published_notices_unread_then_read() {
    let app = spawn_app().await;
    register_member(&app).await;
    admin(&app).await;
    // The clock is 2026-11-02 10:00 JST.
    write(
        &app,
        "年末年始のお知らせ",
        "窓口は休みます。\n\n- 12月29日\n- 1月3日\n<b>太字</b>",
        "2026-11-01T09:00",
        "",
    )
    .await;
    write(
        &app,
        "来月のお知らせ",
        "まだ先です。",
        "2026-12-01T09:00",
        "",
    )
    .await;
    write(
        &app,
        "終わったお知らせ",
        "もう終わり。",
        "2026-10-01T09:00",
        "2026-10-31T09:00",
    )
    .await;

    let list = app.get("/menu/notices").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("年末年始のお知らせ") && list.body.contains("未読"),
        "{}",
        list.body
    );
    assert!(!list.body.contains("来月のお知らせ") && !list.body.contains("終わったお知らせ"));

    let href = list
        .body
        .split("href=\"/menu/notices/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to the notice")
        .to_string();
    let one = app.get(&format!("/menu/notices/{href}")).await;
    assert!(
        one.body.contains("<li>12月29日</li>") && one.body.contains("&lt;b&gt;太字&lt;/b&gt;"),
        "{}",
        one.body
    );
    let again = app.get("/menu/notices").await;
    assert!(again.body.contains("年末年始のお知らせ") && !again.body.contains("未読"));
}

#[tokio::test]
async fn a_withdrawn_notice_disappears_and_a_bad_form_is_refused_beside_its_field() {
    let app = spawn_app().await;
    register_member(&app).await;
    admin(&app).await;
    let bad = app
        .post_form(
            "/staff/notices/new",
            "/staff/notices",
            &[
                ("title", ""),
                ("body", "本文"),
                ("publish_from", "2026-11-01T09:00"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("件名を入力してください"));
    write(&app, "取り下げるお知らせ", "本文", "2026-11-01T09:00", "").await;
    assert!(
        app.get("/menu/notices")
            .await
            .body
            .contains("取り下げるお知らせ")
    );
    let list = app.get("/staff/notices").await.body;
    let action = list
        .split("action=\"")
        .find(|s| s.contains("/withdraw"))
        .and_then(|s| s.split('"').next())
        .expect("a withdraw form")
        .to_string();
    let done = app.post_form("/staff/notices", &action, &[]).await;
    assert!(done.body.contains("取り下げました"), "{}", done.body);
    assert!(
        !app.get("/menu/notices")
            .await
            .body
            .contains("取り下げるお知らせ")
    );
}
