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
pub(crate) mod fake_server;

#[cfg(test)]
mod tests;
