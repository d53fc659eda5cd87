//! The SMTP connection: the `--smtp` URL, one mail sent through mail-send, and errors
//! explained in plain English for the operator who set the URL.

use crate::domain::email::Email;
use std::time::Duration;

mod config;
mod connection;

pub use config::{DEFAULT_CONNECTIONS, SmtpConfig, SmtpConfigError, TlsMode};
pub use connection::Connection;

/// How long one connection step (connect, greeting, TLS, login) may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Longest server reply kept in an explanation.
const MAX_REPLY_CHARS: usize = 300;

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

    /// Whether trying again cannot help: the server refused this mail for good (a 5xx
    /// reply, such as `550 5.1.1 User unknown`), or the address is not one.
    pub fn is_permanent(&self) -> bool {
        match self {
            SendError::Rejected { reply, .. } => reply.starts_with('5'),
            SendError::InvalidRecipient => true,
            _ => false,
        }
    }

    /// Whether the server as a whole is unusable right now (as opposed to this one mail):
    /// it cannot be reached or spoken to, or it is closing the session (`421`).
    pub fn is_server_problem(&self) -> bool {
        match self {
            SendError::Rejected { reply, .. } => reply.starts_with("421"),
            SendError::InvalidRecipient => false,
            _ => true,
        }
    }
}

/// Sends one plain-text UTF-8 mail over a connection of its own (`send-test-mail`).
/// Connecting, TLS and login are limited to 30 s each.
pub async fn send(
    config: &SmtpConfig,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), SendError> {
    Email::parse(to).map_err(|_| SendError::InvalidRecipient)?;
    let mut connection = Connection::open(config).await?;
    connection.send(config, to, subject, body).await?;
    connection.close().await;
    Ok(())
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
    if stage == Stage::Connect {
        // Refused before any mail was offered (RFC 5321 §3.1: `554` at the greeting means no
        // service here): the session is refused, not a mail. A server problem, so the round
        // pauses and no mail is given up for it.
        let reason = format!("the server refused the session before any mail ({reply})");
        return SendError::Other { server, reason };
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
