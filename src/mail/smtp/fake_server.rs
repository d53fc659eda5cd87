//! A scripted SMTP peer for the error-classification tests.
//!
//! Test code only (`#[cfg(test)] mod fake_server`): an `expect` here fails the test's set-up.

use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// The answer to MAIL FROM.
    pub mail_reply: &'static str,
    /// The first line the server sends.
    pub greeting: &'static str,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            starttls: false,
            auth_reply: None,
            rcpt_reply: "250 2.1.5 OK",
            mail_reply: "250 2.1.0 OK",
            greeting: "220 fake ESMTP",
        }
    }
}

pub(crate) struct FakeSmtp {
    pub port: u16,
    /// Every accepted message (the DATA part, lines joined with '\n').
    pub received: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

impl FakeSmtp {
    pub fn messages(&self) -> Vec<String> {
        self.received.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

pub(crate) async fn start(script: Script) -> FakeSmtp {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake SMTP server");
    let port = listener.local_addr().expect("local address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (store, accepted) = (received.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            accepted.fetch_add(1, Ordering::SeqCst);
            let (script, store) = (script.clone(), store.clone());
            tokio::spawn(async move {
                let _ = serve(stream, script, store).await;
            });
        }
    });
    FakeSmtp {
        port,
        received,
        connections,
    }
}

async fn serve(
    stream: TcpStream,
    script: Script,
    store: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write
        .write_all(format!("{}\r\n", script.greeting).as_bytes())
        .await?;
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
        } else if command == "RSET" {
            "250 2.0.0 OK".to_string()
        } else if command.starts_with("MAIL") {
            script.mail_reply.to_string()
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
