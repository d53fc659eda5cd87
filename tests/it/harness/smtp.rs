//! A real SMTP server on loopback: Debian's `aiosmtpd` writing every mail it
//! receives into a Maildir, which the tests read back and decode, and counting its
//! connections (`rejecting_smtp.py` is the handler; it can also refuse on a script).

use std::fs::{self, File, OpenOptions};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};

use super::free_port;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const PYTHON: &str = "/usr/bin/python3";
const NOT_INSTALLED: &str =
    "aiosmtpd did not start: is python3-aiosmtpd installed? (apt-get install python3-aiosmtpd)";
const START_DEADLINE: Duration = Duration::from_secs(10);
const POLL_EVERY: Duration = Duration::from_millis(50);

/// One mail as the SMTP server received it, decoded.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// Envelope recipients (RCPT TO), or the `To:` addresses if the envelope is unknown.
    pub to: Vec<String>,
    /// The `From:` address.
    pub from: String,
    /// The decoded subject (RFC 2047 undone).
    pub subject: String,
    /// The decoded first text body (transfer encoding and charset undone).
    pub body: String,
    /// The mail as stored, headers and encoded body.
    pub raw: String,
}

/// `aiosmtpd` listening on `127.0.0.1:port`; killed on drop, its Maildir kept until then.
pub struct SmtpServer {
    pub port: u16,
    /// Holds `Maildir/` (created by aiosmtpd), `aiosmtpd.log` (its stderr) and
    /// `connections.log` (a line per connection).
    maildir: tempfile::TempDir,
    child: Child,
    /// Refusals to make (see `rejecting_smtp.py`).
    script: Vec<String>,
}

impl SmtpServer {
    /// Starts on a free loopback port.
    pub fn start() -> SmtpServer {
        Self::start_on(free_port())
    }

    /// Starts on the given loopback port, with a fresh Maildir.
    pub fn start_on(port: u16) -> SmtpServer {
        Self::start_rejecting_on(port, &[])
    }

    /// Starts on a free loopback port; RCPT TO of one of `rejected` is answered
    /// `550 5.1.1 <address>: Recipient address rejected: User unknown`.
    pub fn start_rejecting(rejected: &[&str]) -> SmtpServer {
        Self::start_rejecting_on(free_port(), rejected)
    }

    /// Starts on a free loopback port with a script of refusals: `address` (550 for good),
    /// `address=450` (the first RCPT TO refused for now), `421@K` (the first K MAIL FROMs are
    /// accepted, every later one is answered 421 and its connection closed, until a restart).
    pub fn start_scripted(script: &[&str]) -> SmtpServer {
        Self::start_rejecting_on(free_port(), script)
    }

    fn start_rejecting_on(port: u16, script: &[&str]) -> SmtpServer {
        let maildir = tempfile::tempdir().expect("create a temp dir for the Maildir");
        let script: Vec<String> = script.iter().map(|a| a.to_string()).collect();
        let child = spawn_aiosmtpd(maildir.path(), port, &script);
        SmtpServer {
            port,
            maildir,
            child,
            script,
        }
    }

    /// Connections that said EHLO so far (across restarts).
    pub fn connections(&self) -> usize {
        fs::read_to_string(self.maildir.path().join("connections.log"))
            .map(|log| log.lines().count())
            .unwrap_or(0)
    }

    /// Kills the server and waits for it; the received mails stay readable.
    pub fn stop(&mut self) {
        if self.child.try_wait().expect("poll aiosmtpd").is_none() {
            // Already exited is fine: kill only fails then.
            let _ = self.child.kill();
        }
        self.child.wait().expect("wait for aiosmtpd to exit");
    }

    /// Stops (if running) and starts again on the same port with the same Maildir.
    pub fn restart(&mut self) {
        self.stop();
        self.child = spawn_aiosmtpd(self.maildir.path(), self.port, &self.script);
    }

    /// Stops (if running) and starts again on the same port and Maildir with a new script.
    pub fn restart_scripted(&mut self, script: &[&str]) {
        self.script = script.iter().map(|a| a.to_string()).collect();
        self.restart();
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("poll aiosmtpd").is_none()
    }

    /// Every mail received so far (across restarts), oldest first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        let root = self.maildir.path().join("Maildir");
        let mut files: Vec<(SystemTime, PathBuf)> = ["new", "cur"]
            .iter()
            .filter_map(|sub| fs::read_dir(root.join(sub)).ok())
            .flatten()
            .map(|entry| entry.expect("read a Maildir entry").path())
            .filter(|path| path.is_file())
            .map(|path| (mtime(&path), path))
            .collect();
        files.sort();
        files.iter().map(|(_, path)| parse_mail(path)).collect()
    }

    /// Polls until a mail matching `pred` has arrived; panics with the subjects
    /// received so far when `deadline` passes.
    pub async fn wait_for_mail(
        &self,
        pred: impl Fn(&ReceivedMail) -> bool,
        deadline: Duration,
    ) -> ReceivedMail {
        let give_up = Instant::now() + deadline;
        loop {
            let mails = self.mails();
            if let Some(found) = mails.iter().find(|m| pred(m)) {
                return found.clone();
            }
            if Instant::now() >= give_up {
                let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
                panic!("no matching mail within {deadline:?}; received subjects: {subjects:?}");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns aiosmtpd and returns once it accepts TCP connections on `port`.
fn spawn_aiosmtpd(dir: &Path, port: u16, script: &[String]) -> Child {
    let log_path = dir.join("aiosmtpd.log");
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .expect("open aiosmtpd.log");
    let mut child = Command::new(PYTHON)
        .env(
            "PYTHONPATH",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/harness"),
        )
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "rejecting_smtp.Rejecting"])
        .arg(dir.join("Maildir"))
        .args(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{NOT_INSTALLED}: cannot run {PYTHON}: {e}"));
    wait_until_listening(&mut child, port, &log_path);
    child
}

fn wait_until_listening(child: &mut Child, port: u16, log_path: &Path) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let give_up = Instant::now() + START_DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("poll aiosmtpd") {
            let log = fs::read_to_string(log_path).unwrap_or_default();
            panic!("{NOT_INSTALLED}\n{PYTHON} -m aiosmtpd exited with {status}:\n{log}");
        }
        if TcpStream::connect_timeout(&addr, POLL_EVERY).is_ok() {
            return;
        }
        if Instant::now() >= give_up {
            let _ = child.kill();
            let _ = child.wait();
            let log = fs::read_to_string(log_path).unwrap_or_default();
            panic!("{NOT_INSTALLED}\nnot listening on {addr} after {START_DEADLINE:?}:\n{log}");
        }
        std::thread::sleep(POLL_EVERY);
    }
}

fn mtime(path: &Path) -> SystemTime {
    File::open(path)
        .and_then(|f| f.metadata())
        .and_then(|m| m.modified())
        .expect("read a mail's mtime")
}

fn parse_mail(path: &Path) -> ReceivedMail {
    let bytes = fs::read(path).expect("read a mail file");
    let message = mail_parser::MessageParser::default()
        .parse(&bytes)
        .unwrap_or_else(|| panic!("cannot parse the mail in {}", path.display()));
    let header_to: Vec<String> = message
        .to()
        .map(|a| {
            a.iter()
                .filter_map(|addr| addr.address())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let envelope_to: Vec<String> = message
        .header_raw("X-RcptTo")
        .map(|raw| {
            raw.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    ReceivedMail {
        to: if envelope_to.is_empty() {
            header_to
        } else {
            envelope_to
        },
        from: message
            .from()
            .and_then(|a| a.first())
            .and_then(|addr| addr.address())
            .unwrap_or_default()
            .to_string(),
        subject: message.subject().unwrap_or_default().to_string(),
        body: message
            .body_text(0)
            .map(|b| b.into_owned())
            .unwrap_or_default(),
        raw: String::from_utf8_lossy(&bytes).into_owned(),
    }
}
