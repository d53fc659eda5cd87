//! The real `kenpo serve` binary as a child process on a loopback port, for the tests that
//! stop it with a signal (issue #11 items 1 and 7): it is started, signalled, and its data
//! file reopened in this process afterwards.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use kenpo::jobs::{Job, JobIo};

use crate::app::{TestApp, client, run_local, t0};
use crate::harness::free_port;

const START_DEADLINE: Duration = Duration::from_secs(60);
const STOP_DEADLINE: Duration = Duration::from_secs(60);

/// `kenpo serve` running as a child process.
pub struct ServedBinary {
    pub child: Child,
    pub url: String,
    pub data: PathBuf,
    /// Its stderr (the log).
    pub log: PathBuf,
}

/// A new data file initialised with the test union in `dir`.
pub fn init_data(dir: &Path) -> PathBuf {
    let data = dir.join("kenpo.redb");
    run_local(
        &data,
        Job::Init {
            union_name: crate::app::UNION.into(),
            insurer_number: crate::app::INSURER.into(),
            service_name: None,
        },
        None,
    );
    data
}

/// Starts `kenpo serve` on `data` and returns once it accepts connections.
pub fn serve(data: &Path, smtp_port: Option<u16>) -> ServedBinary {
    let port = free_port();
    let log = data.with_extension(format!("serve-{port}.log"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kenpo"));
    cmd.arg("--data")
        .arg(data)
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env_remove("KENPO_SMTP_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).expect("create the serve log"));
    if let Some(smtp) = smtp_port {
        cmd.env(
            "KENPO_SMTP_URL",
            format!("smtp://127.0.0.1:{smtp}?tls=none"),
        )
        .env("KENPO_MAIL_FROM", "kenpo@example.jp");
    }
    let mut child = cmd.spawn().expect("start kenpo serve");
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let give_up = Instant::now() + START_DEADLINE;
    let socket = kenpo::control::socket_path(data);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() || !socket.exists()
    {
        if let Some(status) = child.try_wait().expect("poll kenpo serve") {
            panic!("kenpo serve exited with {status}:\n{}", read(&log));
        }
        assert!(
            Instant::now() < give_up,
            "kenpo serve did not listen:\n{}",
            read(&log)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    ServedBinary {
        child,
        url: format!("http://{addr}"),
        data: data.to_path_buf(),
        log,
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

impl ServedBinary {
    /// A test client for this server (its clock is not the server's: the binary runs on
    /// the system clock).
    pub fn app(&self) -> TestApp {
        TestApp {
            url: self.url.clone(),
            clock: kenpo::clock::ManualClock::new(t0()),
            client: client(),
            data: self.data.clone(),
            running: None,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill only sends a signal to our own child process.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(rc, 0, "signal the server");
    }

    /// Waits for the process to end (a stop that hangs fails the test).
    pub fn wait(&mut self) -> ExitStatus {
        let give_up = Instant::now() + STOP_DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll kenpo serve") {
                return status;
            }
            assert!(
                Instant::now() < give_up,
                "kenpo serve did not stop:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_text(&self) -> String {
        read(&self.log)
    }
}

impl Drop for ServedBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reports the first progress of a remote job on a channel (the job is then running on
/// the server), and keeps what it says.
pub struct Started {
    pub first_progress: Option<std::sync::mpsc::Sender<()>>,
    pub said: Vec<String>,
}

impl JobIo for Started {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::empty()))
    }
    fn progress(&mut self, _label: &str, _done: u64, _total: u64) {
        if let Some(tx) = self.first_progress.take() {
            let _ = tx.send(());
        }
    }
    fn say(&mut self, line: &str) {
        self.said.push(line.to_string());
    }
    fn output_file(&mut self, _path: &Path) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A claim file of `rows` rows for 山田 太郎 (1201-105-00), receipt numbers `{prefix}000000001`…
pub fn claim_file(prefix: char, rows: u32) -> Vec<u8> {
    let mut text = String::new();
    for i in 1..=rows {
        text.push_str(&format!(
            "{prefix}{i:09},1201,105,00,202507,外来,停止試験医院,1,1000,300,0\n"
        ));
    }
    crate::claims::csv(&text)
}
