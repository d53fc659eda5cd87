//! `send-test-mail`'s explanations against a real plain SMTP server (aiosmtpd on loopback):
//! what an operator reads when the TLS setting does not fit the server.

use kenpo::mail::smtp::{SendError, SmtpConfig, TlsMode, send};

use crate::harness::smtp::SmtpServer;

fn loopback(port: u16, tls: TlsMode) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls,
        credentials: None,
        from: "kenpo@example.jp".into(),
        connections: 4,
    }
}

#[tokio::test]
async fn tls_settings_that_do_not_fit_a_plain_server_are_explained() {
    let server = SmtpServer::start();
    let implicit = send(
        &loopback(server.port, TlsMode::Implicit),
        "taro@example.jp",
        "s",
        "b",
    )
    .await;
    let starttls = send(
        &loopback(server.port, TlsMode::StartTls),
        "taro@example.jp",
        "s",
        "b",
    )
    .await;
    for result in [&implicit, &starttls] {
        let error = result
            .as_ref()
            .expect_err("TLS cannot work against a plain server");
        assert!(matches!(error, SendError::TlsMismatch { .. }), "{error:?}");
    }
    let implicit = implicit.expect_err("refused").explain();
    assert!(implicit.contains("try tls=starttls"), "{implicit}");
    let starttls = starttls.expect_err("refused").explain();
    assert!(starttls.contains("does not offer STARTTLS"), "{starttls}");
}
