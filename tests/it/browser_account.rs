//! ID recovery and password recovery in real headless Chromium, reading the real mails
//! from the loopback SMTP server.

use std::time::Duration;

use crate::account::{EMAIL, USER, register, value_after};
use crate::app::{AppOptions, TestApp, client, spawn_app_with};
use crate::harness::browser::Browser;
use crate::harness::smtp::SmtpServer;
use crate::registration::BIRTH;

const WAIT: Duration = Duration::from_secs(15);

async fn registered_with_mail() -> (SmtpServer, TestApp) {
    let smtp = SmtpServer::start();
    let mut app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register(&app).await;
    app.client = client();
    (smtp, app)
}

/// The first URL of this app in a mail body.
fn url_in(app: &TestApp, body: &str) -> String {
    let start = body.find(&app.url).expect("a link to the app");
    body[start..]
        .split_whitespace()
        .next()
        .expect("url")
        .to_string()
}

#[tokio::test]
async fn a_member_recovers_the_user_id_from_the_mailed_link() {
    let (smtp, app) = registered_with_mail().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.click_link("IDを忘れた方はこちら").await;
    browser
        .wait_for_text("ご登録のメールアドレスと", WAIT)
        .await;
    browser.fill_by_label("メールアドレス", EMAIL).await;
    browser.fill_by_label("生年月日", BIRTH).await;
    browser.click_button("送信").await;
    browser.wait_for_text("受け付けました", WAIT).await;
    let mail = smtp
        .wait_for_mail(|m| m.subject == "【けんぽWeb】ユーザIDのお知らせ", WAIT)
        .await;
    assert_eq!(mail.to, [EMAIL]);
    assert!(!mail.body.contains("1976"), "no birth date in mails");
    let link = url_in(&app, &mail.body);
    browser.goto(&link).await;
    browser
        .wait_for_text("下のボタンを押すと、ご登録のユーザIDを表示します", WAIT)
        .await;
    assert!(
        !browser.body_text().await.contains(USER),
        "opening the link shows nothing yet"
    );
    browser.click_button("ユーザIDを表示する").await;
    browser
        .wait_for_text("ご登録のユーザIDは次のとおりです", WAIT)
        .await;
    assert!(browser.body_text().await.contains(USER));
    browser.goto(&link).await;
    browser.wait_for_text("このURLは無効です", WAIT).await;
    browser.close().await;
}

#[tokio::test]
async fn a_member_recovers_the_password_and_must_set_a_new_one() {
    let (smtp, app) = registered_with_mail().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.click_link("パスワードを忘れた方はこちら").await;
    browser
        .wait_for_text("仮パスワード（有効期限24時間）", WAIT)
        .await;
    browser.fill_by_label("ユーザID", "yamada.taro").await;
    browser.fill_by_label("メールアドレス", EMAIL).await;
    browser.fill_by_label("生年月日", BIRTH).await;
    browser.click_button("送信").await;
    browser.wait_for_text("受け付けました", WAIT).await;
    let mail = smtp
        .wait_for_mail(|m| m.subject == "【けんぽWeb】仮パスワードのお知らせ", WAIT)
        .await;
    let temporary = value_after(&mail.body, "仮パスワード：");
    browser.click_link("ログイン画面へ").await;
    browser
        .wait_for_text("ユーザIDとパスワードを入力後", WAIT)
        .await;
    browser.fill_by_label("ユーザID", USER).await;
    browser.fill_by_label("パスワード", &temporary).await;
    browser.click_button("ログイン").await;
    browser
        .wait_for_text("パスワードの変更が必要です", WAIT)
        .await;
    browser.fill_by_label("現在のパスワード", &temporary).await;
    browser
        .fill_by_label("新しいパスワード", "momiji2031ok")
        .await;
    browser
        .fill_by_label("新しいパスワード確認用", "momiji2031ok")
        .await;
    browser.click_button("変更").await;
    browser
        .wait_for_text("パスワードを変更しました", WAIT)
        .await;
    browser.click_link("メニューへ").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    let notice = smtp
        .wait_for_mail(
            |m| m.subject == "【けんぽWeb】パスワードが変更されました",
            WAIT,
        )
        .await;
    assert!(!notice.body.contains("momiji2031ok"));
    browser.close().await;
}

/// After an htmx login (the session rotates), every htmx form still passes its CSRF check;
/// the e-mail change asks for the current password and refuses a wrong one beside it.
#[tokio::test]
async fn a_member_changes_the_email_address_with_the_current_password() {
    let (smtp, app) = registered_with_mail().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", app.url)).await;
    browser.fill_by_label("ユーザID", USER).await;
    browser
        .fill_by_label("パスワード", crate::account::PASSWORD)
        .await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("ご登録の世帯", WAIT).await;
    browser.click_link("個人情報管理").await;
    browser.wait_for_text("現在のメールアドレス", WAIT).await;
    browser
        .fill_by_label("新しいメールアドレス", "hanako@example.com")
        .await;
    browser
        .fill_by_label("現在のパスワード", "not-my-password1")
        .await;
    browser.click_button("確認メールを送信").await;
    browser
        .wait_for_text("現在のパスワードが正しくありません", WAIT)
        .await;
    browser
        .fill_by_label("現在のパスワード", crate::account::PASSWORD)
        .await;
    browser.click_button("確認メールを送信").await;
    browser
        .wait_for_text("新しいメールアドレスに確認のメールをお送りしました", WAIT)
        .await;
    let mail = smtp
        .wait_for_mail(
            |m| m.subject == "【けんぽWeb】メールアドレス変更の確認",
            WAIT,
        )
        .await;
    assert_eq!(mail.to, ["hanako@example.com"]);
    browser.goto(&url_in(&app, &mail.body)).await;
    browser.click_button("メールアドレスを変更する").await;
    browser
        .wait_for_text("メールアドレスを変更しました", WAIT)
        .await;
    browser.close().await;
}
