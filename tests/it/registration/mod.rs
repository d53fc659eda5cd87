//! SPEC §3 over HTTP against the real app: the wizard, its refusals, locks and races.

use chrono::Duration;
use reqwest::StatusCode;

use crate::app::{AppOptions, MEMBERS_UTF8, TestApp, spawn_app, spawn_app_with};

/// 山田 太郎's household: 1201-105, insured person born 1976-04-18.
pub const BIRTH: &str = "19760418";

pub struct Card {
    pub temp_id: String,
    pub temp_password: String,
}

pub async fn first_card(app: &TestApp) -> Card {
    let rows = app.import_and_issue(MEMBERS_UTF8).await;
    assert_eq!(
        rows[0],
        [
            "記号",
            "番号",
            "氏名",
            "郵便番号",
            "住所",
            "仮ユーザID",
            "仮パスワード",
            "有効期限"
        ]
    );
    let row = rows
        .iter()
        .find(|r| r[0] == "1201" && r[1] == "105")
        .expect("postcard for 1201-105");
    Card {
        temp_id: row[5].clone(),
        temp_password: row[6].clone(),
    }
}

pub async fn identity(
    app: &TestApp,
    insurer: &str,
    birth: &str,
    agree: Option<&str>,
) -> crate::app::Page {
    let mut fields = vec![("insurer_number", insurer), ("birth_date", birth)];
    if let Some(a) = agree {
        fields.push(("agree", a));
    }
    app.post_form("/register/identity", "/register/identity", &fields)
        .await
}

pub async fn profile(
    app: &TestApp,
    user_id: &str,
    password: &str,
    confirm: &str,
    email: &str,
) -> crate::app::Page {
    let fields = [
        ("user_id", user_id),
        ("password", password),
        ("password_confirm", confirm),
        ("email", email),
        ("notify", "on"),
    ];
    app.post_form("/register/profile", "/register/profile", &fields)
        .await
}

/// Logs in with the postcard and walks to the confirmation screen.
pub async fn up_to_confirm(app: &TestApp, card: &Card, user_id: &str) {
    let login = app.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/register/identity"),
        "{}",
        login.body
    );
    let id = identity(app, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(
        id.location.as_deref(),
        Some("/register/profile"),
        "{}",
        id.body
    );
    let p = profile(
        app,
        user_id,
        "sakura2026go",
        "sakura2026go",
        "taro@example.jp",
    )
    .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        p.body
    );
}

pub async fn execute(app: &TestApp) -> crate::app::Page {
    app.post_form("/register/confirm", "/register/execute", &[])
        .await
}

#[tokio::test]
async fn the_whole_wizard_registers_the_household_and_retires_the_postcard() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    let confirm = app.get("/register/confirm").await;
    assert!(confirm.body.contains("Yamada.Taro") && confirm.body.contains("********"));
    assert!(
        !confirm.body.contains("sakura2026go"),
        "the password is masked"
    );

    let done = execute(&app).await;
    assert_eq!(done.location.as_deref(), Some("/register/done"));
    let page = app.get("/register/done").await;
    assert!(page.body.contains("これで初期登録は終了です") && page.body.contains("メニューへ"));
    let menu = app.get("/menu").await;
    assert_eq!(menu.status, StatusCode::OK);
    assert!(
        menu.body.contains("山田　花子"),
        "household members are listed"
    );

    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    let old = fresh.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        old.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "temporary pair no longer works"
    );
    let new = fresh.login("yamada.taro", "sakura2026go").await;
    assert_eq!(
        new.location.as_deref(),
        Some("/menu"),
        "user ID matches case-insensitively"
    );
}

#[tokio::test]
async fn identity_refusals_are_shown_beside_their_fields() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    let cases = [
        ("06131115", BIRTH, Some("yes"), "保険者番号に誤り"),
        (
            "06138804",
            BIRTH,
            Some("yes"),
            "保険者番号または生年月日が一致しません",
        ),
        ("0613111", BIRTH, Some("yes"), "8桁"),
        (
            "06131114",
            "19790822",
            Some("yes"),
            "本人確認ができませんでした",
        ),
        ("06131114", "19760231", Some("yes"), "日付"),
        ("06131114", "20991231", Some("yes"), "未来"),
        ("06131114", BIRTH, Some("no"), "同意する"),
        ("06131114", BIRTH, None, "同意する"),
    ];
    for (insurer, birth, agree, expected) in cases {
        let page = identity(&app, insurer, birth, agree).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{insurer} {birth} {agree:?}"
        );
        assert!(
            page.body.contains(expected),
            "{insurer} {birth} {agree:?}: expected {expected}"
        );
        assert!(
            page.body.contains("field-error"),
            "message beside the field"
        );
    }
}

#[tokio::test]
async fn five_failed_identity_checks_lock_the_temporary_id_for_thirty_minutes() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    for _ in 0..4 {
        let page = identity(&app, "06131114", "19800101", Some("yes")).await;
        assert!(page.body.contains("ロックされます"));
    }
    let locked = identity(&app, "06131114", "19800101", Some("yes")).await;
    assert!(locked.body.contains("ロックされました"), "{}", locked.body);
    let right_but_locked = identity(&app, "06131114", BIRTH, Some("yes")).await;
    assert!(
        right_but_locked.body.contains("ロック"),
        "the right answer is refused while locked"
    );

    app.clock.advance(Duration::minutes(31));
    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    fresh.login(&card.temp_id, &card.temp_password).await;
    let ok = identity(&fresh, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(ok.location.as_deref(), Some("/register/profile"));
}

mod locks;
mod profile;
mod user_id_checks;
