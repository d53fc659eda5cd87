//! IDを忘れた方 and パスワードを忘れた方: mails, single use, expiry, throttling, unlock.

use chrono::{Duration, NaiveDate};
use kenpo::auth::model::Account;
use kenpo::domain::member::{HouseholdKey, Person};
use kenpo::store::key;
use reqwest::StatusCode;

use super::{
    EMAIL, PASSWORD, USER, account, assert_logged_in, assert_refused, audit_actions,
    change_password, forgot_id, forgot_password, last_mail, link_in, mails, open_link, registered,
    temporary_password, use_link,
};
use crate::app::client;
use crate::registration::BIRTH;

const ID_SUBJECT: &str = "【けんぽWeb】ユーザIDのお知らせ";
const SHOW_BUTTON: &str = "ユーザIDを表示する";

fn referrer(page: &crate::app::Page) -> &str {
    page.headers
        .get("referrer-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn forgot_id_mails_a_single_use_link_that_shows_the_user_id() {
    let app = registered().await;
    assert_eq!(referrer(&app.get("/forgot-id").await), "no-referrer");
    let sent = forgot_id(&app, "TARO@example.jp", BIRTH).await;
    assert_eq!(sent.location.as_deref(), Some("/forgot-id/sent"));
    assert_eq!(referrer(&sent), "no-referrer");
    let mail = last_mail(&app, ID_SUBJECT).await;
    assert_eq!(mail.to, EMAIL);
    assert!(!mail.body.contains("1976") && !mail.body.contains(PASSWORD));
    let link = link_in(&app, &mail.body);
    assert!(link.starts_with("/forgot-id/show?token="), "{link}");
    let opened = open_link(&app, &link, SHOW_BUTTON).await;
    assert!(!opened.body.contains(USER), "shown only after the button");
    assert_eq!(referrer(&opened), "no-referrer");
    let shown = use_link(&app, &link).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains(USER));
    assert_eq!(referrer(&shown), "no-referrer");
    let again = use_link(&app, &link).await;
    assert_eq!(again.status, StatusCode::GONE, "single use");
    assert!(!again.body.contains(USER));
    let reopened = app.get(&link).await;
    assert_eq!(reopened.status, StatusCode::GONE);
    assert!(reopened.body.contains("このURLは無効です"));
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"recovery.user_id_requested".to_string()));
    assert!(actions.contains(&"recovery.user_id_shown".to_string()));
}

#[tokio::test]
async fn the_user_id_link_expires_after_thirty_minutes() {
    let app = registered().await;
    forgot_id(&app, EMAIL, BIRTH).await;
    let link = link_in(&app, &last_mail(&app, ID_SUBJECT).await.body);
    app.clock.advance(Duration::minutes(30));
    let expired = app.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("このURLは無効です"));
    assert!(!expired.body.contains(SHOW_BUTTON));
    assert_eq!(use_link(&app, &link).await.status, StatusCode::GONE);
}

/// Mail scanners and link prefetchers open links before the member does: opening the link
/// (a GET, any number of times) must leave it usable, and log nothing as shown.
#[tokio::test]
async fn opening_the_user_id_link_uses_nothing_until_the_button() {
    let app = registered().await;
    forgot_id(&app, EMAIL, BIRTH).await;
    let link = link_in(&app, &last_mail(&app, ID_SUBJECT).await.body);
    for _ in 0..3 {
        let opened = open_link(&app, &link, SHOW_BUTTON).await;
        assert!(!opened.body.contains(USER));
    }
    let actions = audit_actions(&app).await;
    assert!(!actions.contains(&"recovery.user_id_shown".to_string()));
    // Another browser (the member's, after the scanner) still gets the ID.
    let mut app = app;
    app.client = client();
    open_link(&app, &link, SHOW_BUTTON).await;
    let shown = use_link(&app, &link).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains(USER));
    // An unknown token, or none, is told apart clearly.
    let unknown = "/forgot-id/show?token=not-a-real-token";
    assert_eq!(app.get(unknown).await.status, StatusCode::GONE);
    assert_eq!(app.get("/forgot-id/show").await.status, StatusCode::GONE);
}

#[tokio::test]
async fn forgot_id_mails_every_account_sharing_the_address() {
    let app = registered().await;
    let birth = NaiveDate::from_ymd_opt(1976, 4, 18).expect("date");
    app.store()
        .write(move |w| {
            let person_key = key(&["1201", "106", "00"]);
            let mut insured = w.get::<Person>(&person_key)?.expect("1201-106 imported");
            insured.birth_date = birth;
            w.put(&person_key, &insured)?;
            let mut other = w.get::<Account>("yamada.taro")?.expect("account");
            other.user_id = "Takahashi.Y1".into();
            other.household = HouseholdKey::new("1201", "106").expect("key");
            w.put("takahashi.y1", &other)
        })
        .await
        .expect("arrange a second account");
    forgot_id(&app, EMAIL, BIRTH).await;
    let links: Vec<String> = mails(&app)
        .await
        .iter()
        .filter(|m| m.subject == ID_SUBJECT)
        .map(|m| link_in(&app, &m.body))
        .collect();
    assert_eq!(links.len(), 2);
    let mut shown = Vec::new();
    for link in links {
        let body = use_link(&app, &link).await.body;
        shown.push(if body.contains(USER) {
            USER
        } else {
            "Takahashi.Y1"
        });
        assert!(body.contains(shown[shown.len() - 1]));
    }
    shown.sort();
    assert_eq!(shown, ["Takahashi.Y1", USER]);
}

#[tokio::test]
async fn the_old_password_works_until_the_temporary_one_is_used() {
    let mut app = registered().await;
    let temporary = temporary_password(&app).await;
    assert!(account(&app).await.recovery.is_some());
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    app.client = client();
    assert_logged_in(&app.login(USER, &temporary).await, "/menu/password");
    assert_eq!(
        app.get("/menu").await.location.as_deref(),
        Some("/menu/password")
    );
    app.client = client();
    assert_refused(&app.login(USER, PASSWORD).await);
    assert_logged_in(&app.login(USER, &temporary).await, "/menu/password");
    let done = change_password(&app, &temporary, "momiji2031ok").await;
    assert_eq!(
        done.location.as_deref(),
        Some("/menu/password?done=1"),
        "{}",
        done.body
    );
    app.client = client();
    app.clock.advance(Duration::minutes(5));
    assert_refused(&app.login(USER, &temporary).await);
    assert_logged_in(&app.login(USER, "momiji2031ok").await, "/menu");
    let actions = audit_actions(&app).await;
    for action in [
        "recovery.password_requested",
        "recovery.used",
        "account.password_changed",
    ] {
        assert!(actions.contains(&action.to_string()), "{action}");
    }
}

#[tokio::test]
async fn a_temporary_password_expires_after_twenty_four_hours() {
    let app = registered().await;
    let temporary = temporary_password(&app).await;
    app.clock.advance(Duration::hours(24));
    assert_refused(&app.login(USER, &temporary).await);
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
}

#[tokio::test]
async fn a_completed_recovery_unlocks_the_account() {
    let app = registered().await;
    for _ in 0..10 {
        app.clock.advance(Duration::minutes(2));
        assert_refused(&app.login(USER, "wrong-password-1").await);
    }
    assert!(account(&app).await.locked_until.is_some());
    let temporary = temporary_password(&app).await;
    app.clock.advance(Duration::minutes(1));
    assert_logged_in(&app.login(USER, &temporary).await, "/menu/password");
    assert!(account(&app).await.locked_until.is_none());
    assert!(
        audit_actions(&app)
            .await
            .contains(&"account.unlocked".to_string())
    );
}

#[tokio::test]
async fn recovery_mails_to_one_account_are_throttled() {
    let app = registered().await;
    for _ in 0..4 {
        let sent = forgot_password(&app, USER, EMAIL, BIRTH).await;
        assert_eq!(sent.location.as_deref(), Some("/forgot-password/sent"));
    }
    assert_eq!(
        temporary_mails(&app).await,
        3,
        "the fourth waits a minute, with the same answer"
    );
    app.clock.advance(Duration::minutes(1));
    forgot_password(&app, USER, EMAIL, BIRTH).await;
    assert_eq!(temporary_mails(&app).await, 4);
}

#[tokio::test]
async fn malformed_recovery_input_is_refused_beside_the_fields() {
    let app = registered().await;
    let page = forgot_password(&app, "", "not-an-address", "1976").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("ユーザIDを入力してください"));
    assert!(page.body.contains(r#"id="email-error""#));
    assert!(page.body.contains(r#"id="birth_date-error""#));
    assert!(
        mails(&app)
            .await
            .iter()
            .all(|m| !m.subject.contains("仮パスワード"))
    );
}

async fn temporary_mails(app: &crate::app::TestApp) -> usize {
    mails(app)
        .await
        .iter()
        .filter(|m| m.subject.contains("仮パスワード"))
        .count()
}
