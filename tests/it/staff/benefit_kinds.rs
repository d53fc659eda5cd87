//! 組合の設定 「給付種別」: a 管理者 adds the union's own 給付種別 (a refusal is shown beside
//! its field and changes nothing), removes an unused one, and a 担当者 cannot reach it.

use reqwest::StatusCode;

use super::{admin, clerk};
use crate::app::spawn_app;
use kenpo::settings::{SETTINGS, UnionSettings};

const PAGE: &str = "/staff/settings/benefit-kinds";

async fn names(app: &crate::app::TestApp) -> Vec<String> {
    app.store()
        .read(|r| r.get::<UnionSettings>(SETTINGS))
        .await
        .expect("settings")
        .unwrap_or_default()
        .benefit_kinds
        .into_iter()
        .map(|k| k.name)
        .collect()
}

#[tokio::test]
async fn an_admin_adds_and_removes_the_unions_own_kinds() {
    let app = spawn_app().await;
    admin(&app).await;
    let page = app.get(PAGE).await;
    assert!(page.body.contains("標準の給付種別"), "{}", page.body);
    assert!(page.body.contains("一部負担還元金"));
    let refused = app
        .post_form(PAGE, PAGE, &[("name", "高額療養費"), ("class", "receipt")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("field-error"), "{}", refused.body);
    assert!(refused.body.contains("標準の給付種別にあります"));
    let no_class = app.post_form(PAGE, PAGE, &[("name", "見舞金")]).await;
    assert!(no_class.body.contains("医療費控除での扱いを選んでください"));
    assert!(names(&app).await.is_empty(), "a refusal changes nothing");
    let added = app
        .post_form(
            PAGE,
            PAGE,
            &[
                ("name", "見舞金"),
                ("class", "none"),
                ("explanation", "災害にあわれた方へのお見舞いです。"),
            ],
        )
        .await;
    assert!(
        added.body.contains("給付種別「見舞金」を追加しました"),
        "{}",
        added.body
    );
    assert_eq!(names(&app).await, ["見舞金"]);
    let removed = app
        .post_form(
            PAGE,
            "/staff/settings/benefit-kinds/remove",
            &[("name", "見舞金")],
        )
        .await;
    assert!(removed.body.contains("を削除しました"), "{}", removed.body);
    assert!(names(&app).await.is_empty());
    let audit = app.get("/staff/audit?action=settings.changed").await;
    assert!(audit.body.contains("benefit_kinds"), "{}", audit.body);
}

#[tokio::test]
async fn a_clerk_cannot_change_the_kinds() {
    let app = spawn_app().await;
    clerk(&app).await;
    let page = app.get(PAGE).await;
    assert_ne!(page.status, StatusCode::OK);
    assert!(!page.body.contains("給付種別を追加する"));
}
