//! 世帯検索 and the household page: search, masked e-mail and its audited reveal, unlock,
//! hiding a dependant, ending sessions.

use reqwest::StatusCode;

use super::{admin, register_member};
use crate::app::{MEMBERS_UTF8, spawn_app};
use crate::registration::{BIRTH, first_card, identity};

#[tokio::test]
async fn search_finds_households_by_code_name_and_kana_of_any_width() {
    let app = spawn_app().await;
    app.import_and_issue(MEMBERS_UTF8).await;
    admin(&app).await;
    for q in [
        "1201-105",
        "１２０１－１０５",
        "山田",
        "やまだ",
        "ﾔﾏﾀﾞ",
        "ハナコ",
    ] {
        let url = format!("/staff/households?q={}", urlencode(q));
        let page = app.get(&url).await;
        assert!(
            page.body.contains("/staff/households/1201-105"),
            "{q}: {}",
            page.body
        );
        assert!(!page.body.contains("/staff/households/1201-106"), "{q}");
    }
    let none = app
        .get(&format!("/staff/households?q={}", urlencode("存在しない")))
        .await;
    assert!(none.body.contains("該当する世帯はありません"));
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn revealing_an_email_writes_an_audit_row() {
    let app = spawn_app().await;
    register_member(&app).await;
    admin(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert!(page.body.contains("ta***@example.jp"), "{}", page.body);
    assert!(
        !page.body.contains("taro@example.jp"),
        "masked until revealed"
    );
    assert!(page.body.contains("登録済み") && page.body.contains("Yamada.Taro"));

    let revealed = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/households/1201-105/reveal",
            &[],
        )
        .await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert!(revealed.body.contains("taro@example.jp"));

    let audit = app.get("/staff/audit?action=email_revealed").await;
    assert!(
        audit.body.contains("staff.email_revealed"),
        "{}",
        audit.body
    );
    assert!(audit.body.contains("staff:admin") && audit.body.contains("1201-105"));
    let trail = app.get("/staff/households/1201-105").await;
    assert!(
        trail.body.contains("staff.email_revealed"),
        "the household's own trail shows it"
    );
}

#[tokio::test]
async fn unlocking_a_locked_temporary_id_lets_the_member_continue() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    for _ in 0..5 {
        identity(&app, "06131114", "19800101", Some("yes")).await;
    }
    let locked = identity(&app, "06131114", BIRTH, Some("yes")).await;
    assert!(locked.body.contains("ロック"), "{}", locked.body);

    admin(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert!(page.body.contains("仮IDのロック"), "{}", page.body);
    let done = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/households/1201-105/unlock",
            &[],
        )
        .await;
    assert!(done.body.contains("ロックを解除しました"), "{}", done.body);
    assert!(!done.body.contains("仮IDのロック"));

    // The unlock ended the wizard session too: log in again with the postcard.
    app.login(&card.temp_id, &card.temp_password).await;
    let ok = identity(&app, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(
        ok.location.as_deref(),
        Some("/register/profile"),
        "{}",
        ok.body
    );
    let audit = app.get("/staff/households/1201-105").await;
    assert!(audit.body.contains("account.unlocked"));
}

#[tokio::test]
async fn a_hidden_dependant_disappears_from_the_member_menu_and_survives_reimport() {
    let app = spawn_app().await;
    register_member(&app).await;
    assert!(app.get("/menu").await.body.contains("山田　花子"));
    admin(&app).await;
    let hidden = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/households/1201-105/people/01/hide",
            &[],
        )
        .await;
    assert!(hidden.body.contains("表示に戻す"), "{}", hidden.body);
    let menu = app.get("/menu").await.body;
    assert!(!menu.contains("山田　花子") && menu.contains("山田　健"));
    app.import_and_issue(MEMBERS_UTF8).await;
    assert!(
        !app.get("/menu").await.body.contains("山田　花子"),
        "re-import keeps the flag"
    );
    let insured = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/households/1201-105/people/00/hide",
            &[],
        )
        .await;
    assert_eq!(
        insured.status,
        StatusCode::NOT_FOUND,
        "the insured person cannot be hidden"
    );
}

#[tokio::test]
async fn ending_sessions_asks_first_and_logs_the_household_out() {
    let app = spawn_app().await;
    register_member(&app).await;
    admin(&app).await;
    let ask = app.get("/staff/households/1201-105/end-sessions").await;
    assert!(ask.body.contains("元に戻せません") && ask.body.contains("終了する"));
    assert_eq!(
        app.get("/menu").await.status,
        StatusCode::OK,
        "asking changed nothing"
    );
    let done = app
        .post_form(
            "/staff/households/1201-105/end-sessions",
            "/staff/households/1201-105/end-sessions",
            &[],
        )
        .await;
    assert!(done.body.contains("1 件を終了しました"), "{}", done.body);
    assert_eq!(app.get("/menu").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn showing_a_household_page_writes_an_audit_row() {
    let app = spawn_app().await;
    app.import_and_issue(MEMBERS_UTF8).await;
    admin(&app).await;
    let viewed = |rows: &[kenpo::audit::AuditEntry]| {
        rows.iter()
            .filter(|e| e.action == "staff.household_viewed")
            .map(|e| (e.actor.clone(), e.target.clone()))
            .collect::<Vec<_>>()
    };
    assert!(viewed(&super::login::audit(&app).await).is_empty());
    let page = app.get("/staff/households/1201-105").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        viewed(&super::login::audit(&app).await),
        [("staff:admin".to_string(), Some("1201-105".to_string()))]
    );
    let missing = app.get("/staff/households/9999-999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        viewed(&super::login::audit(&app).await).len(),
        1,
        "no row for a household that does not exist"
    );
}

/// A search shows members' names and registration states: it is a data view by staff, and
/// the audit log records who searched for what. The empty search form records nothing.
#[tokio::test]
async fn a_household_search_writes_an_audit_row_naming_the_query() {
    let app = spawn_app().await;
    app.import_and_issue(MEMBERS_UTF8).await;
    admin(&app).await;
    let searched = |rows: &[kenpo::audit::AuditEntry]| {
        rows.iter()
            .filter(|e| e.action == "staff.households_searched")
            .map(|e| (e.actor.clone(), e.detail.clone()))
            .collect::<Vec<_>>()
    };
    let form = app.get("/staff/households").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(searched(&super::login::audit(&app).await).is_empty());
    let page = app.get("/staff/households?q=%E5%B1%B1%E7%94%B0").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("山田"), "{}", page.body);
    assert_eq!(
        searched(&super::login::audit(&app).await),
        [("staff:admin".to_string(), Some("q=山田".to_string()))]
    );
}
