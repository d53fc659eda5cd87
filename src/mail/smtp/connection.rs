//! One SMTP session that carries several mails: opened once (greeting, TLS, login), then a
//! MAIL/RCPT/DATA transaction per mail, RSET after a refused one, QUIT at the end.
//!
//! The socket has `TCP_NODELAY` set: mail-send writes a mail's end (`\r\n.\r\n`) and
//! each command as small separate writes, and with Nagle's algorithm on, each of them waited
//! for the server's delayed ACK (about 40 ms on Linux) before it left.

use std::time::Duration;

use mail_send::SmtpClient;
use mail_send::mail_builder::MessageBuilder;
use mail_send::smtp::message::IntoMessage as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::{SendError, SmtpConfig, Stage, TIMEOUT, TlsMode, classify, connect_failure, within};
use crate::domain::email::Email;

/// A plain or TLS stream, so that one session type serves every TLS mode.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// An open SMTP session, ready for the next mail.
pub struct Connection {
    client: SmtpClient<Box<dyn Stream>>,
    /// Mails the server accepted on this connection.
    accepted: usize,
}

impl Connection {
    /// Connects, reads the greeting, says EHLO, starts TLS and logs in as `config` says.
    /// Connecting, TLS and login are limited to 30 s each.
    pub async fn open(config: &SmtpConfig) -> Result<Connection, SendError> {
        let mut builder = mail_send::SmtpClientBuilder::new(config.host.as_str(), config.port)
            .map_err(|e| SendError::Other {
                server: config.server(),
                reason: format!("cannot set up TLS: {e}"),
            })?
            .timeout(TIMEOUT)
            .implicit_tls(config.tls == TlsMode::Implicit);
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials((user.as_str(), password.as_str()));
        }
        let limit = TIMEOUT * 3;
        let stream: Box<dyn Stream> = match config.tls {
            TlsMode::StartTls | TlsMode::Implicit => match within(limit, builder.connect()).await {
                Ok(client) => {
                    no_delay(client.stream.get_ref().0);
                    Box::new(client.stream)
                }
                Err(e) => return Err(connect_failure(e, config).await),
            },
            TlsMode::None => match within(limit, builder.connect_plain()).await {
                Ok(client) => {
                    no_delay(&client.stream);
                    Box::new(client.stream)
                }
                Err(e) => return Err(connect_failure(e, config).await),
            },
        };
        Ok(Connection {
            client: SmtpClient {
                stream,
                timeout: TIMEOUT,
            },
            accepted: 0,
        })
    }

    /// Sends one plain-text UTF-8 mail; `Ok` once the server answered DATA with 2xx.
    /// After a [`SendError::Rejected`] the session is still usable once [`Self::reset`]
    /// succeeds; after any other error it must be dropped.
    pub async fn send(
        &mut self,
        config: &SmtpConfig,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), SendError> {
        let to = Email::parse(to).map_err(|_| SendError::InvalidRecipient)?;
        let message = MessageBuilder::new()
            .from(config.from.as_str())
            .to(to.as_str())
            .subject(subject)
            .text_body(body)
            .into_message()
            .map_err(|e| classify(e, Stage::Send, config))?;
        let from = &message.mail_from;
        within(
            TIMEOUT,
            self.client.mail_from(from.email.as_ref(), &from.parameters),
        )
        .await
        .map_err(|e| sender_refused(classify(e, Stage::Send, config), config))?;
        let client = &mut self.client;
        within(TIMEOUT * 3, async {
            for rcpt in &message.rcpt_to {
                client
                    .rcpt_to(rcpt.email.as_ref(), &rcpt.parameters)
                    .await?;
            }
            client.data(message.body.as_ref()).await
        })
        .await
        .map_err(|e| classify(e, Stage::Send, config))?;
        self.accepted += 1;
        Ok(())
    }

    /// Ends a refused transaction (RSET); false when the session is no longer usable.
    pub async fn reset(&mut self) -> bool {
        within(TIMEOUT, self.client.rset()).await.is_ok()
    }

    /// Mails the server accepted on this connection so far.
    pub fn accepted(&self) -> usize {
        self.accepted
    }

    /// Says QUIT. The mails are accepted already; a failed QUIT changes nothing.
    pub async fn close(self) {
        let _ = within(QUIT_LIMIT, self.client.quit()).await;
    }
}

/// A 5xx to MAIL FROM refuses the sender address, the same in every mail (`--mail-from`):
/// a server problem that pauses the round, not the refusal of this one mail.
fn sender_refused(error: SendError, config: &SmtpConfig) -> SendError {
    match error {
        SendError::Rejected { server, reply } if reply.starts_with('5') => SendError::Other {
            server,
            reason: format!(
                "the server refused the sender address {} ({reply}); check --mail-from",
                config.from
            ),
        },
        other => other,
    }
}

/// How long a QUIT may take before the connection is simply dropped.
const QUIT_LIMIT: Duration = Duration::from_secs(10);

fn no_delay(stream: &TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        // Mail still goes out, only slower: each small write waits for an ACK.
        tracing::warn!(error = %e, "TCP_NODELAY could not be set on the SMTP connection");
    }
}
