//! The `--smtp` URL: host, port, TLS mode and credentials, parsed once at start.

use std::fmt;

use crate::domain::email::{Email, EmailError};

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
    /// SMTP connections the outbox sender keeps open at once (`--smtp-connections`).
    pub connections: usize,
}

/// Connections the outbox sender uses unless `--smtp-connections` says otherwise.
pub const DEFAULT_CONNECTIONS: usize = 4;

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("password", &self.credentials.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("connections", &self.connections)
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
            connections: DEFAULT_CONNECTIONS,
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

#[cfg(test)]
mod tests;
