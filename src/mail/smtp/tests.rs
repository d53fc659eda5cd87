use super::fake_server::{Script, start};
use super::*;

const FROM: &str = "kenpo@example.jp";

fn loopback(port: u16, tls: TlsMode) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls,
        credentials: None,
        from: FROM.into(),
        connections: 4,
    }
}

#[tokio::test]
async fn sends_a_japanese_mail_with_encoded_headers() {
    let server = start(Script::default()).await;
    let config = loopback(server.port, TlsMode::None);
    send(
        &config,
        "taro@example.jp",
        "けんぽWebへようこそ",
        "本文です。\n2行目",
    )
    .await
    .expect("sent");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("From: <kenpo@example.jp>"), "{message}");
    assert!(message.contains("To: <taro@example.jp>"), "{message}");
    assert!(message.contains("Subject: =?utf-8?"), "{message}");
    assert!(
        !message.contains("ようこそ"),
        "headers and body are encoded: {message}"
    );
}

#[tokio::test]
async fn explains_a_refused_connection() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let error = send(&loopback(port, TlsMode::None), "taro@example.jp", "s", "b")
        .await
        .expect_err("refused");
    assert!(matches!(error, SendError::Unreachable { .. }), "{error:?}");
    assert!(error.explain().contains("refused"), "{}", error.explain());
    assert!(error.is_server_problem());
}

#[tokio::test]
async fn explains_a_server_without_starttls() {
    let server = start(Script::default()).await;
    let error = send(
        &loopback(server.port, TlsMode::StartTls),
        "taro@example.jp",
        "s",
        "b",
    )
    .await
    .expect_err("no STARTTLS");
    assert!(matches!(error, SendError::TlsMismatch { .. }), "{error:?}");
    assert!(
        error.explain().contains("does not offer STARTTLS"),
        "{}",
        error.explain()
    );
}

#[tokio::test]
async fn explains_implicit_tls_against_a_plain_server() {
    let server = start(Script::default()).await;
    let error = send(
        &loopback(server.port, TlsMode::Implicit),
        "taro@example.jp",
        "s",
        "b",
    )
    .await
    .expect_err("no TLS");
    assert!(matches!(error, SendError::TlsMismatch { .. }), "{error:?}");
    assert!(
        error.explain().contains("try tls=starttls"),
        "{}",
        error.explain()
    );
}

#[tokio::test]
async fn explains_a_refused_login_without_showing_the_password() {
    let script = Script {
        auth_reply: Some("535 5.7.8 Authentication credentials invalid"),
        ..Script::default()
    };
    let server = start(script).await;
    let mut config = loopback(server.port, TlsMode::None);
    config.credentials = Some(("kenpo".into(), "hunter2secret".into()));
    let error = send(&config, "taro@example.jp", "s", "b")
        .await
        .expect_err("refused");
    assert!(matches!(error, SendError::AuthFailed { .. }), "{error:?}");
    let explanation = error.explain();
    assert!(
        explanation.contains("refused the user name or password"),
        "{explanation}"
    );
    assert!(explanation.contains("535"), "{explanation}");
    assert!(!explanation.contains("hunter2secret"));
}

#[tokio::test]
async fn explains_a_refused_recipient_with_the_server_reply() {
    let script = Script {
        rcpt_reply: "550 5.1.1 Recipient address rejected: User unknown",
        ..Script::default()
    };
    let server = start(script).await;
    let error = send(
        &loopback(server.port, TlsMode::None),
        "nobody@example.jp",
        "s",
        "b",
    )
    .await
    .expect_err("rejected");
    assert!(matches!(error, SendError::Rejected { .. }), "{error:?}");
    assert!(
        error
            .explain()
            .contains("550 5.1.1 Recipient address rejected"),
        "{}",
        error.explain()
    );
    assert!(!error.is_server_problem());
}

#[tokio::test]
async fn refuses_an_invalid_recipient_before_connecting() {
    let error = send(&loopback(9, TlsMode::None), "not an address", "s", "b")
        .await
        .expect_err("invalid");
    assert_eq!(error, SendError::InvalidRecipient);
}

#[test]
fn only_a_5xx_refusal_or_a_bad_address_is_permanent() {
    let rejected = |reply: &str| SendError::Rejected {
        server: "mail.example.jp:25".into(),
        reply: reply.into(),
    };
    assert!(rejected("550 5.1.1 User unknown").is_permanent());
    assert!(!rejected("451 4.7.1 Try again later").is_permanent());
    assert!(SendError::InvalidRecipient.is_permanent());
    let down = SendError::Unreachable {
        server: "mail.example.jp:25".into(),
        reason: "refused".into(),
    };
    assert!(!down.is_permanent());
}

#[test]
fn a_421_means_the_server_is_closing_and_only_that_refusal_stops_the_round() {
    let rejected = |reply: &str| SendError::Rejected {
        server: "mail.example.jp:25".into(),
        reply: reply.into(),
    };
    let closing = rejected("421 4.3.2 Service shutting down");
    assert!(closing.is_server_problem());
    assert!(!closing.is_permanent(), "retried later");
    assert!(!rejected("450 4.2.1 Mailbox busy").is_server_problem());
    assert!(!rejected("550 5.1.1 User unknown").is_server_problem());
}
