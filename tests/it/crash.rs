//! Crash (issue #11 item 1, the suite's cheap version): SIGKILL to the real `kenpo serve`
//! at a random point of a registration storm and a claim import. Afterwards the file opens,
//! every registration whose 完了 screen was answered is there with its queued mail and can
//! log in, and the import is all in or all out. `scripts/faults` does the same on a
//! million-claim file, five times over.

use std::sync::{Arc, Mutex};

use kenpo::auth::model::Account;
use kenpo::claims::ClaimRecord;
use kenpo::jobs::Job;
use kenpo::mail::outbox::OutboxMail;
use kenpo::store::Store;
use rand::Rng as _;
use reqwest::StatusCode;

use crate::app::{client, csrf_of, parse_csv, remote};
use crate::binary::{Started, claim_file, init_data, serve};

const HOUSEHOLDS: u32 = 40;
const IMPORT_ROWS: u32 = 30_000;
const PASSWORD: &str = "sakura2026go";

fn members() -> Vec<u8> {
    let mut text = String::from(
        "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所\n",
    );
    for i in 1..=HOUSEHOLDS {
        text.push_str(&format!(
            "1400,{i},00,試験　太郎,シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区1-{i}\n"
        ));
    }
    text.into_bytes()
}

/// Posts a form with the CSRF token of `page`; the redirect target.
async fn post(
    browser: &reqwest::Client,
    url: &str,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<Option<String>, reqwest::Error> {
    let html = browser
        .get(format!("{url}{page}"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = csrf_of(&html);
    let mut all = fields.to_vec();
    all.push(("csrf", &csrf));
    let resp = browser
        .post(format!("{url}{path}"))
        .form(&all)
        .send()
        .await?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    resp.bytes().await?;
    Ok(location)
}

/// One wizard step: the form's page, where it posts, its fields, where it must lead.
type Step<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str);

/// The registration wizard with one postcard; `Ok(true)` once the 完了 screen answered.
async fn register(url: &str, card: &[String], user: &str) -> Result<bool, reqwest::Error> {
    let browser = client();
    let email = format!("{}@example.jp", user.to_lowercase());
    let steps: [Step; 4] = [
        (
            "/",
            "/",
            vec![("user_id", &card[5]), ("password", &card[6])],
            "/register/identity",
        ),
        (
            "/register/identity",
            "/register/identity",
            vec![
                ("insurer_number", crate::app::INSURER),
                ("birth_date", "19700101"),
                ("agree", "yes"),
            ],
            "/register/profile",
        ),
        (
            "/register/profile",
            "/register/profile",
            vec![
                ("user_id", user),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("email", &email),
                ("notify", "on"),
            ],
            "/register/confirm",
        ),
        (
            "/register/confirm",
            "/register/execute",
            vec![],
            "/register/done",
        ),
    ];
    for (page, path, fields, expect) in steps {
        let location = post(&browser, url, page, path, &fields).await?;
        assert_eq!(location.as_deref(), Some(expect), "{path} under load");
    }
    let done = browser.get(format!("{url}/register/done")).send().await?;
    let ok = done.status() == StatusCode::OK;
    Ok(ok && done.text().await?.contains("これで初期登録は終了です"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_registrations_and_an_import_loses_nothing_that_was_answered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = init_data(dir.path());
    let server = serve(&data, None);
    let cards = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            remote(&data, Job::ImportMembers, Some(members()));
            let io = remote(&data, Job::IssueCredentials { households: vec![] }, None);
            parse_csv(&io.output.expect("postcards"))
        })
        .await
        .expect("join")
    };
    let cards: Vec<Vec<String>> = cards.into_iter().skip(1).collect();
    assert_eq!(cards.len(), HOUSEHOLDS as usize);

    // The kill comes after a random number of answered registrations, with the import running.
    let kill_after = rand::rng().random_range(1..=12usize);
    let done: Arc<Mutex<Vec<String>>> = Arc::default();
    let (started_tx, started) = std::sync::mpsc::channel();
    let import = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            let input = tempfile::NamedTempFile::new().expect("temp file");
            std::fs::write(input.path(), claim_file('K', IMPORT_ROWS)).expect("write claims");
            let mut io = Started {
                first_progress: Some(started_tx),
                said: Vec::new(),
            };
            let job = Job::ImportClaims { publish: true };
            kenpo::control::run_remote(&data, job, Some(input.path()), &mut io).is_ok()
        })
    };
    tokio::task::spawn_blocking(move || started.recv())
        .await
        .expect("join")
        .expect("the import reports progress");
    let queue = Arc::new(Mutex::new(cards));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (queue, done, url) = (queue.clone(), done.clone(), server.url.clone());
            tokio::spawn(async move {
                loop {
                    let Some(card) = queue.lock().expect("queue").pop() else {
                        return;
                    };
                    let user = format!("crash{:0>4}", card[1]);
                    match register(&url, &card, &user).await {
                        Ok(true) => done.lock().expect("done").push(user),
                        Ok(false) => panic!("the 完了 screen was not shown"),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while done.lock().expect("done").len() < kill_after {
        assert!(
            std::time::Instant::now() < give_up && !workers.iter().all(|w| w.is_finished()),
            "the registrations stopped before the kill:\n{}",
            server.log_text()
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.signal(libc::SIGKILL);
    let mut server = server;
    tokio::task::block_in_place(|| server.wait());
    for worker in workers {
        worker.await.expect("a worker");
    }
    let imported = import.await.expect("join");
    let registered = done.lock().expect("done").clone();

    let store = Store::open(&data).expect("the file opens after SIGKILL");
    let users = registered.clone();
    let (missing, mail_missing, claims) = store
        .read_blocking(move |r| {
            let mails = r.scan::<OutboxMail>("")?;
            let mut missing = Vec::new();
            let mut mail_missing = Vec::new();
            for user in &users {
                if r.get::<Account>(user)?.is_none() {
                    missing.push(user.clone());
                }
                let to = format!("{user}@example.jp");
                if !mails.iter().any(|(_, m)| m.to == to) {
                    mail_missing.push(user.clone());
                }
            }
            Ok::<_, anyhow::Error>((missing, mail_missing, r.count::<ClaimRecord>()?))
        })
        .expect("read");
    let repaired = store.repaired();
    drop(store);
    assert!(
        missing.is_empty(),
        "answered registrations lost: {missing:?}"
    );
    assert!(
        mail_missing.is_empty(),
        "queued mail lost: {mail_missing:?}"
    );
    assert!(
        claims == 0 || claims == u64::from(IMPORT_ROWS),
        "the import is all in or all out: {claims} claims (the client saw success: {imported})"
    );
    if imported {
        assert_eq!(claims, u64::from(IMPORT_ROWS), "a finished import survives");
    }

    // The server starts again and every answered registration logs in.
    let again = serve(&data, None);
    for user in &registered {
        let browser = client();
        let location = post(
            &browser,
            &again.url,
            "/",
            "/",
            &[("user_id", user), ("password", PASSWORD)],
        )
        .await
        .expect("login");
        assert_eq!(
            location.as_deref(),
            Some("/menu"),
            "{user} logs in after the crash"
        );
    }
    crate::faults::report("crash_suite_registrations", registered.len() as u64);
    crate::faults::report(
        "crash_suite_repair_ms",
        repaired.map_or(0, |d| d.as_millis() as u64),
    );
}
