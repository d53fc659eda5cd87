//! The real binary beside the running server: healthcheck, one owner per data file, staff
//! add and backup over the control socket, refusals before changes, and a clean stop.

use std::process::Command;

use reqwest::StatusCode;

use crate::app::{TestApp, spawn_app};
use crate::registration::first_card;
use kenpo::settings::SETTINGS;

#[tokio::test]
async fn healthz_and_the_healthcheck_command_tell_whether_the_server_answers() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.body, "ok");
    let addr = app.url.trim_start_matches("http://").to_string();
    // The command blocks: run it off the runtime that serves the app.
    let ok = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_kenpo"))
            .args(["healthcheck", "--listen", &addr])
            .output()
            .expect("run")
    })
    .await
    .expect("join");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let port = crate::harness::free_port();
    let down = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["healthcheck", "--listen", &format!("127.0.0.1:{port}")])
        .status()
        .expect("run");
    assert_eq!(down.code(), Some(1));
}

#[tokio::test]
async fn a_second_serve_on_the_same_file_exits_with_a_clear_message() {
    let app = spawn_app().await;
    let out = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("KENPO_DATA", &app.data)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is open in another process"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

/// Runs the real binary on the app's data file (handed to the server over the socket).
pub(crate) async fn kenpo(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let data = app.data.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kenpo"))
            .args(&args)
            .env("KENPO_DATA", &data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run kenpo");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn staff_added_beside_the_running_server_can_log_in_to_the_staff_pages() {
    let app = spawn_app().await;
    let out = kenpo(
        &app,
        &["staff", "add", "Clerk.One"],
        "a-long-staff-passphrase\n",
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("clerk.one"));
    assert!(
        said.contains("二要素認証"),
        "the first login asks for enrolment: {said}"
    );
    let weak = kenpo(&app, &["staff", "add", "clerk.two"], "short\n").await;
    assert_eq!(weak.status.code(), Some(1));
    // This test is about the login itself, with a password alone.
    app.staff_mfa_optional().await;

    assert_eq!(
        app.get("/staff").await.location.as_deref(),
        Some("/staff/login")
    );
    let wrong = app
        .post_form(
            "/staff/login",
            "/staff/login",
            &[("login", "clerk.one"), ("password", "nope")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = [
        ("login", "clerk.one"),
        ("password", "a-long-staff-passphrase"),
    ];
    let ok = app.post_form("/staff/login", "/staff/login", &fields).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"));
    let cookie = ok
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        cookie.starts_with("kenpo_staff=")
            && cookie.contains("Path=/staff")
            && cookie.contains("HttpOnly")
    );
    let home = app.get("/staff").await;
    assert!(home.body.contains("管理画面") && home.body.contains("Clerk.One"));
    assert_eq!(
        app.get("/menu").await.location.as_deref(),
        Some("/"),
        "a staff session is not a member session"
    );
}

#[tokio::test]
async fn backup_while_serving_writes_a_consistent_copy() {
    let app = spawn_app().await;
    first_card(&app).await;
    let target = app.dir.path().join("copy.redb");
    let out = kenpo(&app, &["backup", target.to_str().expect("utf-8 path")], "").await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = kenpo(&app, &["backup", target.to_str().expect("utf-8 path")], "").await;
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing file is never overwritten"
    );
    // A backup alone opens nothing: it needs the key file kept apart (as a restore does).
    assert!(matches!(
        kenpo::store::Store::open(&target),
        Err(kenpo::store::OpenError::KeyMissing { .. })
    ));
    let key = kenpo::store::seal::key_path;
    std::fs::copy(key(&app.data), key(&target)).expect("put the key beside the copy");
    let copy = kenpo::store::Store::open(&target).expect("the copy opens");
    let (settings, people) = copy
        .read_blocking(|r| {
            let s = r.get::<kenpo::settings::UnionSettings>(SETTINGS)?;
            Ok::<_, anyhow::Error>((s, r.count::<kenpo::domain::member::Person>()?))
        })
        .expect("read copy");
    assert_eq!(
        settings.map(|s| s.union_name).as_deref(),
        Some(crate::app::UNION)
    );
    assert_eq!(people, 6);
}

#[tokio::test]
async fn an_unwritable_postcard_file_is_refused_before_any_credential_changes() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    let bad = app.dir.path().join("no-such-dir/postcards.csv");
    let out = kenpo(
        &app,
        &[
            "credentials",
            "issue",
            "--household",
            "1201-105",
            "--out",
            bad.to_str().expect("utf-8"),
        ],
        "",
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    let still = app.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        still.location.as_deref(),
        Some("/register/identity"),
        "the old postcard still works"
    );
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm_and_lets_go_of_the_data_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let port = crate::harness::free_port();
    let listen = format!("127.0.0.1:{port}");
    let data_for_run = data.clone();
    let status = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kenpo"))
            .args(["serve", "--listen", &listen])
            .env("KENPO_DATA", &data_for_run)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start kenpo serve");
        // Wait for the event "the server answers" (bounded), then ask it to stop.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while Command::new(env!("CARGO_BIN_EXE_kenpo"))
            .args(["healthcheck", "--listen", &listen])
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "kenpo serve never answered"
            );
        }
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        child.wait().expect("wait")
    })
    .await
    .expect("join");
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    assert!(
        !kenpo::control::socket_path(&data).exists(),
        "the control socket is removed"
    );
    kenpo::store::Store::open(&data).expect("the data file is closed and opens again");
}
