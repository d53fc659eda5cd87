//! The foundation (issue 2) against the running app: headers, CSRF, cookies, health,
//! mail through a real SMTP server, and one owner per data file.

use std::process::Command;

use chrono::Duration;
use reqwest::StatusCode;

use crate::app::{AppOptions, TestApp, spawn_app, spawn_app_with};
use crate::harness::smtp::SmtpServer;
use crate::registration::{execute, first_card, up_to_confirm};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn every_kind_of_page_carries_the_security_headers() {
    let app = spawn_app().await;
    let login = app.get("/").await;
    let forbidden = app
        .client
        .post(format!("{}/", app.url))
        .send()
        .await
        .expect("post");
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let forbidden_headers = forbidden.headers().clone();
    for (path, page) in [
        ("/", login),
        ("/terms", app.get("/terms").await),
        ("/staff/login", app.get("/staff/login").await),
        ("/menu (redirect)", app.get("/menu").await),
        ("/nowhere (404)", app.get("/nowhere").await),
        ("/healthz", app.get("/healthz").await),
        ("/assets/kenpo.css", app.get("/assets/kenpo.css").await),
    ] {
        let h = &page.headers;
        assert_eq!(
            h.get("content-security-policy")
                .and_then(|v| v.to_str().ok()),
            Some(CSP),
            "{path}"
        );
        assert_eq!(
            h.get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert!(h.get("x-request-id").is_some(), "{path}");
        if !path.starts_with("/assets") && path != "/healthz" {
            assert_eq!(
                h.get("cache-control").and_then(|v| v.to_str().ok()),
                Some("no-store"),
                "{path}"
            );
        }
    }
    assert_eq!(
        forbidden_headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some(CSP)
    );
    let missing = app.get("/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("お問い合わせ番号"),
        "error pages show the request id"
    );
}

#[tokio::test]
async fn a_post_without_a_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.get("/").await; // the browser has its CSRF cookie
    let resp = app
        .client
        .post(format!("{}/", app.url))
        .form(&[
            ("user_id", card.temp_id.as_str()),
            ("password", card.temp_password.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("kenpo_session"))
    );
    let menu = app.get("/register/identity").await;
    assert_eq!(
        menu.location.as_deref(),
        Some("/"),
        "no session was created"
    );
    let cross = app
        .client
        .post(format!("{}/", app.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", "whatever")])
        .send()
        .await
        .expect("post");
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    let login = app.login(&card.temp_id, &card.temp_password).await;
    let cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kenpo_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http on loopback");
}

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

#[tokio::test]
async fn the_welcome_mail_arrives_with_its_japanese_subject_and_the_user_id() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
    let mail = smtp
        .wait_for_mail(
            |m| m.to.iter().any(|t| t == "taro@example.jp"),
            std::time::Duration::from_secs(20),
        )
        .await;
    assert_eq!(mail.subject, "けんぽWebへようこそ");
    assert!(mail.body.contains("Yamada.Taro"));
    assert!(!mail.body.contains("sakura2026go"), "never a password");
    assert!(!mail.body.contains("1976"), "never a birth date");
    // Once sent, the data file keeps no copy of the body.
    let store = app.running.as_ref().expect("running").state.store.clone();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let bodies: Vec<String> = store
            .read(|r| {
                let all = r.scan::<kenpo::mail::outbox::OutboxMail>("")?;
                Ok::<_, anyhow::Error>(all.into_iter().map(|(_, m)| m.body).collect())
            })
            .await
            .expect("read outbox");
        if bodies
            .iter()
            .all(|b| b == kenpo::mail::outbox::BODY_REMOVED)
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "sent bodies were kept"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_mail_queued_while_smtp_is_down_is_delivered_after_it_comes_back() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let app: TestApp = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
    let running = app.running.as_ref().expect("running");
    let attempts = |state: &kenpo::web::AppState| {
        let store = state.store.clone();
        async move {
            store
                .read(|r| {
                    let all = r.scan::<kenpo::mail::outbox::OutboxMail>("")?;
                    Ok::<_, anyhow::Error>(all.first().map(|(_, m)| (m.attempts, m.state)))
                })
                .await
                .expect("read")
        }
    };
    // Wait until the sender has tried once and failed (an event, not a sleep).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while attempts(&running.state).await.map(|(a, _)| a) != Some(1) {
        assert!(
            std::time::Instant::now() < deadline,
            "the sender never tried"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    smtp.restart();
    app.clock.advance(Duration::minutes(5));
    running.state.mail_wake.notify_one();
    let mail = smtp
        .wait_for_mail(
            |m| m.subject == "けんぽWebへようこそ",
            std::time::Duration::from_secs(20),
        )
        .await;
    assert!(mail.body.contains("Yamada.Taro"));
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
            let s = r.get::<kenpo::settings::UnionSettings>("union")?;
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
async fn behind_a_trusted_proxy_each_member_is_throttled_by_their_own_address() {
    let app = crate::app::spawn_app_behind_proxy().await;
    let card = first_card(&app).await;
    let login_from = |ip: &'static str, id: String, pw: String| {
        let app = &app;
        async move {
            let token = crate::app::csrf_of(&app.get("/").await.body);
            let fields = [
                ("user_id", id.as_str()),
                ("password", pw.as_str()),
                ("csrf", token.as_str()),
            ];
            let resp = app
                .client
                .post(format!("{}/", app.url))
                .header("x-forwarded-for", format!("198.51.100.9, {ip}"))
                .form(&fields)
                .send()
                .await
                .expect("post");
            resp.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        }
    };
    for n in 0..11 {
        login_from(
            "203.0.113.5",
            format!("nobody{n:04}x"),
            "wrong-pass1".into(),
        )
        .await;
    }
    let throttled = login_from(
        "203.0.113.5",
        card.temp_id.clone(),
        card.temp_password.clone(),
    )
    .await;
    assert_eq!(throttled, None, "the address that failed is throttled");
    let neighbour = login_from(
        "203.0.113.6",
        card.temp_id.clone(),
        card.temp_password.clone(),
    )
    .await;
    assert_eq!(
        neighbour.as_deref(),
        Some("/register/identity"),
        "another member behind the proxy is not"
    );
    let store = app.running.as_ref().expect("running").state.store.clone();
    let clients: Vec<Option<String>> = store
        .read(|r| {
            Ok::<_, anyhow::Error>(
                r.scan::<kenpo::audit::AuditEntry>("")?
                    .into_iter()
                    .map(|(_, e)| e.client)
                    .collect(),
            )
        })
        .await
        .expect("audit");
    assert!(
        clients.iter().any(|c| c.as_deref() == Some("203.0.113.5")),
        "the audit log names the member's address"
    );
    assert!(
        !clients.iter().any(|c| c.as_deref() == Some("198.51.100.9")),
        "a spoofed left-most hop is ignored"
    );
}

#[tokio::test]
async fn the_daily_sweep_removes_expired_sessions_and_keeps_live_ones() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    let store = app.running.as_ref().expect("running").state.store.clone();
    let count = |store: kenpo::store::Store| async move {
        store
            .read(|r| r.count::<kenpo::auth::model::Session>())
            .await
            .expect("count")
    };
    let now = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    let removed = tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, now))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(
        (removed, count(store.clone()).await),
        (0, 1),
        "a live session stays"
    );
    app.clock.advance(Duration::minutes(31));
    let later = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    let removed = tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, later))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(
        (removed, count(store).await),
        (1, 0),
        "an idle one is removed"
    );
}

#[tokio::test]
async fn the_daily_sweep_forgets_throttle_counts_after_a_quiet_day() {
    let app = spawn_app().await;
    app.login("nobody.here1", "wrong-pass1").await;
    let store = app.running.as_ref().expect("running").state.store.clone();
    let rows = |store: kenpo::store::Store| async move {
        store
            .read(|r| r.count::<kenpo::auth::throttle::Attempts>())
            .await
            .expect("count")
    };
    assert_eq!(
        rows(store.clone()).await,
        1,
        "the address's failure is counted"
    );
    app.clock.advance(Duration::hours(26));
    let later = kenpo::clock::Clock::now(&app.clock);
    let s = store.clone();
    tokio::task::spawn_blocking(move || kenpo::auth::sweep::sweep_expired(&s, later))
        .await
        .expect("join")
        .expect("sweep");
    assert_eq!(rows(store).await, 0);
}

#[tokio::test]
async fn error_pages_under_htmx_replace_the_body_not_the_main_area() {
    let app = spawn_app().await;
    let htmx = app
        .client
        .get(format!("{}/nowhere", app.url))
        .header("hx-request", "true")
        .send()
        .await
        .expect("get");
    assert_eq!(htmx.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        htmx.headers()
            .get("hx-retarget")
            .and_then(|v| v.to_str().ok()),
        Some("body")
    );
    assert!(
        htmx.headers().get("x-kenpo-whole-page").is_none(),
        "the internal marker never leaves"
    );
    let plain = app.get("/nowhere").await;
    assert!(plain.headers.get("hx-retarget").is_none());
    let form_error = app
        .client
        .post(format!("{}/", app.url))
        .header("hx-request", "true")
        .send()
        .await
        .expect("post");
    assert_eq!(form_error.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        form_error
            .headers()
            .get("hx-retarget")
            .and_then(|v| v.to_str().ok()),
        Some("body")
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
