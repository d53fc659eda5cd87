//! The sender against a real SMTP server on loopback (ignored unless one runs).

use super::*;

/// Sends a Japanese welcome mail through a real SMTP server on loopback, e.g.
/// `python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox /tmp/maildir`.
/// Port from KENPO_TEST_SMTP_PORT (default 2525).
#[tokio::test]
#[ignore = "needs an SMTP server on 127.0.0.1"]
async fn sends_through_a_real_smtp_server() {
    let port = std::env::var("KENPO_TEST_SMTP_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(2525);
    let h = Harness::new();
    let mail = crate::mail::templates::welcome(
        "taro@example.jp",
        "けんぽWeb",
        "さくら健康保険組合",
        "yamada.taro1",
        "https://kenpo.example.jp/",
    );
    let now = h.clock.now();
    let id = h
        .store
        .write(move |w| enqueue(w, mail, now))
        .await
        .expect("enqueue");
    let sender = h.sender(Some(loopback(port)));
    let sent = sender.process_due().await.expect("round");
    let (mail, _) = h.mail(&id).await;
    assert_eq!(
        (sent, mail.state),
        (1, MailState::Sent),
        "{:?}",
        mail.last_error
    );
}
