//! The e-mail change asks for the current password (issue #10 item 6).

use reqwest::StatusCode;

use super::profile::{NEW_EMAIL, logged_in};
use super::{EMAIL, account, audit_actions, mails};

/// The recovery address decides where a forgotten password goes: a stolen session alone
/// (with a birth date) must not move it. The current password is asked, and a wrong one
/// counts like a failed login.
#[tokio::test]
async fn an_email_change_asks_for_the_current_password() {
    let app = logged_in().await;
    let ask = app.get("/menu/profile").await;
    assert!(ask.body.contains("現在のパスワード"), "{}", ask.body);
    assert!(ask.body.contains(r#"name="current_password""#));
    for (password, message) in [
        ("", "現在のパスワードを入力してください"),
        ("not-my-password1", "現在のパスワードが正しくありません"),
    ] {
        let fields = [("email", NEW_EMAIL), ("current_password", password)];
        let page = app
            .post_form("/menu/profile", "/menu/profile/email", &fields)
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            page.location
        );
        assert!(page.body.contains(r#"id="current_password-error""#));
        assert!(page.body.contains(message), "{}", page.body);
        assert!(page.body.contains(NEW_EMAIL), "what was typed stays");
        assert!(
            !page.body.contains("not-my-password1"),
            "but not the password"
        );
    }
    assert!(
        mails(&app).await.iter().all(|m| m.to != NEW_EMAIL),
        "nothing mailed"
    );
    let after = account(&app).await;
    assert_eq!(after.email, EMAIL);
    assert_eq!(after.failed_logins, 1, "the wrong password counted");
    assert!(
        audit_actions(&app)
            .await
            .contains(&"account.email_change_failed".to_string())
    );
}

/// Not a password oracle: the tenth wrong password in a row locks the account and ends
/// its sessions, as ten failed logins do.
#[tokio::test]
async fn wrong_passwords_at_the_email_change_lock_the_account() {
    let app = logged_in().await;
    let fields = [
        ("email", NEW_EMAIL),
        ("current_password", "not-my-password1"),
    ];
    for _ in 0..9 {
        let page = app
            .post_form("/menu/profile", "/menu/profile/email", &fields)
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let tenth = app
        .post_form("/menu/profile", "/menu/profile/email", &fields)
        .await;
    assert_eq!(tenth.location.as_deref(), Some("/"));
    assert!(account(&app).await.locked_until.is_some());
    assert_eq!(app.get("/menu").await.location.as_deref(), Some("/"));
    assert!(mails(&app).await.iter().all(|m| m.to != NEW_EMAIL));
}
