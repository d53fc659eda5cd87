use super::fake_server::{Script, start};
use super::*;

const FROM: &str = "kenpo@example.jp";

fn parse(url: &str) -> Result<SmtpConfig, SmtpConfigError> {
    SmtpConfig::parse(url, FROM)
}

fn loopback(port: u16, tls: TlsMode) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls,
        credentials: None,
        from: FROM.into(),
    }
}

#[test]
fn starttls_is_the_default_with_port_587() {
    let config = parse("smtp://mail.example.jp").expect("valid");
    assert_eq!(config.host, "mail.example.jp");
    assert_eq!(config.port, 587);
    assert_eq!(config.tls, TlsMode::StartTls);
    assert_eq!(config.credentials, None);
    assert_eq!(config.from, FROM);
    let explicit = parse("smtp://mail.example.jp:2587/?tls=starttls").expect("valid");
    assert_eq!((explicit.port, explicit.tls), (2587, TlsMode::StartTls));
}

#[test]
fn implicit_tls_defaults_to_port_465() {
    let config = parse("smtp://smtp.example.jp?tls=implicit").expect("valid");
    assert_eq!((config.port, config.tls), (465, TlsMode::Implicit));
    let upper = parse("smtp://smtp.example.jp:10465?tls=IMPLICIT").expect("valid");
    assert_eq!((upper.port, upper.tls), (10465, TlsMode::Implicit));
}

#[test]
fn no_tls_defaults_to_port_25() {
    let config = parse("smtp://localhost?tls=none").expect("valid");
    assert_eq!(
        (config.host.as_str(), config.port, config.tls),
        ("localhost", 25, TlsMode::None)
    );
    let loopback = parse("smtp://127.0.0.1:2525?tls=none").expect("valid");
    assert_eq!((loopback.host.as_str(), loopback.port), ("127.0.0.1", 2525));
}

#[test]
fn credentials_are_percent_decoded() {
    let config =
        parse("smtp://kenpo%40example.jp:p%40ss%3Aw%2Frd%25+%E5%81%A5@mail.example.jp:587")
            .expect("valid");
    let expected = ("kenpo@example.jp".to_string(), "p@ss:w/rd%+健".to_string());
    assert_eq!(config.credentials, Some(expected));
}

#[test]
fn refuses_incomplete_or_broken_credentials() {
    assert_eq!(
        parse("smtp://user@mail.example.jp").err(),
        Some(SmtpConfigError::IncompleteCredentials)
    );
    assert_eq!(
        parse("smtp://:secret@mail.example.jp").err(),
        Some(SmtpConfigError::IncompleteCredentials)
    );
    assert_eq!(
        parse("smtp://user:p%zz@mail.example.jp").err(),
        Some(SmtpConfigError::BadEscape)
    );
}

#[test]
fn refuses_a_missing_host() {
    for url in [
        "smtp://",
        "smtp://:587",
        "smtp:///",
        "smtp://user:pass@:587",
    ] {
        assert_eq!(
            parse(url).err(),
            Some(SmtpConfigError::MissingHost),
            "{url}"
        );
    }
}

#[test]
fn refuses_other_schemes_and_non_urls() {
    assert_eq!(
        parse("smtps://mail.example.jp").err(),
        Some(SmtpConfigError::Scheme("smtps".into()))
    );
    assert!(matches!(
        parse("http://mail.example.jp"),
        Err(SmtpConfigError::Scheme(_))
    ));
    assert!(parse("mail.example.jp").is_err());
    assert!(parse("").is_err());
}

#[test]
fn refuses_unknown_tls_values_parameters_and_paths() {
    assert_eq!(
        parse("smtp://mail.example.jp?tls=startls").err(),
        Some(SmtpConfigError::TlsValue("startls".into()))
    );
    assert_eq!(
        parse("smtp://mail.example.jp?ssl=1").err(),
        Some(SmtpConfigError::UnknownParameter("ssl".into()))
    );
    assert_eq!(
        parse("smtp://mail.example.jp/inbox").err(),
        Some(SmtpConfigError::Path("/inbox".into()))
    );
}

#[test]
fn refuses_an_invalid_sender_address() {
    let result = SmtpConfig::parse("smtp://mail.example.jp", "kenpo at example");
    assert!(matches!(result, Err(SmtpConfigError::From(_))));
}

#[test]
fn debug_and_errors_never_show_the_password() {
    let config = parse("smtp://kenpo:hunter2secret@mail.example.jp").expect("valid");
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2secret"), "{debug}");
    assert!(
        debug.contains("kenpo") && debug.contains("<hidden>"),
        "{debug}"
    );
    let error = parse("smtp://kenpo:hunter2secret@mail.example.jp?tls=bogus").expect_err("refused");
    assert!(!error.to_string().contains("hunter2secret"));
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
