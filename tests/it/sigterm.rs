//! Graceful stop under load (issue #11 item 7): SIGTERM to the real `kenpo serve` while
//! members log in and a claim import runs through the control socket.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use kenpo::audit::AuditEntry;
use kenpo::claims::ClaimRecord;
use kenpo::jobs::Job;
use kenpo::store::Store;
use reqwest::StatusCode;

use crate::app::csrf_of;
use crate::binary::{ServedBinary, Started, claim_file, init_data, serve};
use crate::claims::register_yamada;
use crate::restore::{PASSWORD, USER};

const IMPORT_ROWS: u32 = 100_000;
const IN_FLIGHT: usize = 4;

/// A client on one kept-alive connection, proven open by an answered GET of the login page;
/// returns it with the page's CSRF token.
async fn open_connection(url: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let html = client
        .get(format!("{url}/"))
        .send()
        .await
        .expect("GET /")
        .text()
        .await
        .expect("login page");
    (client, csrf_of(&html))
}

async fn post_login(
    client: &reqwest::Client,
    url: &str,
    csrf: &str,
) -> reqwest::Result<StatusCode> {
    let form = [("user_id", USER), ("password", PASSWORD), ("csrf", csrf)];
    let resp = client.post(format!("{url}/")).form(&form).send().await?;
    let status = resp.status();
    resp.bytes().await?;
    Ok(status)
}

/// Logins over new connections until `stop`; counts answers and server errors. A refused
/// connection (the server has stopped listening) ends the worker.
fn storm(
    url: String,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.load(Ordering::SeqCst) {
            let client = crate::app::client();
            let Ok(page) = client.get(format!("{url}/")).send().await else {
                break;
            };
            if page.status().is_server_error() {
                errors.fetch_add(1, Ordering::SeqCst);
            }
            let Ok(html) = page.text().await else { break };
            let csrf = csrf_of(&html);
            match post_login(&client, &url, &csrf).await {
                Ok(status) if status.is_server_error() => {
                    errors.fetch_add(1, Ordering::SeqCst);
                }
                Ok(StatusCode::SEE_OTHER) => {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                Ok(other) => panic!("a login under load answered {other}"),
                Err(_) => break,
            }
        }
    })
}

/// Opens the data file after the stop: whether redb had to repair it, the claims held, and
/// the member logins recorded.
fn reopen(server: &ServedBinary) -> (Option<Duration>, u64, u64) {
    let store = Store::open(&server.data).expect("the data file opens");
    let (claims, logins) = store
        .read_blocking(|r| {
            let logins = r.scan::<AuditEntry>("")?;
            let logins = logins.iter().filter(|(_, e)| e.action == "login.succeeded");
            Ok::<_, anyhow::Error>((r.count::<ClaimRecord>()?, logins.count() as u64))
        })
        .expect("count claims and logins");
    (store.repaired(), claims, logins)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_logins_and_an_import_answers_them_and_closes_the_file_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = init_data(dir.path());
    let mut server = serve(&data, None);
    let app = server.app();
    register_yamada(&app).await;

    let stop = Arc::new(AtomicBool::new(false));
    let (answered, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            storm(
                server.url.clone(),
                stop.clone(),
                answered.clone(),
                errors.clone(),
            )
        })
        .collect();

    while answered.load(Ordering::SeqCst) < 4 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (started_tx, started) = std::sync::mpsc::channel();
    let import = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            let input = tempfile::NamedTempFile::new().expect("temp file");
            std::fs::write(input.path(), claim_file('S', IMPORT_ROWS)).expect("write claims");
            let mut io = Started {
                first_progress: Some(started_tx),
                said: Vec::new(),
            };
            let result = kenpo::control::run_remote(
                &data,
                Job::ImportClaims { publish: true },
                Some(input.path()),
                &mut io,
            );
            result.is_ok()
        })
    };
    tokio::task::spawn_blocking(move || started.recv())
        .await
        .expect("join")
        .expect("the import reports progress");

    // Logins sent on connections the server has already answered on.
    let mut in_flight = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (client, csrf) = open_connection(&server.url).await;
        let url = server.url.clone();
        in_flight.push(tokio::spawn(async move {
            post_login(&client, &url, &csrf).await
        }));
    }
    // Ordering only: a login is answered 400 ms after the server reads it, so the signal
    // comes while these are being handled (or not yet read, if the machine is very busy:
    // then no login happened for them, which the count of audit rows below checks).
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.signal(libc::SIGTERM);

    let status = tokio::task::block_in_place(|| server.wait());
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.expect("storm worker");
    }
    let mut in_flight_answered = 0;
    for request in in_flight {
        match request.await.expect("join") {
            Ok(StatusCode::SEE_OTHER) => in_flight_answered += 1,
            // Closed before any answer: the server had not read it (no login happened).
            Err(e) if e.is_request() => {}
            other => panic!("a login in flight at SIGTERM: {other:?}"),
        }
    }
    let imported = import.await.expect("join");
    assert!(status.success(), "exit {status}:\n{}", server.log_text());
    // A log written to a file is plain text: no terminal colour codes.
    let log = server.log_text();
    assert!(log.contains("served") && !log.contains('\u{1b}'), "{log}");
    assert_eq!(errors.load(Ordering::SeqCst), 0, "server errors under load");
    assert!(answered.load(Ordering::SeqCst) > 0, "the storm ran");
    assert!(
        !kenpo::control::socket_path(&data).exists(),
        "the control socket file is removed"
    );
    let (repaired, claims, logins) = reopen(&server);
    assert_eq!(
        repaired,
        None,
        "the next open needed redb's repair:\n{}",
        server.log_text()
    );
    let expected = if imported { u64::from(IMPORT_ROWS) } else { 0 };
    assert_eq!(
        claims, expected,
        "the import is all in or all out (finished: {imported})"
    );
    let answered = answered.load(Ordering::SeqCst) + in_flight_answered;
    assert_eq!(
        logins, answered,
        "every login the server made was answered ({in_flight_answered} of {IN_FLIGHT} in flight at the signal)"
    );
}

/// In process: once `stop()` returns, no thread holds the data file any more, even with a
/// control-socket import in progress at the stop (it finished or rolled back first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_waits_for_a_control_import_and_lets_go_of_the_data_file() {
    let mut app = crate::app::spawn_app().await;
    crate::registration::first_card(&app).await;
    let (started_tx, started) = std::sync::mpsc::channel();
    let import = {
        let data = app.data.clone();
        tokio::task::spawn_blocking(move || {
            let input = tempfile::NamedTempFile::new().expect("temp file");
            std::fs::write(input.path(), claim_file('T', IMPORT_ROWS)).expect("write claims");
            let mut io = Started {
                first_progress: Some(started_tx),
                said: Vec::new(),
            };
            let job = Job::ImportClaims { publish: false };
            kenpo::control::run_remote(&data, job, Some(input.path()), &mut io).is_ok()
        })
    };
    tokio::task::spawn_blocking(move || started.recv())
        .await
        .expect("join")
        .expect("the import reports progress");

    let running = app.running.take().expect("running");
    running.stop().await.expect("stops");

    let store = Store::open(&app.data).expect("no thread of the stopped server holds the file");
    let claims = store
        .read_blocking(|r| r.count::<ClaimRecord>())
        .expect("count claims");
    let imported = import.await.expect("join");
    let expected = if imported { u64::from(IMPORT_ROWS) } else { 0 };
    assert_eq!(claims, expected, "all in or all out (finished: {imported})");
    assert!(!kenpo::control::socket_path(&app.data).exists());
}
