//! Issue #10 item 5: a copy of the data file is no way in. Files kenpo writes are
//! owner-only, secrets in the data file are sealed with a key kept in another file, and
//! `serve` warns about a data file others can read.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use kenpo::clock::Clock as _;
use kenpo::jobs::Job;
use kenpo::mail::outbox::{MailState, OutboxMail, PendingMail};

use crate::account::{
    EMAIL, USER, assert_logged_in, forgot_id, forgot_password, link_in, mails, register,
    registered, temporary_password, value_after,
};
use crate::app::{AppOptions, INSURER, UNION, client, remote, spawn_app_with};
use crate::harness::smtp::SmtpServer;
use crate::registration::BIRTH;

/// The permission bits, in octal ("600").
fn mode(path: &Path) -> String {
    let mode = std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode();
    format!("{:o}", mode & 0o777)
}

fn kenpo(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(args)
        .env("KENPO_DATA", data)
        .stdin(Stdio::null())
        .output()
        .expect("run kenpo")
}

fn init(data: &Path) {
    let out = kenpo(
        data,
        &["init", "--union-name", UNION, "--insurer-number", INSURER],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_data_file_its_key_and_a_backup_are_owner_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    init(&data);
    assert_eq!(mode(&data), "600", "the data file");
    assert_eq!(mode(&dir.path().join("kenpo.redb.key")), "600", "its key");
    let copy = dir.path().join("copy.redb");
    let out = kenpo(&data, &["backup", copy.to_str().expect("utf-8 path")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&copy), "600", "the backup");
}

#[test]
fn a_data_file_opened_in_process_is_created_owner_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    kenpo::store::Store::open(&data).expect("open");
    assert_eq!(mode(&data), "600");
}

#[tokio::test]
async fn a_recovery_password_and_a_link_token_are_not_in_the_data_file_or_its_backup() {
    let app = registered().await;
    let password = temporary_password(&app).await;
    forgot_id(&app, EMAIL, BIRTH).await;
    let id_mail = mails(&app)
        .await
        .into_iter()
        .rev()
        .find(|m| m.subject.contains("ユーザID"))
        .expect("the user ID mail");
    let link = link_in(&app, &id_mail.body);
    let token = link.split("token=").nth(1).expect("a token").to_string();
    let raw = std::fs::read(&app.data).expect("read the data file");
    assert!(
        !contains(&raw, &password),
        "the temporary password is in the data file"
    );
    assert!(
        !contains(&raw, &token),
        "the link token is in the data file"
    );
    let data = app.data.clone();
    let backup = tokio::task::spawn_blocking(move || remote(&data, Job::Backup, None))
        .await
        .expect("join")
        .output
        .expect("a backup");
    assert!(!contains(&backup, &password), "in the backup");
    assert!(!contains(&backup, &token), "in the backup");
}

#[test]
fn the_csrf_key_is_not_in_the_data_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let store = kenpo::store::Store::open(&data).expect("open");
    let secrets = store
        .write_blocking(kenpo::jobs::ensure_secrets)
        .expect("secrets");
    drop(store);
    let raw = std::fs::read(&data).expect("read");
    assert!(
        !contains(&raw, &secrets.csrf_key),
        "the CSRF key is in the data file"
    );
}

#[test]
fn a_data_file_without_its_key_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    init(&data);
    let key = dir.path().join("kenpo.redb.key");
    std::fs::rename(&key, dir.path().join("elsewhere.key")).expect("move the key away");
    let copy = dir.path().join("copy.redb");
    let out = kenpo(&data, &["backup", copy.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&key.display().to_string()), "{stderr}");
    assert!(!key.exists(), "no new key replaces the lost one");
    // Another data file's key is refused too.
    let other = dir.path().join("other.redb");
    init(&other);
    std::fs::copy(dir.path().join("other.redb.key"), &key).expect("copy a foreign key");
    let out = kenpo(&data, &["backup", copy.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("another data file"), "{stderr}");
}

/// Runs `kenpo serve` until it answers, then stops it; returns what it logged.
fn serve_and_stop(data: &Path) -> String {
    let port = crate::harness::free_port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["serve", "--listen", &listen])
        .env("KENPO_DATA", data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kenpo serve");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["healthcheck", "--listen", &listen])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "kenpo serve never answered"
        );
    }
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let out = child.wait_with_output().expect("wait");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn serve_warns_about_a_data_file_others_can_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    init(&data);
    let private = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || serve_and_stop(&data))
            .await
            .expect("join")
    };
    assert!(
        !private.contains("readable by group or others"),
        "{private}"
    );
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let logged = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || serve_and_stop(&data))
            .await
            .expect("join")
    };
    assert!(
        logged.contains("readable by group or others")
            && logged.contains(&data.display().to_string()),
        "{logged}"
    );
}

#[tokio::test]
async fn a_sealed_recovery_mail_still_arrives_with_its_password() {
    let smtp = SmtpServer::start();
    let mut app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register(&app).await;
    app.client = client();
    forgot_password(&app, USER, EMAIL, BIRTH).await;
    let mail = smtp
        .wait_for_mail(
            |m| m.subject.contains("仮パスワード"),
            std::time::Duration::from_secs(20),
        )
        .await;
    let password = value_after(&mail.body, "仮パスワード：");
    assert_logged_in(&app.login(USER, &password).await, "/menu/password");
}

#[tokio::test]
async fn mail_queued_in_plain_text_by_an_older_kenpo_is_still_sent() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let running = app.running.as_ref().expect("running");
    let now = app.clock.now();
    running
        .state
        .store
        .write(move |w| {
            let id = w.next_id("outbox")?;
            let mail = OutboxMail {
                to: "old@example.jp".into(),
                subject: "以前のkenpoが作ったメール".into(),
                body: "平文のまま保存された本文".into(),
                created_at: now,
                state: MailState::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
                sent_at: None,
                secret: true,
            };
            w.put(&id, &mail)?;
            w.put(&id, &PendingMail)
        })
        .await
        .expect("queue a plain mail");
    running.state.mail_wake.notify_one();
    let mail = smtp
        .wait_for_mail(
            |m| m.to.iter().any(|t| t == "old@example.jp"),
            std::time::Duration::from_secs(20),
        )
        .await;
    assert!(
        mail.body.contains("平文のまま保存された本文"),
        "{}",
        mail.body
    );
}
