//! 送信メール: the recipient stays masked everywhere on the screen, the last error included.

use kenpo::clock::Clock as _;
use kenpo::mail::outbox::{MailState, OutboxMail};

use super::admin;
use crate::app::spawn_app;

#[tokio::test]
async fn the_last_error_of_a_failed_mail_shows_the_address_masked() {
    let app = spawn_app().await;
    admin(&app).await;
    let now = app.clock.now();
    let mail = OutboxMail {
        to: "taro@example.jp".into(),
        subject: "テスト".into(),
        body: "本文".into(),
        created_at: now,
        state: MailState::Failed,
        attempts: 5,
        next_attempt_at: now,
        last_error: Some("550 5.1.1 <taro@example.jp>: Recipient address rejected".into()),
        sent_at: None,
        secret: false,
    };
    let store = app.store();
    store
        .write(move |w| w.put("99999999", &mail))
        .await
        .expect("put");
    let page = app.get("/staff/outbox?state=failed").await;
    assert!(
        page.body.contains("Recipient address rejected"),
        "{}",
        page.body
    );
    assert!(page.body.contains("ta***@example.jp"), "{}", page.body);
    assert!(!page.body.contains("taro@example.jp"), "{}", page.body);
}
