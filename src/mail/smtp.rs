//! The SMTP connection: the `--smtp` URL, one mail sent through mail-send, and errors
//! explained in plain English for the operator who set the URL.

use std::fmt;
use std::time::Duration;

use mail_send::mail_builder::MessageBuilder;
use mail_send::{SmtpClient, SmtpClientBuilder};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::domain::email::{Email, EmailError};

/// How long one connection step (connect, greeting, TLS, login) may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Longest server reply kept in an explanation.
const MAX_REPLY_CHARS: usize = 300;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Implicit,
    /// No TLS at all: only for a server on this machine or a trusted network.
    None,
}

impl TlsMode {
    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::StartTls => 587,
            TlsMode::Implicit => 465,
            TlsMode::None => 25,
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsMode::StartTls => "starttls",
            TlsMode::Implicit => "implicit",
            TlsMode::None => "none",
        })
    }
}

/// Where and how mail leaves: parsed from `smtp://[user:pass@]host:port[?tls=...]`.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// User name and password, percent-decoded.
    pub credentials: Option<(String, String)>,
    /// The sender address (`--mail-from`).
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("password", &self.credentials.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .finish()
    }
}

/// Why an `--smtp` URL or `--mail-from` address was refused. Never contains the password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SmtpConfigError {
    #[error(
        "the SMTP URL is not a valid URL ({0}); expected smtp://[user:pass@]host:port[?tls=starttls|implicit|none]"
    )]
    Invalid(String),
    #[error(
        "the SMTP URL must start with smtp:// (found {0}://); for TLS from the first byte use smtp://host:465?tls=implicit"
    )]
    Scheme(String),
    #[error("the SMTP URL names no host; expected smtp://[user:pass@]host:port")]
    MissingHost,
    #[error(
        "the SMTP URL has a user name but no password (or a password but no user name); write smtp://user:pass@host:port"
    )]
    IncompleteCredentials,
    #[error(
        "the user name or password in the SMTP URL has a broken %-escape; percent-encode special characters, e.g. @ as %40"
    )]
    BadEscape,
    #[error("unknown tls={0} in the SMTP URL; use tls=starttls, tls=implicit or tls=none")]
    TlsValue(String),
    #[error(
        "unknown parameter {0} in the SMTP URL; only ?tls=starttls|implicit|none is understood"
    )]
    UnknownParameter(String),
    #[error("the SMTP URL must not have a path (found {0})")]
    Path(String),
    #[error("the mail sender address (--mail-from / KENPO_MAIL_FROM) is not valid: {0}")]
    From(EmailError),
}

impl SmtpConfig {
    /// Parses `smtp://[user:pass@]host[:port][?tls=starttls|implicit|none]` and the sender address.
    /// The port defaults to 587 (starttls), 465 (implicit) or 25 (none).
    pub fn parse(url: &str, from: &str) -> Result<SmtpConfig, SmtpConfigError> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| match e {
            url::ParseError::EmptyHost => SmtpConfigError::MissingHost,
            other => SmtpConfigError::Invalid(other.to_string()),
        })?;
        if parsed.scheme() != "smtp" {
            return Err(SmtpConfigError::Scheme(parsed.scheme().to_string()));
        }
        let host = match parsed.host_str() {
            Some(host) if !host.is_empty() => host.to_string(),
            _ => return Err(SmtpConfigError::MissingHost),
        };
        if !parsed.path().is_empty() && parsed.path() != "/" {
            return Err(SmtpConfigError::Path(parsed.path().to_string()));
        }
        let tls = tls_mode(&parsed)?;
        let credentials = credentials(&parsed)?;
        let from = Email::parse(from).map_err(SmtpConfigError::From)?;
        Ok(SmtpConfig {
            host,
            port: parsed.port().unwrap_or(tls.default_port()),
            tls,
            credentials,
            from: from.as_str().to_string(),
        })
    }

    /// `host:port`, for messages.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

fn tls_mode(url: &url::Url) -> Result<TlsMode, SmtpConfigError> {
    let mut tls = TlsMode::StartTls;
    for (name, value) in url.query_pairs() {
        if name != "tls" {
            return Err(SmtpConfigError::UnknownParameter(name.into_owned()));
        }
        tls = match value.to_ascii_lowercase().as_str() {
            "starttls" => TlsMode::StartTls,
            "implicit" => TlsMode::Implicit,
            "none" => TlsMode::None,
            _ => return Err(SmtpConfigError::TlsValue(value.into_owned())),
        };
    }
    Ok(tls)
}

fn credentials(url: &url::Url) -> Result<Option<(String, String)>, SmtpConfigError> {
    match (url.username(), url.password()) {
        ("", None) => Ok(None),
        ("", Some(_)) | (_, None) => Err(SmtpConfigError::IncompleteCredentials),
        (user, Some(password)) => {
            let user = percent_decode(user).ok_or(SmtpConfigError::BadEscape)?;
            let password = percent_decode(password).ok_or(SmtpConfigError::BadEscape)?;
            Ok(Some((user, password)))
        }
    }
}

/// Decodes `%XX` escapes into UTF-8; `None` for a broken escape or invalid UTF-8.
fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Why a mail could not be handed to the SMTP server, in words an operator can act on.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SendError {
    #[error(
        "cannot reach the SMTP server {server}: {reason}; check the host and port in --smtp / KENPO_SMTP_URL and that the server accepts connections from here"
    )]
    Unreachable { server: String, reason: String },
    #[error("the TLS setting does not match the SMTP server {server}: {hint}")]
    TlsMismatch { server: String, hint: String },
    #[error(
        "the TLS certificate of the SMTP server {server} was not accepted ({reason}); it must be valid for the host name in --smtp and issued by a CA this machine trusts (self-signed certificates are refused)"
    )]
    Certificate { server: String, reason: String },
    #[error(
        "the SMTP server {server} refused the user name or password ({reply}); check user:pass in --smtp (percent-encode special characters, e.g. @ as %40)"
    )]
    AuthFailed { server: String, reply: String },
    #[error("the SMTP server {server} refused the mail: {reply}")]
    Rejected { server: String, reply: String },
    #[error("the recipient address of this mail is not a valid mail address")]
    InvalidRecipient,
    #[error("sending through the SMTP server {server} failed: {reason}")]
    Other { server: String, reason: String },
}

impl SendError {
    /// The explanation shown to staff and written to the log.
    pub fn explain(&self) -> String {
        self.to_string()
    }

    /// Whether the server as a whole is unusable right now (as opposed to this one mail).
    pub fn is_server_problem(&self) -> bool {
        !matches!(
            self,
            SendError::Rejected { .. } | SendError::InvalidRecipient
        )
    }
}

/// Sends one plain-text UTF-8 mail. Connecting, TLS and login are limited to 30 s each.
pub async fn send(
    config: &SmtpConfig,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), SendError> {
    let other = |reason: &str| SendError::Other {
        server: config.server(),
        reason: reason.to_string(),
    };
    let to = Email::parse(to).map_err(|_| SendError::InvalidRecipient)?;
    let message = MessageBuilder::new()
        .from(config.from.as_str())
        .to(to.as_str())
        .subject(subject)
        .text_body(body);
    let mut builder = SmtpClientBuilder::new(config.host.as_str(), config.port)
        .map_err(|e| other(&format!("cannot set up TLS: {e}")))?
        .timeout(TIMEOUT)
        .implicit_tls(config.tls == TlsMode::Implicit);
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials((user.as_str(), password.as_str()));
    }
    let connect_limit = TIMEOUT * 3;
    match config.tls {
        TlsMode::StartTls | TlsMode::Implicit => {
            match within(connect_limit, builder.connect()).await {
                Ok(client) => deliver(client, message, config).await,
                Err(e) => Err(connect_failure(e, config).await),
            }
        }
        TlsMode::None => match within(connect_limit, builder.connect_plain()).await {
            Ok(client) => deliver(client, message, config).await,
            Err(e) => Err(connect_failure(e, config).await),
        },
    }
}

/// Classifies a failed connection. A server that accepts TCP but never greets is almost
/// always one that waits for a TLS handshake: tell the operator so instead of "unreachable".
async fn connect_failure(error: mail_send::Error, config: &SmtpConfig) -> SendError {
    if matches!(error, mail_send::Error::Timeout) && config.tls != TlsMode::Implicit {
        let probe = tokio::net::TcpStream::connect((config.host.as_str(), config.port));
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(5), probe).await {
            let hint = format!(
                "the server on port {} accepts connections but sent no SMTP greeting within 30 seconds; it probably expects TLS from the first byte — try tls=implicit",
                config.port
            );
            return SendError::TlsMismatch {
                server: config.server(),
                hint,
            };
        }
    }
    classify(error, Stage::Connect, config)
}

async fn deliver<T: AsyncRead + AsyncWrite + Unpin>(
    mut client: SmtpClient<T>,
    message: MessageBuilder<'_>,
    config: &SmtpConfig,
) -> Result<(), SendError> {
    within(TIMEOUT * 4, client.send(message))
        .await
        .map_err(|e| classify(e, Stage::Send, config))?;
    // The mail is accepted once DATA is answered; a failed QUIT changes nothing.
    let _ = within(TIMEOUT, client.quit()).await;
    Ok(())
}

/// mail-send does not limit every read (the greeting of `connect_plain`), so limit the whole step.
async fn within<T>(
    limit: Duration,
    step: impl Future<Output = mail_send::Result<T>>,
) -> mail_send::Result<T> {
    tokio::time::timeout(limit, step)
        .await
        .unwrap_or(Err(mail_send::Error::Timeout))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Connecting, greeting, STARTTLS or TLS, EHLO and login.
    Connect,
    /// MAIL FROM, RCPT TO and DATA.
    Send,
}

/// A server reply on one line: code, enhanced status code if any, and text.
fn reply_text(code: u16, esc: [u8; 3], message: &str) -> String {
    let flat = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = flat.chars().take(MAX_REPLY_CHARS).collect();
    match esc {
        [0, 0, 0] => format!("{code} {short}"),
        [class, subject, detail] => format!("{code} {class}.{subject}.{detail} {short}"),
    }
}

fn classify(error: mail_send::Error, stage: Stage, config: &SmtpConfig) -> SendError {
    use mail_send::Error as E;
    let server = config.server();
    let port = config.port;
    let mismatch = |hint: String| SendError::TlsMismatch {
        server: server.clone(),
        hint,
    };
    let unreachable = |reason: &str| SendError::Unreachable {
        server: server.clone(),
        reason: reason.to_string(),
    };
    let other = |reason: String| SendError::Other {
        server: server.clone(),
        reason,
    };
    let expects_implicit = port == 465 && config.tls != TlsMode::Implicit;
    match (error, stage) {
        (E::Io(e), Stage::Connect) => match e.kind() {
            std::io::ErrorKind::ConnectionRefused => unreachable("the connection was refused (nothing listens on that port)"),
            std::io::ErrorKind::TimedOut => unreachable("the connection timed out"),
            std::io::ErrorKind::InvalidData => tls_failure(&e.to_string(), config),
            _ if is_dns_failure(&e) => unreachable("the host name could not be resolved (DNS)"),
            _ => unreachable(&e.to_string()),
        },
        (E::Tls(e), _) => tls_failure(&e.to_string(), config),
        (E::Timeout | E::UnparseableReply, Stage::Connect) if expects_implicit => mismatch(format!(
            "the server on port {port} sent no SMTP greeting; port 465 usually expects TLS from the first byte — try tls=implicit"
        )),
        (E::Timeout, Stage::Connect) => {
            unreachable("no answer within 30 seconds (a firewall, a wrong port, or a server expecting tls=implicit)")
        }
        (E::UnparseableReply, Stage::Connect) => other(
            "the server closed the connection or did not answer in SMTP; is this an SMTP port?".to_string(),
        ),
        (E::MissingStartTls, _) => mismatch(format!(
            "the server on port {port} does not offer STARTTLS — if it expects TLS from the first byte (usually port 465) try tls=implicit; use tls=none only for a server on this machine"
        )),
        (E::AuthenticationFailed(reply), _) => SendError::AuthFailed {
            server,
            reply: reply_text(reply.code, reply.esc, &reply.message),
        },
        (E::UnsupportedAuthMechanism, _) if config.tls == TlsMode::None => mismatch(
            "the server offers no login over a plain connection — most servers allow login only after TLS: try tls=starttls".to_string(),
        ),
        (E::UnsupportedAuthMechanism, _) => other(
            "the server offers no login method kenpo supports (PLAIN or LOGIN)".to_string(),
        ),
        (E::UnexpectedReply(reply), _) => unexpected_reply(reply.code, reply_text(reply.code, reply.esc, &reply.message), &reply.message, stage, config),
        (E::Timeout, Stage::Send) => other("the server stopped answering while the mail was sent".to_string()),
        (E::Io(e), Stage::Send) => other(format!("the connection broke while the mail was sent: {e}")),
        (E::UnparseableReply, Stage::Send) => other("the server closed the connection while the mail was sent".to_string()),
        (E::MissingMailFrom | E::MissingRcptTo, _) => other("the mail has no sender or no recipient".to_string()),
        (E::InvalidTLSName, _) => other(format!("{} is not a host name TLS can check", config.host)),
        (e, _) => other(e.to_string()),
    }
}

fn unexpected_reply(
    code: u16,
    reply: String,
    message: &str,
    stage: Stage,
    config: &SmtpConfig,
) -> SendError {
    let server = config.server();
    let lower = message.to_ascii_lowercase();
    if code == 530 && lower.contains("starttls") {
        let hint =
            format!("the server requires STARTTLS before sending ({reply}) — try tls=starttls");
        return SendError::TlsMismatch { server, hint };
    }
    if code == 530 || (stage == Stage::Send && lower.contains("authentication required")) {
        let reason = format!(
            "the server requires a login ({reply}) — add user:pass to the SMTP URL (smtp://user:pass@host:port)"
        );
        return SendError::Other { server, reason };
    }
    if code == 535 {
        return SendError::AuthFailed { server, reply };
    }
    SendError::Rejected { server, reply }
}

fn tls_failure(detail: &str, config: &SmtpConfig) -> SendError {
    let server = config.server();
    if detail.contains("certificate") {
        return SendError::Certificate {
            server,
            reason: detail.to_string(),
        };
    }
    let hint = match config.tls {
        TlsMode::Implicit => format!(
            "TLS could not start on port {} ({detail}); the server seems to speak plain SMTP first — try tls=starttls",
            config.port
        ),
        _ => format!("the TLS handshake after STARTTLS failed ({detail})"),
    };
    SendError::TlsMismatch { server, hint }
}

fn is_dns_failure(error: &std::io::Error) -> bool {
    let text = error.to_string();
    text.contains("lookup address") || text.contains("not known") || text.contains("resolve")
}

/// A scripted SMTP server on loopback for unit tests: speaks just enough SMTP, no TLS.
#[cfg(test)]
pub(crate) mod fake_server {
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::{TcpListener, TcpStream};

    /// How the fake server answers.
    #[derive(Debug, Clone)]
    pub(crate) struct Script {
        /// Advertise STARTTLS (which it cannot actually do).
        pub starttls: bool,
        /// Advertise AUTH PLAIN and answer every AUTH with this reply.
        pub auth_reply: Option<&'static str>,
        pub rcpt_reply: &'static str,
    }

    impl Default for Script {
        fn default() -> Self {
            Script {
                starttls: false,
                auth_reply: None,
                rcpt_reply: "250 2.1.5 OK",
            }
        }
    }

    pub(crate) struct FakeSmtp {
        pub port: u16,
        /// Every accepted message (the DATA part, lines joined with '\n').
        pub received: Arc<Mutex<Vec<String>>>,
    }

    impl FakeSmtp {
        pub fn messages(&self) -> Vec<String> {
            self.received.lock().map(|m| m.clone()).unwrap_or_default()
        }
    }

    pub(crate) async fn start(script: Script) -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake SMTP server");
        let port = listener.local_addr().expect("local address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, store) = (script.clone(), store.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, script, store).await;
                });
            }
        });
        FakeSmtp { port, received }
    }

    async fn serve(
        stream: TcpStream,
        script: Script,
        store: Arc<Mutex<Vec<String>>>,
    ) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake ESMTP\r\n").await?;
        while let Some(line) = lines.next_line().await? {
            let command = line.to_ascii_uppercase();
            let reply = if command.starts_with("EHLO") {
                let mut reply = String::from("250-fake\r\n");
                if script.starttls {
                    reply.push_str("250-STARTTLS\r\n");
                }
                if script.auth_reply.is_some() {
                    reply.push_str("250-AUTH PLAIN\r\n");
                }
                reply + "250 8BITMIME"
            } else if command.starts_with("AUTH") {
                script.auth_reply.unwrap_or("503 no AUTH here").to_string()
            } else if command.starts_with("MAIL") {
                "250 2.1.0 OK".to_string()
            } else if command.starts_with("RCPT") {
                script.rcpt_reply.to_string()
            } else if command == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                while let Some(line) = lines.next_line().await? {
                    if line == "." {
                        break;
                    }
                    data.push_str(&line);
                    data.push('\n');
                }
                store.lock().expect("fake server lock").push(data);
                "250 2.0.0 queued".to_string()
            } else if command == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                "500 unknown command".to_string()
            };
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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
        let error =
            parse("smtp://kenpo:hunter2secret@mail.example.jp?tls=bogus").expect_err("refused");
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

    /// Against a real plain SMTP server on loopback (Debian's aiosmtpd, as for the sender's
    /// ignored test): the explanations an operator sees for wrong TLS settings.
    #[tokio::test]
    #[ignore = "needs an SMTP server on 127.0.0.1"]
    async fn explains_tls_mismatches_against_a_real_plain_server() {
        let port = std::env::var("KENPO_TEST_SMTP_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(2525);
        let implicit = send(
            &loopback(port, TlsMode::Implicit),
            "taro@example.jp",
            "s",
            "b",
        )
        .await;
        let starttls = send(
            &loopback(port, TlsMode::StartTls),
            "taro@example.jp",
            "s",
            "b",
        )
        .await;
        for result in [&implicit, &starttls] {
            let error = result
                .as_ref()
                .expect_err("TLS cannot work against a plain server");
            println!("{}", error.explain());
            assert!(matches!(error, SendError::TlsMismatch { .. }), "{error:?}");
        }
        assert!(
            implicit
                .expect_err("refused")
                .explain()
                .contains("try tls=starttls")
        );
        assert!(
            starttls
                .expect_err("refused")
                .explain()
                .contains("does not offer STARTTLS")
        );
    }
}
