//! 個人情報管理 and パスワード変更.

use chrono::Duration;
use reqwest::StatusCode;

use super::{
    EMAIL, PASSWORD, USER, account, assert_logged_in, audit_actions, change_password, last_mail,
    link_in, mails, open_link, registered, use_link,
};
use crate::app::{TestApp, client};

pub const NEW_EMAIL: &str = "hanako@example.com";
const CONFIRM_BUTTON: &str = "メールアドレスを変更する";
const CHANGED_SUBJECT: &str = "【けんぽWeb】メールアドレスが変更されました";

pub async fn logged_in() -> TestApp {
    let app = registered().await;
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    app
}

async fn request_email_change(app: &TestApp) -> String {
    let page = app
        .post_form(
            "/menu/profile",
            "/menu/profile/email",
            &[("email", NEW_EMAIL), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/menu/profile?done=email"),
        "{}",
        page.body
    );
    let mail = last_mail(app, "【けんぽWeb】メールアドレス変更の確認").await;
    assert_eq!(mail.to, NEW_EMAIL);
    link_in(app, &mail.body)
}

#[tokio::test]
async fn an_email_change_applies_only_when_the_new_address_confirms() {
    let app = logged_in().await;
    let link = request_email_change(&app).await;
    assert!(link.starts_with("/confirm-email?token="), "{link}");
    assert_eq!(
        account(&app).await.email,
        EMAIL,
        "nothing changes before the link"
    );
    assert!(app.get("/menu/profile").await.body.contains(EMAIL));
    let opened = open_link(&app, &link, CONFIRM_BUTTON).await;
    assert!(opened.body.contains(NEW_EMAIL));
    assert_eq!(account(&app).await.email, EMAIL, "opening changes nothing");
    let confirmed = use_link(&app, &link).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains(NEW_EMAIL));
    assert!(confirmed.body.contains("メールアドレスを変更しました"));
    assert_eq!(account(&app).await.email, NEW_EMAIL);
    let notice = last_mail(&app, CHANGED_SUBJECT).await;
    assert_eq!(notice.to, EMAIL, "the notice goes to the old address");
    assert_eq!(
        use_link(&app, &link).await.status,
        StatusCode::GONE,
        "single use"
    );
    assert_eq!(app.get(&link).await.status, StatusCode::GONE);
    assert!(
        audit_actions(&app)
            .await
            .contains(&"account.email_changed".to_string())
    );
}

#[tokio::test]
async fn the_email_confirmation_link_expires_after_a_day() {
    let app = logged_in().await;
    let link = request_email_change(&app).await;
    app.clock.advance(Duration::hours(24));
    let expired = app.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("このURLは無効です"));
    assert_eq!(use_link(&app, &link).await.status, StatusCode::GONE);
    assert_eq!(account(&app).await.email, EMAIL);
}

/// Mail scanners and link prefetchers open links before the member does: opening the
/// confirmation link (a GET, any number of times, in any browser) changes nothing.
#[tokio::test]
async fn opening_the_confirmation_link_changes_nothing_until_the_button() {
    let mut app = logged_in().await;
    let link = request_email_change(&app).await;
    let member = std::mem::replace(&mut app.client, client());
    for _ in 0..3 {
        open_link(&app, &link, CONFIRM_BUTTON).await;
    }
    assert_eq!(account(&app).await.email, EMAIL);
    assert!(
        mails(&app)
            .await
            .iter()
            .all(|m| m.subject != CHANGED_SUBJECT)
    );
    assert!(
        !audit_actions(&app)
            .await
            .contains(&"account.email_changed".to_string())
    );
    app.client = member;
    let confirmed = use_link(&app, &link).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(account(&app).await.email, NEW_EMAIL);
    assert!(
        confirmed.body.contains(r#"href="/menu/profile""#),
        "logged in"
    );
}

#[tokio::test]
async fn the_notification_setting_applies_at_once() {
    let app = logged_in().await;
    let off = app
        .post_form("/menu/profile", "/menu/profile/notify", &[])
        .await;
    assert_eq!(off.location.as_deref(), Some("/menu/profile?done=notify"));
    assert!(!account(&app).await.notify);
    let on = [("notify", "on")];
    app.post_form("/menu/profile", "/menu/profile/notify", &on)
        .await;
    assert!(account(&app).await.notify);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_sends_a_notice() {
    let mut app = logged_in().await;
    let first = std::mem::replace(&mut app.client, client());
    assert_logged_in(&app.login(USER, PASSWORD).await, "/menu");
    let second = std::mem::replace(&mut app.client, first);
    let done = change_password(&app, PASSWORD, "momiji2031ok").await;
    assert_eq!(
        done.location.as_deref(),
        Some("/menu/password?done=1"),
        "{}",
        done.body
    );
    assert!(
        app.get("/menu/password?done=1")
            .await
            .body
            .contains("パスワードを変更しました")
    );
    assert_eq!(
        app.get("/menu").await.status,
        StatusCode::OK,
        "this browser stays"
    );
    app.client = second;
    let other = app.get("/menu").await;
    assert_eq!(
        other.location.as_deref(),
        Some("/?expired=1"),
        "the other one ended"
    );
    let notice = last_mail(&app, "【けんぽWeb】パスワードが変更されました").await;
    assert_eq!(notice.to, EMAIL);
    assert!(!notice.body.contains("momiji2031ok") && !notice.body.contains(PASSWORD));
    assert!(mails(&app).await.iter().all(|m| !m.body.contains("1976")));
}

#[tokio::test]
async fn password_change_refusals_are_shown_beside_their_fields() {
    let app = logged_in().await;
    let wrong = change_password(&app, "not-my-password1", "momiji2031ok").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains(r#"id="current_password-error""#));
    assert!(wrong.body.contains("現在のパスワードが正しくありません"));
    let short = change_password(&app, PASSWORD, "abc123").await;
    assert!(short.body.contains(r#"id="password-error""#));
    let with_id = change_password(&app, PASSWORD, "yamada.taro99").await;
    assert_eq!(with_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    let same = change_password(&app, PASSWORD, PASSWORD).await;
    assert!(same.body.contains("現在のパスワードと異なるパスワード"));
    assert_eq!(account(&app).await.failed_logins, 1);
}

#[tokio::test]
async fn every_member_page_offers_logout_by_post() {
    let app = logged_in().await;
    for path in [
        "/menu",
        "/menu/profile",
        "/menu/password",
        "/menu/expenses",
        "/menu/benefits",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(r#"action="/logout""#), "{path}");
        assert!(page.body.contains(r#"method="post""#), "{path}");
    }
    let out = app.post_form("/menu", "/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/?logged_out=1"));
    assert_eq!(
        app.get("/menu/profile").await.location.as_deref(),
        Some("/")
    );
}

/// A logged-in session must not make the union's SMTP mail any address without end: the
/// fourth confirmation in a row waits a minute, refused beside the field, nothing mailed.
#[tokio::test]
async fn email_change_requests_are_throttled_per_account() {
    let app = logged_in().await;
    let mut last_link = String::new();
    for _ in 0..3 {
        last_link = request_email_change(&app).await;
    }
    let queued = mails(&app).await.len();
    let spam = [
        ("email", "victim@example.org"),
        ("current_password", PASSWORD),
    ];
    let refused = app
        .post_form("/menu/profile", "/menu/profile/email", &spam)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(r#"id="email-error""#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("しばらく送信できません"));
    assert!(
        refused.body.contains("victim@example.org"),
        "what was typed stays"
    );
    assert_eq!(mails(&app).await.len(), queued, "nothing mailed");
    assert!(
        mails(&app)
            .await
            .iter()
            .all(|m| m.to != "victim@example.org")
    );
    // The refused request leaves the pending confirmation alone.
    open_link(&app, &last_link, CONFIRM_BUTTON).await;
    app.clock.advance(Duration::seconds(59));
    let still = app
        .post_form("/menu/profile", "/menu/profile/email", &spam)
        .await;
    assert_eq!(still.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::seconds(1));
    request_email_change(&app).await;
    assert_eq!(mails(&app).await.len(), queued + 1);
}
