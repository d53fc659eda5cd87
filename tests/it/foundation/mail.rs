//! Mail through a real SMTP server: the welcome mail, and a mail queued while SMTP is down.

use chrono::Duration;

use crate::app::{AppOptions, TestApp, spawn_app_with};
use crate::harness::smtp::SmtpServer;
use crate::registration::{execute, first_card, up_to_confirm};

#[tokio::test]
async fn the_welcome_mail_arrives_with_its_japanese_subject_and_the_user_id() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
    let mail = smtp
        .wait_for_mail(
            |m| m.to.iter().any(|t| t == "taro@example.jp"),
            std::time::Duration::from_secs(20),
        )
        .await;
    assert_eq!(mail.subject, "けんぽWebへようこそ");
    assert!(mail.body.contains("Yamada.Taro"));
    assert!(!mail.body.contains("sakura2026go"), "never a password");
    assert!(!mail.body.contains("1976"), "never a birth date");
    // Once sent, the data file keeps no copy of the body.
    let store = app.store();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let bodies: Vec<String> = store
            .read(|r| {
                let all = r.scan::<kenpo::mail::outbox::OutboxMail>("")?;
                Ok::<_, anyhow::Error>(all.into_iter().map(|(_, m)| m.body).collect())
            })
            .await
            .expect("read outbox");
        if bodies
            .iter()
            .all(|b| b == kenpo::mail::outbox::BODY_REMOVED)
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sent bodies were kept"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_mail_queued_while_smtp_is_down_is_delivered_after_it_comes_back() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let app: TestApp = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
    let running = app.running.as_ref().expect("running");
    let attempts = |state: &kenpo::web::AppState| {
        let store = state.store.clone();
        async move {
            store
                .read(|r| {
                    let all = r.scan::<kenpo::mail::outbox::OutboxMail>("")?;
                    Ok::<_, anyhow::Error>(all.first().map(|(_, m)| (m.attempts, m.state)))
                })
                .await
                .expect("read")
        }
    };
    // Wait until the sender has tried once and failed (an event, not a sleep).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while attempts(&running.state).await.map(|(a, _)| a) != Some(1) {
        assert!(
            std::time::Instant::now() < deadline,
            "the sender never tried"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    smtp.restart();
    app.clock.advance(Duration::minutes(5));
    running.state.mail_wake.notify_one();
    let mail = smtp
        .wait_for_mail(
            |m| m.subject == "けんぽWebへようこそ",
            std::time::Duration::from_secs(20),
        )
        .await;
    assert!(mail.body.contains("Yamada.Taro"));
}
